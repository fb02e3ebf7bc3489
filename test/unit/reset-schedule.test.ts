import { describe, expect, test } from "vitest";
import {
  LAST_RESET_PROPERTY,
  countsSince,
  nextPeriodStart,
  periodStart,
  resetDue,
  resetStep,
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

  test("spend counts from the state's record; a state without one reads the legacy property, else the creation", () => {
    const created = "2026-05-05T00:00:00Z";
    const legacy = { [LAST_RESET_PROPERTY]: "2030-01-01T00:00:00.000Z" };
    expect(countsSince({ since: "2030-02-01T00:00:00.000Z" }, legacy, created).toISOString()).toBe("2030-02-01T00:00:00.000Z");
    expect(countsSince(undefined, legacy, created).toISOString()).toBe("2030-01-01T00:00:00.000Z");
    expect(countsSince(undefined, { [LAST_RESET_PROPERTY]: "not a date" }, created).toISOString()).toBe(
      "2026-05-05T00:00:00.000Z",
    );
    // Pay-i's Limit model has no properties: only the state and the creation are left.
    expect(countsSince(undefined, null, created).toISOString()).toBe("2026-05-05T00:00:00.000Z");
    expect(withoutResetMarker({ team: "ml", [LAST_RESET_PROPERTY]: "2030-01-01T00:00:00.000Z" })).toEqual({ team: "ml" });
  });
});

describe("a period's reset is claimed once, then applied only by the run that claimed it", () => {
  const feb = "2030-02-01T00:00:00.000Z";
  const created = "2030-01-10T09:00:00.000Z";
  const claim = (period: string, run = "A") => ({ period, run, apply: false });
  const apply = (period: string, run = "A") => ({ period, run, apply: true });

  test("a period later than the one the spend counts from is claimed; the same or an earlier one is not", () => {
    expect(resetStep(claim(feb), { since: created }, created)).toBe("claim");
    expect(resetStep(claim(feb), undefined, created)).toBe("claim");
    expect(resetStep(claim("2030-01-01T00:00:00.000Z"), undefined, created)).toBeUndefined();
    // Claimed by another run (applied or not): a second run in the same period claims nothing.
    expect(resetStep(claim(feb, "B"), { since: feb, run: "A", claimedAt: feb }, created)).toBeUndefined();
    expect(resetStep(claim(feb, "B"), { since: feb, run: "A", claimedAt: feb, appliedAt: feb }, created)).toBeUndefined();
    // A run whose clock is behind the last claim's never goes back.
    expect(resetStep(claim("2030-01-01T00:00:00.000Z", "B"), { since: feb, run: "A" }, created)).toBeUndefined();
  });

  test("only the claiming run applies, and only once", () => {
    expect(resetStep(apply(feb), { since: feb, run: "A", claimedAt: feb }, created)).toBe("apply");
    expect(resetStep(apply(feb, "B"), { since: feb, run: "A", claimedAt: feb }, created)).toBeUndefined();
    expect(resetStep(apply(feb), { since: feb, run: "A", claimedAt: feb, appliedAt: feb }, created)).toBeUndefined();
    // A claim left unapplied by a run that died is never applied by a later one: at most one missed reset.
    expect(resetStep(apply(feb, "C"), { since: feb, run: "A", claimedAt: feb }, created)).toBeUndefined();
    expect(resetStep(apply(feb), undefined, created)).toBeUndefined();
    expect(resetStep(undefined, { since: created }, created)).toBeUndefined();
  });
});
