"""A plain-HTTP stand-in for seed 003's `from limitry import Limitry` (no client of that API generation can be
installed: PyPI's `limitry` speaks a later one). It mirrors the seed's calls: snake_case keyword arguments
sent as camelCase JSON, results with snake_case attributes, `LIMITRY_API_KEY` / `LIMITRY_BASE_URL`."""

import json
import os
import re
import urllib.error
import urllib.request
from types import SimpleNamespace


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _wire(value):
    """Request bodies: camelCase keys at the top level and in event filters; map values stay as given."""
    if isinstance(value, dict):
        return {_camel(k): (_wire(v) if k in ("event_filter", "events") else v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) if isinstance(v, dict) else v for v in value]
    return value


def _obj(value):
    """Response objects: snake_case attributes; maps inside them (filters, dimensions) stay plain dicts."""
    if isinstance(value, dict):
        return SimpleNamespace(**{_snake(k): ([_obj(i) for i in v] if k in ("data", "limits") else v) for k, v in value.items()})
    return value


class LimitryHTTPError(Exception):
    def __init__(self, status, body):
        self.status = status
        self.body = body
        error = body.get("error", {}) if isinstance(body, dict) else {}
        self.code = error.get("code")
        super().__init__(f"{status} {self.code}: {error.get('message')}")


class Limitry:
    def __init__(self, api_key=None, base_url=None):
        self.api_key = api_key or os.environ["LIMITRY_API_KEY"]
        self.base_url = (base_url or os.environ.get("LIMITRY_BASE_URL") or "https://api.limitry.com/v1").rstrip("/")
        self.meters = _Resource(self, "meters")
        self.limits = _Limits(self, "limits")
        self.events = _Events(self)
        self.customers = _Resource(self, "customers")
        self.calls = []

    def request(self, method, path, body=None, query=None):
        url = self.base_url + path
        if query:
            url += "?" + "&".join(f"{_camel(k)}={v}" for k, v in query.items() if v is not None)
        data = None if body is None else json.dumps(_wire({k: v for k, v in body.items() if v is not None})).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.api_key}")
        req.add_header("Content-Type", "application/json")
        self.calls.append(f"{method} {path}")
        try:
            with urllib.request.urlopen(req) as res:
                return res.status, _obj(json.loads(res.read()))
        except urllib.error.HTTPError as error:
            raise LimitryHTTPError(error.code, json.loads(error.read())) from None


class _Resource:
    def __init__(self, client, name):
        self._client = client
        self._path = f"/{name}"

    def create(self, **params):
        return self._client.request("POST", self._path, params)[1]

    def retrieve(self, id):
        return self._client.request("GET", f"{self._path}/{id}")[1]

    def update(self, id, **params):
        return self._client.request("PUT", f"{self._path}/{id}", params)[1]

    def delete(self, id):
        return self._client.request("DELETE", f"{self._path}/{id}")[1]

    def list(self, **query):
        return self._client.request("GET", self._path, query=query)[1]


class _Limits(_Resource):
    def check(self, **params):
        return self._client.request("POST", "/limits/check", params)[1]


class _Events:
    def __init__(self, client):
        self._client = client

    def record(self, **params):
        return self._client.request("POST", "/events/record", params)[1]

    def batch_ingest(self, events):
        return self._client.request("POST", "/events/batch", {"events": events})[1]
