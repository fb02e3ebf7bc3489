"""Seed 003 (Limitry limits) replayed call by call on the wire against the local service, with a plain HTTP
client (limitry_http.py), checking the values of every line the seed prints."""

import calendar
import contextlib
import io
import os
import time
from datetime import datetime, timedelta, timezone

import pytest

from conftest import API_KEY
from limitry_http import Limitry, LimitryHTTPError


@pytest.fixture
def limitry(service):
    os.environ["LIMITRY_API_KEY"] = API_KEY
    os.environ["LIMITRY_BASE_URL"] = service + "/v1"
    client = Limitry()
    yield client
    for limit in client.limits.list(limit=100).data:
        client.limits.delete(limit.id)


def printed(block):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        block()
    return out.getvalue().splitlines()


def next_boundaries():
    """Window ends as the service computes them for a customer its first event created today: UTC, billing cycle
    from today (docs/limitry-decisions.md), so its month ends on the same day next month (clamped to that month)."""
    now = datetime.now(timezone.utc)
    hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    year, month_no = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    month = datetime(year, month_no, min(now.day, calendar.monthrange(year, month_no)[1]), tzinfo=timezone.utc)
    return {"hour": hour, "day": day, "month": month}


def test_seed003_create_check_list_retrieve_update_delete(limitry):
    # Stay clear of an hour boundary: the hourly limit's window must not turn over mid-test.
    now = datetime.now(timezone.utc)
    if now.minute == 59 and now.second >= 50:
        time.sleep(61 - now.second)
    client = limitry

    # First, create or get a meter
    meter = client.meters.create(name="Total Tokens", aggregation="sum", field="values.tokens", event_filter={"event_type": "llm.completion"})
    assert meter.id.startswith("mtr_") and meter.event_filter == {"eventType": "llm.completion"}

    # Create a limit using that meter
    lines = printed(lambda: print(f"Created limit: {client.limits.create(name='Daily token limit', meter_id=meter.id, limit_value=100000, period='day', customer_id='cust_123').id}"))
    assert len(lines) == 1 and lines[0].startswith("Created limit: lmt_")

    hourly = client.limits.create(name="Hourly limit", meter_id=meter.id, limit_value=10000, period="hour", customer_id="cust_123")
    assert (hourly.period, hourly.limit_value, hourly.dimension_filters, hourly.alert_thresholds) == ("hour", 10000, {}, None)

    gpt4 = client.limits.create(name="GPT-4 daily limit", meter_id=meter.id, limit_value=50000, period="day", customer_id="cust_123", dimension_filters={"model": "gpt-4"})
    assert gpt4.dimension_filters == {"model": "gpt-4"}

    # The seed's feature_meter: a count of feature uses.
    feature_meter = client.meters.create(name="Feature uses", aggregation="count", field="*", event_filter={"event_type": "feature.used"})
    client.limits.create(name="Premium feature limit", meter_id=feature_meter.id, limit_value=100, period="month", customer_id="cust_123", dimension_filters={"feature": "advanced-analysis"})

    alerts = client.limits.create(name="Daily limit with alerts", meter_id=meter.id, limit_value=100000, period="day", customer_id="cust_123", alert_thresholds=[50, 80, 100])
    assert alerts.alert_thresholds == [50, 80, 100]

    # Usage for the check to report (the seed shows only the check): 42,000 tokens, 30,000 of them GPT-4.
    assert client.events.record(customer_id="cust_123", event_type="llm.completion", values={"tokens": 30000}, dimensions={"model": "gpt-4"}).recorded is True
    assert client.events.batch_ingest([
        {"customer_id": "cust_123", "event_type": "llm.completion", "values": {"tokens": 12000}, "dimensions": {"model": "gpt-3.5"}},
        {"customer_id": "cust_123", "event_type": "feature.used", "dimensions": {"feature": "advanced-analysis"}},
        {"customer_id": "cust_456", "event_type": "llm.completion", "values": {"tokens": 99999}},
    ]).count == 3

    # Check Limits
    ends = next_boundaries()
    result = client.limits.check(customer_id="cust_123")

    def show():
        print(f"Allowed: {result.allowed}")
        for limit in result.limits:
            pct = (limit.used / limit.limit) * 100
            print(f"{limit.name}: {limit.used:,}/{limit.limit:,} ({pct:.1f}%)")
            print(f"  Remaining: {limit.remaining:,}")
            print(f"  Exceeded: {limit.exceeded}")
            if limit.reset:  # Unix timestamp, null for all_time
                print(f"  Resets at: {datetime.fromtimestamp(limit.reset)}")

    def resets(period):
        return f"  Resets at: {datetime.fromtimestamp(ends[period].timestamp())}"

    assert printed(show) == [
        "Allowed: False",
        "Daily token limit: 42,000/100,000 (42.0%)", "  Remaining: 58,000", "  Exceeded: False", resets("day"),
        "Hourly limit: 42,000/10,000 (420.0%)", "  Remaining: 0", "  Exceeded: True", resets("hour"),
        "GPT-4 daily limit: 30,000/50,000 (60.0%)", "  Remaining: 20,000", "  Exceeded: False", resets("day"),
        "Premium feature limit: 1/100 (1.0%)", "  Remaining: 99", "  Exceeded: False", resets("month"),
        "Daily limit with alerts: 42,000/100,000 (42.0%)", "  Remaining: 58,000", "  Exceeded: False", resets("day"),
    ]

    # Check with Filters: only limits whose dimension filters match GPT-4 usage.
    gpt4_only = client.limits.check(customer_id="cust_123", dimensions={"model": "gpt-4"})
    assert [l.name for l in gpt4_only.limits] == ["Daily token limit", "Hourly limit", "GPT-4 daily limit", "Daily limit with alerts"]

    # List Limits
    limits = client.limits.list()

    def show_list():
        for limit in limits.data:
            print(f"{limit.name} ({limit.id})")
            print(f"  Meter: {limit.meter_id}")
            print(f"  Limit: {limit.limit_value} per {limit.period}")
            if limit.dimension_filters:
                print(f"  Filters: {limit.dimension_filters}")

    ids = {l.name: l.id for l in limits.data}
    assert printed(show_list) == [
        f"Daily token limit ({ids['Daily token limit']})", f"  Meter: {meter.id}", "  Limit: 100000 per day",
        f"Hourly limit ({ids['Hourly limit']})", f"  Meter: {meter.id}", "  Limit: 10000 per hour",
        f"GPT-4 daily limit ({ids['GPT-4 daily limit']})", f"  Meter: {meter.id}", "  Limit: 50000 per day", "  Filters: {'model': 'gpt-4'}",
        f"Premium feature limit ({ids['Premium feature limit']})", f"  Meter: {feature_meter.id}", "  Limit: 100 per month", "  Filters: {'feature': 'advanced-analysis'}",
        f"Daily limit with alerts ({ids['Daily limit with alerts']})", f"  Meter: {meter.id}", "  Limit: 100000 per day",
    ]

    # Filter by customer
    assert len(client.limits.list(customer_id="cust_123").data) == 5
    assert client.limits.list(customer_id="cust_456").data == []

    # Pagination
    limits = client.limits.list(limit=2)
    assert limits.has_more is True
    next_page = client.limits.list(cursor=limits.next_cursor, limit=2)
    last_page = client.limits.list(cursor=next_page.next_cursor, limit=2)
    assert [len(limits.data), len(next_page.data), len(last_page.data), last_page.has_more, last_page.next_cursor] == [2, 2, 1, False, None]

    # Get a Limit
    limit_id = ids["GPT-4 daily limit"]
    limit = client.limits.retrieve(limit_id)
    assert printed(lambda: (
        print(f"Name: {limit.name}"),
        print(f"Meter ID: {limit.meter_id}"),
        print(f"Limit Value: {limit.limit_value}"),
        print(f"Period: {limit.period}"),
        print(f"Customer: {limit.customer_id}"),
        print(f"Filters: {limit.dimension_filters}"),
    )) == ["Name: GPT-4 daily limit", f"Meter ID: {meter.id}", "Limit Value: 50000", "Period: day", "Customer: cust_123", "Filters: {'model': 'gpt-4'}"]

    # Update a Limit
    limit = client.limits.update(limit_id, name="Updated limit name", limit_value=200000, alert_thresholds=[75, 90, 100])
    assert (limit.name, limit.limit_value, limit.alert_thresholds, limit.period, limit.dimension_filters) == (
        "Updated limit name", 200000, [75, 90, 100], "day", {"model": "gpt-4"})

    # Delete a Limit
    result = client.limits.delete(limit_id)
    assert printed(lambda: print("Limit deleted") if result.success else None) == ["Limit deleted"]
    with pytest.raises(LimitryHTTPError) as gone:
        client.limits.retrieve(limit_id)
    assert (gone.value.status, gone.value.code) == (404, "limit_not_found")

    # Every documented call of the seed went over the wire.
    assert sorted(set(client.calls)) == sorted({
        "POST /meters", "POST /limits", "POST /events/record", "POST /events/batch", "POST /limits/check", "GET /limits",
        f"GET /limits/{limit_id}", f"PUT /limits/{limit_id}", f"DELETE /limits/{limit_id}",
    })


def test_seed003_errors_are_limitry_envelopes(limitry):
    with pytest.raises(LimitryHTTPError) as missing:
        limitry.limits.create(name="No meter", limit_value=1, period="day")
    assert (missing.value.status, missing.value.code) == (400, "missing_required_field")
    assert missing.value.body["error"]["status"] == 400 and missing.value.body["error"]["requestId"].startswith("req_")
    with pytest.raises(LimitryHTTPError) as bad_key:
        Limitry(api_key="wrong").limits.list()
    assert (bad_key.value.status, bad_key.value.code) == (401, "invalid_api_key")
