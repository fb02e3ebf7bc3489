"""Every endpoint of the official `payi` client against the local service, each response validated by the
client's own models (`_strict_response_validation=True` raises APIResponseValidationError on any mismatch)."""

import inspect
import uuid
from datetime import datetime, timedelta

import pytest
from conftest import NOT_FOUND, STRICT
from payi import BadRequestError, Payi
from payi._resource import SyncAPIResource

# Endpoint name (as reached from the client) → the test that calls it. Filled by @covers below.
COVERED: dict[str, str] = {}


def covers(*endpoints):
    def register(fn):
        for endpoint in endpoints:
            COVERED[endpoint] = fn.__name__
        return fn

    return register


def client_endpoints(client):
    """Every public method of every resource the client exposes, e.g. `use_cases.definitions.kpis.create`."""
    found, seen = [], set()

    def walk(obj, prefix):
        for name in dir(type(obj)):
            if name.startswith("_") or name in ("with_raw_response", "with_streaming_response"):
                continue
            attr = getattr(type(obj), name, None)
            if inspect.isfunction(attr):
                if isinstance(obj, SyncAPIResource):
                    found.append(prefix + name)
                continue
            value = getattr(obj, name, None)
            if isinstance(value, SyncAPIResource) and id(value) not in seen:
                seen.add(id(value))
                walk(value, prefix + name + ".")

    walk(client, "")
    return sorted(found)


@pytest.fixture
def strict(client):
    strict = Payi(_strict_response_validation=True, max_retries=0)
    yield strict
    for definition in list(strict.use_cases.definitions.list()):
        strict.use_cases.definitions.delete(use_case_name=definition.name)
    for category in list(strict.categories.list()):
        if not category.category.startswith("system."):
            # The lenient client: the strict profile answers a delete with the documented {request_id}.
            client.categories.delete(category=category.category)
    strict.close()


@covers("limits.create", "limits.retrieve", "limits.update", "limits.list", "limits.reset", "limits.delete")
def test_limits_round_trip(strict):
    created = strict.limits.create(limit_name="Surface", limit_id="surface", max=100 / 3, threshold=0.1 + 0.7, properties={"team": "ml"})
    # Sent and read back exactly: 33.333333333333336 and 0.7999999999999999, not values rounded to 1e-10.
    assert (created.limit.max, created.limit.threshold) == (100 / 3, 0.1 + 0.7)
    again = strict.limits.create(limit_name="Surface", limit_id="surface", max=created.limit.max, threshold=created.limit.threshold, properties={"team": "ml"})
    assert again.limit.limit_creation_timestamp == created.limit.limit_creation_timestamp
    assert strict.limits.retrieve(limit_id="surface").limit.max == 100 / 3
    assert strict.limits.update(limit_id="surface", max=0.1 + 0.2).limit.max == 0.1 + 0.2
    assert [limit.limit_id for limit in strict.limits.list(limit_name="Surface")] == ["surface"]
    history = strict.limits.reset(limit_id="surface", reset_date=datetime(2026, 1, 1, 12, 0, 0))  # naive: UTC
    assert history.limit_history.limit_reset_timestamp.isoformat().startswith("2026-01-01T12:00:00")
    assert strict.limits.delete(limit_id="surface").request_id


@covers("limits.properties.update")
def test_limit_properties_update_answers_a_list(strict, client):
    strict.limits.create(limit_name="Props", limit_id="props", max=5.0, properties={"team": "ml", "env": "dev"})
    if STRICT:
        # Pay-i's docs answer {request_id}; the official client with its default (lenient) validation takes it.
        answer = client.limits.properties.update(limit_id="props", properties={"env": None, "owner": "ana"})
        assert answer == {"request_id": answer["request_id"]} and answer["request_id"]
        return
    answer = strict.limits.properties.update(limit_id="props", properties={"env": None, "owner": "ana"})
    assert isinstance(answer, list) and len(answer) == 1
    assert answer[0].limit.model_extra["properties"] == {"team": "ml", "owner": "ana"}


@covers("ingest.units", "ingest.bulk")
def test_ingest_single_and_bulk(strict):
    limit = strict.limits.create(limit_name="Ingest", max=10.0).limit
    one = strict.ingest.units(category="system.openai", resource="gpt-4o", units={"text": {"input": 1000, "output": 500}}, limit_ids=[limit.limit_id])
    assert one.xproxy_result.cost.total.base == 0.0075
    event = {"category": "system.openai", "resource": "gpt-4o", "units": {"text": {"input": 1000, "output": 500}}, "limit_ids": [limit.limit_id]}
    bulk = strict.ingest.bulk(events=[event, {**event, "resource": "no-such-model"}, event])
    assert (bulk.ingest_count, bulk.error_count) == (2, 1)
    assert bulk.errors[0].item_index == 1
    assert strict.limits.retrieve(limit_id=limit.limit_id).limit.totals.cost.total.base == 0.0225


@covers(
    "requests.request_id.result.retrieve",
    "requests.request_id.properties.update",
    "requests.response_id.result.retrieve",
    "requests.response_id.properties.update",
)
def test_requests_by_request_id_and_provider_response_id(strict):
    ingested = strict.ingest.units(
        category="system.openai", resource="gpt-4o", units={"text": {"input": 10, "output": 20}}, provider_response_id="chatcmpl-abc"
    )
    request_id = ingested.xproxy_result.request_id
    by_id = strict.requests.request_id.result.retrieve(request_id)
    assert by_id.xproxy_result.cost.total.base == ingested.xproxy_result.cost.total.base
    assert strict.requests.request_id.properties.update(request_id, properties={"reviewed": "yes"}).request_id == request_id
    by_response = strict.requests.response_id.result.retrieve("chatcmpl-abc", category="system.openai")
    assert by_response.xproxy_result.request_id == request_id
    assert strict.requests.response_id.properties.update("chatcmpl-abc", category="system.openai", properties={"k": "v"}).request_id == request_id
    with pytest.raises(NOT_FOUND):
        strict.requests.request_id.result.retrieve("req_unknown")


@covers(
    "use_cases.definitions.create",
    "use_cases.definitions.retrieve",
    "use_cases.definitions.update",
    "use_cases.definitions.list",
    "use_cases.definitions.delete",
    "use_cases.definitions.limit_config.create",
    "use_cases.definitions.limit_config.delete",
    "use_cases.definitions.version.increment",
)
def test_use_case_definitions(strict):
    strict.use_cases.definitions.create(name="surface_uc", description="Surface")
    assert strict.use_cases.definitions.retrieve(use_case_name="surface_uc").description == "Surface"
    assert strict.use_cases.definitions.update(use_case_name="surface_uc", description="Changed").description == "Changed"
    assert [d.name for d in strict.use_cases.definitions.list(use_case_name="surface_uc")] == ["surface_uc"]
    configured = strict.use_cases.definitions.limit_config.create(use_case_name="surface_uc", max=0.05, threshold=0.8)
    assert configured.limit_config.max == 0.05
    assert strict.use_cases.definitions.limit_config.delete(use_case_name="surface_uc").limit_config is None
    assert strict.use_cases.definitions.version.increment(use_case_name="surface_uc").type_version == 2
    assert strict.use_cases.definitions.delete(use_case_name="surface_uc").name == "surface_uc"


@covers("use_cases.create", "use_cases.retrieve", "use_cases.delete", "use_cases.properties.update")
def test_use_case_instances(strict):
    strict.use_cases.definitions.create(name="surface_inst", description="Instances", limit_config={"max": 1.0})
    instance = strict.use_cases.create(use_case_name="surface_inst")
    assert instance.limit_id
    assert strict.use_cases.retrieve(use_case_name="surface_inst", use_case_id=instance.use_case_id).limit_id == instance.limit_id
    updated = strict.use_cases.properties.update(use_case_name="surface_inst", use_case_id=instance.use_case_id, properties={"tier": "gold"})
    assert updated.use_case_id == instance.use_case_id
    assert strict.use_cases.delete(use_case_name="surface_inst", use_case_id=instance.use_case_id).use_case_id == instance.use_case_id
    with pytest.raises(NOT_FOUND):
        strict.use_cases.retrieve(use_case_name="surface_inst", use_case_id=instance.use_case_id)


@covers(
    "use_cases.definitions.kpis.create",
    "use_cases.definitions.kpis.retrieve",
    "use_cases.definitions.kpis.update",
    "use_cases.definitions.kpis.list",
    "use_cases.definitions.kpis.delete",
    "use_cases.kpis.update",
    "use_cases.kpis.list",
)
def test_kpis_defined_per_use_case_and_scored_per_instance(strict):
    strict.use_cases.definitions.create(name="surface_kpi", description="KPIs")
    created = strict.use_cases.definitions.kpis.create(use_case_name="surface_kpi", name="helpful", description="Was it helpful", goal=0.9, kpi_type="percentage")
    assert (created.name, created.goal, created.kpi_type) == ("helpful", 0.9, "percentage")
    assert strict.use_cases.definitions.kpis.retrieve(kpi_name="helpful", use_case_name="surface_kpi").description == "Was it helpful"
    assert strict.use_cases.definitions.kpis.update(kpi_name="helpful", use_case_name="surface_kpi", goal=0.95).goal == 0.95
    assert [k.name for k in strict.use_cases.definitions.kpis.list(use_case_name="surface_kpi")] == ["helpful"]

    instance = strict.use_cases.create(use_case_name="surface_kpi")
    assert strict.use_cases.kpis.update(kpi_name="helpful", use_case_name="surface_kpi", use_case_id=instance.use_case_id, score=0.75) is None
    scores = list(strict.use_cases.kpis.list(use_case_name="surface_kpi", use_case_id=instance.use_case_id))
    assert [(s.kpi_name, s.kpi_type, s.score) for s in scores] == [("helpful", "percentage", 0.75)]
    assert strict.use_cases.definitions.kpis.delete(kpi_name="helpful", use_case_name="surface_kpi").name == "helpful"
    with pytest.raises(NOT_FOUND):
        strict.use_cases.definitions.kpis.retrieve(kpi_name="helpful", use_case_name="surface_kpi")


@covers(
    "categories.list",
    "categories.list_resources",
    "categories.resources.create",
    "categories.resources.retrieve",
    "categories.resources.list",
    "categories.resources.delete",
    "categories.delete_resource",
    "categories.delete",
)
def test_categories_and_resource_versions(strict, client):
    assert "system.openai" in [c.category for c in strict.categories.list()]
    assert "gpt-5.5" in [r.resource for r in strict.categories.list_resources(category="system.openai")]
    first = strict.categories.resources.create(resource="model-a", category="acme", units={"text": {"input_price": 0.000001, "output_price": 0.000002}})
    second = strict.categories.resources.create(resource="model-a", category="acme", units={"text": {"input_price": 0.000003}})
    strict.categories.resources.create(resource="model-b", category="acme", units={"text": {"input_price": 0.000001}})
    assert strict.categories.resources.retrieve(first.resource_id, category="acme", resource="model-a").resource_id == first.resource_id
    assert [v.resource_id for v in strict.categories.resources.list(resource="model-a", category="acme")] == [first.resource_id, second.resource_id]
    assert strict.categories.resources.delete(second.resource_id, category="acme", resource="model-a").resource_id == second.resource_id
    if STRICT:
        # Both deletes answer the documented {request_id}, which the official client's lenient default takes.
        assert client.categories.delete_resource(resource="model-a", category="acme")["request_id"]
        assert [r.resource for r in strict.categories.list_resources(category="acme")] == ["model-b"]
        assert client.categories.delete(category="acme")["request_id"]
    else:
        deleted = strict.categories.delete_resource(resource="model-a", category="acme")
        assert [v.resource_id for v in deleted] == [first.resource_id]
        assert [v.resource for v in strict.categories.delete(category="acme")] == ["model-b"]
    with pytest.raises(NOT_FOUND):
        strict.categories.delete(category="acme")


def test_custom_versions_price_events_by_their_timestamp(strict):
    now = datetime.utcnow()
    strict.categories.resources.create(resource="m", category="timed", units={"text": {"input_price": 0.001}}, start_timestamp=now - timedelta(days=2))
    strict.categories.resources.create(resource="m", category="timed", units={"text": {"input_price": 0.002}}, start_timestamp=now + timedelta(days=1))
    cost = lambda at: strict.ingest.units(category="timed", resource="m", units={"text": {"input": 1}}, event_timestamp=at).xproxy_result.cost.total.base
    assert cost(now) == 0.001  # the version starting tomorrow does not price today's event
    assert cost(now - timedelta(days=1)) == 0.001
    with pytest.raises(NOT_FOUND) as before_any:
        cost(now - timedelta(days=3))
    assert before_any.value.body["xproxy_error"]["code"] == "category_resource_not_found"


def test_prices_finer_than_the_money_unit_are_multiplied_before_rounding(strict):
    strict.categories.resources.create(resource="tiny", category="fine", units={"text": {"input_price": 1.5e-11}})
    result = strict.ingest.units(category="fine", resource="tiny", units={"text": {"input": 1000}}).xproxy_result
    assert result.cost.total.base == 1.5e-8


def test_unknown_category_and_out_of_range_money_are_4xx_naming_the_field(strict):
    with pytest.raises(NOT_FOUND) as unknown:
        strict.ingest.units(category="no.such.category", resource="x", units={"text": {"input": 1}})
    assert unknown.value.body["xproxy_error"]["code"] == "category_not_found"
    for bad in ({"max": 1e-11}, {"max": 1e9}):
        with pytest.raises(BadRequestError) as rejected:
            strict.limits.create(limit_name="bad", **bad)
        assert "max" in rejected.value.body["xproxy_error"]["message"]
    with pytest.raises(BadRequestError) as huge:
        strict.categories.resources.create(resource="huge", category="acme", units={"text": {"input_price": 1e21}})
    assert "units.text.input_price" in huge.value.body["xproxy_error"]["message"]
    for limit_id in ("x" * 200, "a,b"):
        with pytest.raises(BadRequestError) as bad_id:
            strict.limits.create(limit_name="id rule", limit_id=limit_id, max=1.0)
        assert "limit_id" in bad_id.value.body["xproxy_error"]["message"]


def test_a_limit_total_stops_at_its_ceiling_with_a_4xx_and_the_service_stays_up(strict):
    strict.categories.resources.create(resource="dear", category="acme", units={"text": {"input_price": 1000000}})
    limit = strict.limits.create(limit_name="Ceiling", max=100_000_000.0).limit
    charge = lambda: strict.ingest.units(category="acme", resource="dear", units={"text": {"input": 100}}, limit_ids=[limit.limit_id])
    for _ in range(9):
        charge()  # $100M each: $900M, the ceiling
    with pytest.raises(BadRequestError) as full:
        charge()
    assert "limit" in full.value.body["xproxy_error"]["message"]
    assert strict.limits.retrieve(limit_id=limit.limit_id).limit.totals.cost.total.base == 900_000_000
    assert len(list(strict.limits.list())) == 1


def test_every_endpoint_of_the_client_is_covered(client):
    endpoints = client_endpoints(client)
    assert len(endpoints) == 40
    assert sorted(set(endpoints) - set(COVERED)) == []
