import { describe, expect, test } from "vitest";
import { allowed, filtersMatch, limitApplies, standing, thresholdsReached, alertEvent } from "../../rules/limitry/check.js";
import {
  batchViolations,
  customerViolations,
  eventViolations,
  limitViolations,
  meterViolations,
  VALUE_MAX,
} from "../../rules/limitry/validation.js";
import { resetSeconds, windowAt, type WindowAnchor } from "../../rules/limitry/window.js";
import type { Period } from "../../sdk/limitry/resources/limits.js";

/** The window as ISO strings, for readable assertions. */
function win(period: Period, at: string, anchor?: WindowAnchor): [string | null, string | null] {
  const w = windowAt(period, new Date(at), anchor);
  return [w.start?.toISOString() ?? null, w.end?.toISOString() ?? null];
}

const cycle = (iso: string, timezone?: string): WindowAnchor => ({ billingCycleStart: new Date(iso), timezone });

describe("windows (injected clock)", () => {
  test("hour is the UTC hour, whatever the customer's timezone", () => {
    expect(win("hour", "2026-03-10T14:59:59.999Z")).toEqual(["2026-03-10T14:00:00.000Z", "2026-03-10T15:00:00.000Z"]);
    expect(win("hour", "2026-03-10T15:00:00.000Z")).toEqual(["2026-03-10T15:00:00.000Z", "2026-03-10T16:00:00.000Z"]);
    expect(win("hour", "2026-03-10T14:20:00Z", { timezone: "Asia/Kolkata" })).toEqual([
      "2026-03-10T14:00:00.000Z",
      "2026-03-10T15:00:00.000Z",
    ]);
  });

  test("day runs from UTC midnight to UTC midnight without a timezone; the last millisecond stays in it", () => {
    expect(win("day", "2026-03-10T23:59:59.999Z")).toEqual(["2026-03-10T00:00:00.000Z", "2026-03-11T00:00:00.000Z"]);
    expect(win("day", "2026-03-11T00:00:00.000Z")).toEqual(["2026-03-11T00:00:00.000Z", "2026-03-12T00:00:00.000Z"]);
  });

  test("day follows the customer's local midnight", () => {
    // 03:00 UTC is still the 9th in New York (UTC−5 in winter).
    expect(win("day", "2026-01-10T03:00:00Z", { timezone: "America/New_York" })).toEqual([
      "2026-01-09T05:00:00.000Z",
      "2026-01-10T05:00:00.000Z",
    ]);
    expect(win("day", "2026-01-10T05:00:00Z", { timezone: "America/New_York" })).toEqual([
      "2026-01-10T05:00:00.000Z",
      "2026-01-11T05:00:00.000Z",
    ]);
  });

  test("a day across a DST change is 23 hours long", () => {
    // New York springs forward on 2026-03-08.
    expect(win("day", "2026-03-08T12:00:00Z", { timezone: "America/New_York" })).toEqual([
      "2026-03-08T05:00:00.000Z",
      "2026-03-09T04:00:00.000Z",
    ]);
  });

  test("a local midnight skipped by DST starts the day at the end of the gap", () => {
    // Santiago moves from 00:00 to 01:00 on 2026-09-06 (UTC−4 → UTC−3).
    expect(win("day", "2026-09-06T12:00:00Z", { timezone: "America/Santiago" })).toEqual([
      "2026-09-06T04:00:00.000Z",
      "2026-09-07T03:00:00.000Z",
    ]);
  });

  test("week starts Monday 00:00 local and Sunday belongs to the week before", () => {
    // 2026-03-15 is a Sunday, 2026-03-16 a Monday.
    expect(win("week", "2026-03-15T23:59:59Z")).toEqual(["2026-03-09T00:00:00.000Z", "2026-03-16T00:00:00.000Z"]);
    expect(win("week", "2026-03-16T00:00:00Z")).toEqual(["2026-03-16T00:00:00.000Z", "2026-03-23T00:00:00.000Z"]);
    // Monday 01:00 in Paris is still Sunday in UTC: the customer's week has begun.
    expect(win("week", "2026-03-16T00:30:00+01:00", { timezone: "Europe/Paris" })).toEqual([
      "2026-03-15T23:00:00.000Z",
      "2026-03-22T23:00:00.000Z",
    ]);
  });

  test("month without a billing cycle is the UTC calendar month", () => {
    expect(win("month", "2026-02-28T23:59:59Z")).toEqual(["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"]);
    expect(win("month", "2026-12-31T12:00:00Z")).toEqual(["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
  });

  test("month runs from the billing-cycle day to the same day next month (15th to 14th inclusive)", () => {
    const anchor = cycle("2025-06-15T09:30:00Z");
    expect(win("month", "2026-03-14T23:59:59Z", anchor)).toEqual(["2026-02-15T00:00:00.000Z", "2026-03-15T00:00:00.000Z"]);
    expect(win("month", "2026-03-15T00:00:00Z", anchor)).toEqual(["2026-03-15T00:00:00.000Z", "2026-04-15T00:00:00.000Z"]);
    expect(win("month", "2026-01-10T00:00:00Z", anchor)).toEqual(["2025-12-15T00:00:00.000Z", "2026-01-15T00:00:00.000Z"]);
  });

  test("a billing cycle on the 31st is clamped to each month's last day", () => {
    const anchor = cycle("2025-01-31T00:00:00Z");
    expect(win("month", "2026-02-10T00:00:00Z", anchor)).toEqual(["2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z"]);
    expect(win("month", "2026-02-28T00:00:00Z", anchor)).toEqual(["2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z"]);
    expect(win("month", "2026-04-30T00:00:00Z", anchor)).toEqual(["2026-04-30T00:00:00.000Z", "2026-05-31T00:00:00.000Z"]);
    expect(win("month", "2028-02-29T08:00:00Z", anchor)).toEqual(["2028-02-29T00:00:00.000Z", "2028-03-31T00:00:00.000Z"]);
  });

  test("the billing-cycle day is read in the customer's timezone", () => {
    // 2025-06-15T02:00Z is still the 14th in Los Angeles.
    const anchor = cycle("2025-06-15T02:00:00Z", "America/Los_Angeles");
    expect(win("month", "2026-07-20T12:00:00Z", anchor)).toEqual(["2026-07-14T07:00:00.000Z", "2026-08-14T07:00:00.000Z"]);
  });

  test("annual runs anniversary to anniversary; Feb 29 is clamped to Feb 28 in other years", () => {
    expect(win("annual", "2026-05-01T00:00:00Z")).toEqual(["2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
    const anchor = cycle("2024-02-29T00:00:00Z");
    expect(win("annual", "2026-02-27T23:59:59Z", anchor)).toEqual(["2025-02-28T00:00:00.000Z", "2026-02-28T00:00:00.000Z"]);
    expect(win("annual", "2026-02-28T00:00:00Z", anchor)).toEqual(["2026-02-28T00:00:00.000Z", "2027-02-28T00:00:00.000Z"]);
    expect(win("annual", "2028-03-01T00:00:00Z", anchor)).toEqual(["2028-02-29T00:00:00.000Z", "2029-02-28T00:00:00.000Z"]);
  });

  test("all_time never resets: reset is null; other periods reset at the window end in Unix seconds", () => {
    expect(win("all_time", "2026-03-10T14:00:00Z")).toEqual([null, null]);
    expect(resetSeconds(windowAt("all_time", new Date()))).toBeNull();
    expect(resetSeconds(windowAt("day", new Date("2026-03-10T14:00:00Z")))).toBe(Date.UTC(2026, 2, 11) / 1000);
  });
});

describe("check rules", () => {
  const customerLimit = { customerId: "cust_123", dimensionFilters: {} };
  const projectLimit = { customerId: null, dimensionFilters: {} };
  const gpt4Limit = { customerId: "cust_123", dimensionFilters: { model: "gpt-4" } };

  test("a limit applies to its own customer and project-wide limits apply to everyone", () => {
    expect(limitApplies(customerLimit, "cust_123")).toBe(true);
    expect(limitApplies(customerLimit, "cust_456")).toBe(false);
    expect(limitApplies(projectLimit, "cust_456")).toBe(true);
    expect(limitApplies(customerLimit, undefined)).toBe(false);
    expect(limitApplies(projectLimit, undefined)).toBe(true);
  });

  test("with dimensions, only limits whose filters are a subset of them apply; without, all of them", () => {
    expect(limitApplies(gpt4Limit, "cust_123")).toBe(true);
    expect(limitApplies(gpt4Limit, "cust_123", { model: "gpt-4", team: "eng" })).toBe(true);
    expect(limitApplies(gpt4Limit, "cust_123", { model: "gpt-3.5" })).toBe(false);
    expect(limitApplies(gpt4Limit, "cust_123", { team: "eng" })).toBe(false);
    expect(limitApplies(customerLimit, "cust_123", { model: "gpt-3.5" })).toBe(true);
    expect(filtersMatch({ a: "1", b: "2" }, { a: "1" })).toBe(false);
  });

  test("reaching the limit exactly is exceeded, and remaining never goes negative", () => {
    expect(standing(100, 99)).toEqual({ limit: 100, used: 99, remaining: 1, exceeded: false });
    expect(standing(100, 100)).toEqual({ limit: 100, used: 100, remaining: 0, exceeded: true });
    expect(standing(100, 250)).toEqual({ limit: 100, used: 250, remaining: 0, exceeded: true });
    expect(allowed([standing(100, 10), standing(5, 5)])).toBe(false);
    expect(allowed([])).toBe(true);
  });

  test("thresholds are reached at exactly their percentage; 100 % is limit.exceeded", () => {
    expect(thresholdsReached([50, 80, 100], 100_000, 49_999)).toEqual([]);
    expect(thresholdsReached([50, 80, 100], 100_000, 50_000)).toEqual([50]);
    expect(thresholdsReached([50, 80, 100], 100_000, 100_000)).toEqual([50, 80, 100]);
    expect(thresholdsReached(null, 10, 20)).toEqual([]);
    expect([alertEvent(80), alertEvent(100)]).toEqual(["limit.threshold_reached", "limit.exceeded"]);
  });
});

describe("validation returns {field, rule, value}", () => {
  test("meter: field must be values.<key>, '*' only with count", () => {
    expect(meterViolations({ name: "Total Tokens", aggregation: "sum", field: "values.tokens" })).toEqual([]);
    expect(meterViolations({ name: "Events", aggregation: "count", field: "*" })).toEqual([]);
    expect(meterViolations({ name: " ", aggregation: "sum", field: "*" })).toEqual([
      { field: "name", rule: "must not be empty", value: " " },
      { field: "field", rule: "may be '*' only with aggregation count (aggregation is sum)", value: "*" },
    ]);
    expect(meterViolations({ field: "tokens" })).toEqual([
      { field: "field", rule: "must be 'values.<key>' (key: letters, digits, _; up to 64) or '*' with count", value: "tokens" },
    ]);
    expect(meterViolations({ eventFilter: { eventType: "", dimensions: { "bad key": "x" } } })).toEqual([
      { field: "eventFilter.eventType", rule: "must not be empty", value: "" },
      { field: "eventFilter.dimensions", rule: "keys must be letters, digits or _, up to 64", value: "bad key" },
    ]);
  });

  test("limit: integer limitValue > 0, thresholds distinct integers 1–100, unknown fields skipped", () => {
    expect(limitViolations({ name: "Daily", limitValue: 100_000, alertThresholds: [50, 80, 100] })).toEqual([]);
    expect(limitViolations({ limitValue: 0 })).toEqual([
      { field: "limitValue", rule: "must be an integer greater than 0", value: 0 },
    ]);
    expect(limitViolations({ limitValue: 1.5 })).toEqual([
      { field: "limitValue", rule: "must be an integer greater than 0", value: 1.5 },
    ]);
    expect(limitViolations({ alertThresholds: [0, 50, 50, 101] })).toEqual([
      { field: "alertThresholds[0]", rule: "must be an integer between 1 and 100", value: 0 },
      { field: "alertThresholds[2]", rule: "must not repeat an earlier threshold", value: 50 },
      { field: "alertThresholds[3]", rule: "must be an integer between 1 and 100", value: 101 },
    ]);
    expect(limitViolations({ dimensionFilters: { model: "x".repeat(257) } })).toEqual([
      { field: "dimensionFilters.model", rule: "must be at most 256 characters", value: "x".repeat(257) },
    ]);
  });

  test("event: timestamps need an offset, values must be from 0 to 1e15, batch holds 1–1000", () => {
    expect(eventViolations({ customerId: "c", eventType: "llm.completion", timestamp: "2026-03-10T10:00:00Z" })).toEqual([]);
    expect(eventViolations({ customerId: "c", eventType: "e", timestamp: "2026-03-10T10:00:00" }, "events[2].")).toEqual([
      { field: "events[2].timestamp", rule: "must be an ISO-8601 date-time with an offset", value: "2026-03-10T10:00:00" },
    ]);
    expect(eventViolations({ customerId: "", eventType: "e", values: { tokens: Number.POSITIVE_INFINITY } })).toEqual([
      { field: "customerId", rule: "must not be empty", value: "" },
      { field: "values.tokens", rule: "must be a number from 0 to 1000000000000000", value: Number.POSITIVE_INFINITY },
    ]);
    for (const bad of [-1, 1e308, VALUE_MAX * 2]) {
      expect(eventViolations({ customerId: "c", eventType: "e", values: { tokens: bad } })).toEqual([
        { field: "values.tokens", rule: "must be a number from 0 to 1000000000000000", value: bad },
      ]);
    }
    expect(eventViolations({ customerId: "c", eventType: "e", values: { tokens: 0, cost: VALUE_MAX } })).toEqual([]);
    expect(batchViolations(1000)).toEqual([]);
    expect(batchViolations(1001)).toEqual([{ field: "events", rule: "must hold 1 to 1000 events", value: 1001 }]);
  });

  test("customer: IANA timezone and email", () => {
    expect(customerViolations({ externalId: "cust_1", timezone: "Europe/Paris", email: "a@b.co" })).toEqual([]);
    expect(customerViolations({ externalId: "cust_1", timezone: "Mars/Olympus", email: "nope" })).toEqual([
      { field: "email", rule: "must be an email address", value: "nope" },
      { field: "timezone", rule: "must be an IANA timezone name such as Europe/Paris", value: "Mars/Olympus" },
    ]);
  });
});
