import { describe, expect, test } from "vitest";
import {
  LAST_RESET_PROPERTY,
  lastResetOf,
  nextPeriodStart,
  periodStart,
  resetDue,
  withoutResetMarker,
} from "../../rules/payi/reset.js";

const at = (iso: string) => new Date(iso);

describe("reset periods (UTC calendar periods)", () => {
  test("a daily period starts at 00:00 UTC; the last millisecond of a day is still that day", () => {
    expect(periodStart("daily", at("2030-01-15T23:59:59.999Z")).toISOString()).toBe("2030-01-15T00:00:00.000Z");
    expect(periodStart("daily", at("2030-01-16T00:00:00.000Z")).toISOString()).toBe("2030-01-16T00:00:00.000Z");
    expect(nextPeriodStart("daily", at("2030-12-31T12:00:00Z")).toISOString()).toBe("2031-01-01T00:00:00.000Z");
  });

  test("a weekly period starts on Monday 00:00 UTC, across month and year ends", () => {
    expect(periodStart("weekly", at("2030-01-20T23:59:59Z")).toISOString()).toBe("2030-01-14T00:00:00.000Z"); // Sunday
    expect(periodStart("weekly", at("2030-01-21T00:00:00Z")).toISOString()).toBe("2030-01-21T00:00:00.000Z"); // Monday
    expect(periodStart("weekly", at("2030-01-02T08:00:00Z")).toISOString()).toBe("2029-12-31T00:00:00.000Z");
    expect(nextPeriodStart("weekly", at("2029-12-31T00:00:00Z")).toISOString()).toBe("2030-01-07T00:00:00.000Z");
  });

  test("a monthly period starts on the 1st 00:00 UTC, including February of a leap year", () => {
    expect(periodStart("monthly", at("2028-02-29T23:00:00Z")).toISOString()).toBe("2028-02-01T00:00:00.000Z");
    expect(nextPeriodStart("monthly", at("2028-02-29T23:00:00Z")).toISOString()).toBe("2028-03-01T00:00:00.000Z");
    expect(nextPeriodStart("monthly", at("2030-12-15T00:00:00Z")).toISOString()).toBe("2031-01-01T00:00:00.000Z");
  });

  test("a limit is due once its current period began after its last reset, and only then", () => {
    const reset = at("2030-01-01T00:00:00Z");
    expect(resetDue("monthly", reset, at("2030-01-31T23:59:59Z"))).toBe(false);
    expect(resetDue("monthly", reset, at("2030-02-01T00:00:00Z"))).toBe(true);
    expect(resetDue("daily", at("2030-01-15T00:00:00Z"), at("2030-01-15T23:00:00Z"))).toBe(false);
    expect(resetDue("weekly", at("2030-01-14T00:00:00Z"), at("2030-01-20T23:59:59Z"))).toBe(false);
  });

  test("the last reset is the recorded period start, else the creation time", () => {
    expect(lastResetOf({ [LAST_RESET_PROPERTY]: "2030-01-01T00:00:00.000Z" }, "2026-05-05T00:00:00Z").toISOString()).toBe(
      "2030-01-01T00:00:00.000Z",
    );
    expect(lastResetOf({ [LAST_RESET_PROPERTY]: "not a date" }, "2026-05-05T00:00:00Z").toISOString()).toBe(
      "2026-05-05T00:00:00.000Z",
    );
    expect(lastResetOf(null, "2026-05-05T00:00:00Z").toISOString()).toBe("2026-05-05T00:00:00.000Z");
    expect(withoutResetMarker({ team: "ml", [LAST_RESET_PROPERTY]: "2030-01-01T00:00:00.000Z" })).toEqual({ team: "ml" });
  });
});
