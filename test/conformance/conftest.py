"""Starts the real local service (`pulumi-limits serve`) once per session on a free port."""

import os
import re
import shutil
import subprocess
import tempfile

import pytest
from payi import BadRequestError, NotFoundError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
API_KEY = "conformance-key-not-a-secret"
# `strict` runs the suite against the service's strict profile (see the README's assumptions table).
PROFILE = os.environ.get("PULUMI_LIMITS_SERVICE_PROFILE", "default")
STRICT = PROFILE == "strict"
# What a missing object raises: NotFoundError (404); the strict profile answers Pay-i's documented "4xx" as a
# 400 with the same xproxy_error code.
NOT_FOUND = BadRequestError if STRICT else NotFoundError


@pytest.fixture(scope="session")
def service():
    data_dir = tempfile.mkdtemp(prefix="pulumi-limits-conformance-")
    proc = subprocess.Popen(
        ["node", os.path.join(ROOT, "bin", "pulumi-limits.js"), "serve", "--port", "0", "--data-dir", data_dir, "--api-key", API_KEY, "--profile", PROFILE],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = None
    for line in proc.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            url = match.group(1)
            break
    if url is None:
        proc.kill()
        raise RuntimeError("the service did not start")
    # seed 004: the client is configured from PAYI_API_KEY and PAYI_BASE_URL.
    os.environ["PAYI_API_KEY"] = API_KEY
    os.environ["PAYI_BASE_URL"] = url
    yield url
    proc.terminate()
    assert proc.wait(timeout=10) == 0, "the service did not shut down cleanly on SIGTERM"
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def client(service):
    from payi import Payi

    client = Payi()
    yield client
    # Leave no limits behind for the next test (seed 001's cleanup, by listing and deleting).
    for limit in list(client.limits.list()):
        client.limits.delete(limit_id=limit.limit_id)
    client.close()
