"""The seed documents' flows, run with the official `payi` client against the local service."""

import pytest
from conftest import NOT_FOUND, STRICT
from payi import APIConnectionError, AuthenticationError, BadRequestError, ConflictError, Payi


def test_seed000_create_idempotent_update_list_reset_delete(client):
    first = client.limits.create(limit_name="Limit 1", limit_id="limit_1_id", max=10.0, limit_type="allow", threshold=0.80)
    assert first.limit.limit_id == "limit_1_id"
    again = client.limits.create(limit_name="Limit 1", limit_id="limit_1_id", max=10.0, limit_type="allow", threshold=0.80)
    assert again.limit.limit_creation_timestamp == first.limit.limit_creation_timestamp
    with pytest.raises(ConflictError):
        client.limits.create(limit_name="Limit 1", limit_id="limit_1_id", max=11.0, limit_type="allow", threshold=0.80)

    generated = client.limits.create(limit_name="Limit 2", max=10.0, limit_type="allow", threshold=0.80)
    assert generated.limit.limit_id

    client.limits.create(limit_name="Updated Limit", limit_id="update_limit", max=15.0, limit_type="allow", threshold=0.80)
    assert client.limits.update(limit_id="update_limit", max=30.0).limit.max == 30.0
    renamed = client.limits.update(limit_id="update_limit", limit_name="New Updated Limit").limit
    assert (renamed.limit_name, renamed.max) == ("New Updated Limit", 30.0)

    names = [limit.limit_name for limit in client.limits.list()]
    assert names == ["Limit 1", "Limit 2", "New Updated Limit"]

    client.limits.create(limit_name="Reset limit", limit_id="reset_limit", max=15.0, limit_type="allow", threshold=0.80)
    client.limits.reset(limit_id="reset_limit")

    client.limits.delete(limit_id="reset_limit")
    with pytest.raises(NOT_FOUND):
        client.limits.retrieve(limit_id="reset_limit")


def test_seed001_monitoring_enforcement_states_update_reset(client):
    limit = client.limits.create(limit_name="Monthly Budget", max=100.0, limit_type="allow", threshold=0.80).limit
    assert f"Created '{limit.limit_name}' ${limit.max:.2f} {limit.limit_type} limit with {limit.threshold * 100:.0f}% threshold." == (
        "Created 'Monthly Budget' $100.00 allow limit with 80% threshold."
    )
    by_name = client.limits.list(limit_name="Monthly Budget").items[0]
    assert by_name.limit_id == limit.limit_id
    assert f"${by_name.totals.cost.total.base:.5f}" == "$0.00000"

    for _ in range(3):
        client.ingest.units(
            category="system.openai",
            resource="gpt-4o-2024-05-13",
            units={"text": {"input": 100, "output": 150}},
            limit_ids=[limit.limit_id],
            user_id="user_123",
        )
    current = client.limits.retrieve(limit_id=limit.limit_id).limit
    usage = current.totals.cost.total.base
    assert f"Current usage: ${usage:.5f} of ${current.max:.2f} ({usage / current.max * 100:.1f}%)" == "Current usage: $0.00525 of $100.00 (0.0%)"

    small = client.limits.create(limit_name="Small Instance Limit", max=1.0, limit_type="block", threshold=0.80).limit
    overrun_seen = None
    for i in range(10):
        response = client.ingest.units(
            category="system.openai",
            resource="gpt-4o-2024-05-13",
            units={"text": {"input": 75_000 + 1000 * i, "output": 10_000}},
            limit_ids=[limit.limit_id, small.limit_id],
            user_id=f"test_user_{i}",
        )
        assert response.xproxy_result.cost.total.base > 0.28
        overrun = [lid for lid, info in response.xproxy_result.limits.items() if info.state == "overrun"]
        if overrun:
            overrun_seen = overrun
            break
    # The $1 block limit overruns through ingest (seed 001 shows `overrun`, not a rejection).
    assert overrun_seen == [small.limit_id]
    small_now = client.limits.retrieve(limit_id=small.limit_id).limit
    assert small_now.totals.cost.total.base >= 1.0
    assert small_now.totals.cost.total.overrun_base == pytest.approx(small_now.totals.cost.total.base - 1.0)

    # States table: one more request leaves Monthly ok and Small overrun.
    response = client.ingest.units(
        category="system.openai",
        resource="gpt-4-0125-preview",
        units={"text": {"input": 500, "output": 300}},
        limit_ids=[limit.limit_id, small.limit_id],
    )
    assert {lid: info.state for lid, info in response.xproxy_result.limits.items()} == {limit.limit_id: "ok", small.limit_id: "overrun"}
    # 500 × $30/M + 300 × $60/M: the price seed 001's own numbers imply (see server/payi/pricing.ts)
    assert response.xproxy_result.cost.total.base == 0.033

    # Update: only name and max; type and threshold are fixed.
    assert client.limits.update(limit_id=limit.limit_id, max=200.0).limit.max == 200.0
    assert client.limits.update(limit_id=limit.limit_id, limit_name="Quarterly Budget").limit.limit_name == "Quarterly Budget"
    with pytest.raises(BadRequestError) as too_low:
        client.limits.update(limit_id=small.limit_id, max=0.5)
    assert too_low.value.body["xproxy_error"]["code"] == "invalid_max_limit_update"

    # Reset: the history holds the name; the limit is back to zero.
    history = client.limits.reset(limit_id=limit.limit_id).limit_history
    assert history.limit_name == "Quarterly Budget"
    assert history.totals.cost.total.base > 1.0
    assert f"${client.limits.retrieve(limit_id=limit.limit_id).limit.totals.cost.total.base:.5f}" == "$0.00000"

    # Cleanup by name (seed 001, option 1).
    for name in ("Quarterly Budget", "Small Instance Limit"):
        found = client.limits.list(limit_name=name)
        assert len(found.items) == 1
        client.limits.delete(limit_id=found.items[0].limit_id)
    assert client.limits.list(limit_name="Small Instance Limit").items == []


def test_seed001_real_world_ensure_limit_exists(client):
    """The script the provider replaces, run twice: the second run finds every limit in place."""

    def ensure_limit_exists(name, max_value, limit_type, tags, threshold_value):
        existing = client.limits.list(limit_name=name)
        if existing.items:
            found = existing.items[0]
            if found.limit_type != limit_type or found.threshold != threshold_value:
                client.limits.delete(limit_id=found.limit_id)
            elif found.max != max_value:
                return client.limits.update(limit_id=found.limit_id, max=max_value).limit.limit_id
            else:
                return found.limit_id
        # limit_tags was removed from the client in 0.1.0a131; the service still accepts it.
        created = client.limits.create(
            limit_name=name, max=max_value, limit_type=limit_type, threshold=threshold_value, extra_body={"limit_tags": tags}
        )
        return created.limit.limit_id

    budgets = [
        ("Daily Safety Cap", 50.0, "block", ["daily", "safety", "operational"], 0.90),
        ("Monthly Budget", 1000.0, "allow", ["monthly", "budget", "finance"], 0.80),
        ("Premium Model Usage", 300.0, "allow", ["model-specific", "premium", "tracking"], 0.83),
    ]
    first = [ensure_limit_exists(*b) for b in budgets]
    second = [ensure_limit_exists(*b) for b in budgets]
    assert first == second
    premium = client.limits.retrieve(limit_id=first[2]).limit
    # Whether Pay-i echoes tags is unconfirmed: the strict profile does not.
    assert premium.model_extra.get("limit_tags") == (None if STRICT else ["model-specific", "premium", "tracking"])

    response = client.ingest.units(
        category="system.anthropic",
        resource="claude-3-opus-20240229",
        units={"text": {"input": 150, "output": 120}},
        limit_ids=first,
        user_id="user_abc123",
    )
    # 150 × $15/M + 120 × $75/M
    assert response.xproxy_result.cost.total.base == pytest.approx(0.01125)
    assert set(response.xproxy_result.limits) == set(first)
    for model, category in (("gpt-4o", "system.openai"), ("gemini-1.5-pro", "system.google.vertex")):
        ok = client.ingest.units(category=category, resource=model, units={"text": {"input": 50, "output": 100}}, limit_ids=first)
        assert all(info.state == "ok" for info in ok.xproxy_result.limits.values())


def test_seed002_use_case_limit_config_instances(client):
    client.use_cases.definitions.create(name="teach_me", description="Example use case")
    client.use_cases.definitions.create(name="teach_me", description="Example use case")
    # The seed passes limit_config={...}; the client takes the same fields flat.
    definition = client.use_cases.definitions.limit_config.create(use_case_name="teach_me", limit_type="allow", max=0.05, threshold=0.80)
    assert definition.limit_config.max == 0.05

    for tokens, expected in ((1000, ["ok", "ok", "ok", "overrun"]), (1300, ["ok", "ok", "exceeded", "overrun"])):
        instance = client.use_cases.create(use_case_name="teach_me")
        states = []
        for _ in range(4):
            result = client.ingest.units(
                category="system.openai",
                resource="gpt-4o",
                units={"text": {"input": tokens, "output": tokens}},
                use_case_name="teach_me",
                use_case_id=instance.use_case_id,
            ).xproxy_result
            states.append(result.limits[instance.limit_id].state)
        assert states == expected

    client.use_cases.definitions.limit_config.delete(use_case_name="teach_me")
    client.use_cases.definitions.limit_config.delete(use_case_name="teach_me")
    assert client.use_cases.create(use_case_name="teach_me").limit_id is None
    client.use_cases.definitions.delete(use_case_name="teach_me")


def test_seed004_config_and_error_classes(service):
    with pytest.raises(AuthenticationError):
        Payi(api_key="wrong", max_retries=0).limits.list().items
    with pytest.raises(APIConnectionError):
        Payi(base_url="http://127.0.0.1:9", max_retries=0).limits.list()
    client = Payi(max_retries=0).with_options(timeout=10.0, default_headers={"X-Internal-Service": "BillingProcessor"})
    with pytest.raises(NOT_FOUND):
        client.limits.retrieve(limit_id="missing")
    with pytest.raises(BadRequestError):
        client.limits.create(limit_name="bad", max=10.0, threshold=0.5)
    raw = client.limits.with_raw_response.list()
    assert raw.status_code == 200
    assert raw.headers["x-request-id"].startswith("req_")
    page = client.limits.list(limit=10)
    assert page.items == []
