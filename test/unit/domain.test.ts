import { describe, expect, test } from "vitest";
import { usageBar } from "../../cli/status.js";
import { createDecision, limitViolations } from "../../rules/payi/limit.js";
import { describeViolation } from "../../rules/violation.js";
import { definedProperties, mergeProperties, propertyPatch } from "../../rules/payi/properties.js";
import { limitState, spendState } from "../../rules/payi/spend-state.js";
import { toUnits, toUsd } from "../../rules/payi/money.js";
import { SYSTEM_RESOURCES, priceUnits } from "../../server/payi/pricing.js";

describe("money", () => {
  test("converts exactly to 1e-10 USD units and back", () => {
    expect(toUnits(2.5 / 1_000_000)).toBe(25_000n);
    expect(toUnits(0.00525)).toBe(52_500_000n);
    expect(toUsd(toUnits(0.1) + toUnits(0.2))).toBe(0.3);
    expect(toUsd(-toUnits(1.25))).toBe(-1.25);
    expect(toUsd(toUnits(100_000_000))).toBe(100_000_000);
  });

  test("three ingests of 100 in + 150 out on gpt-4o-2024-05-13 add up to exactly $0.00525", () => {
    const prices = SYSTEM_RESOURCES.find((r) => r.resource === "gpt-4o-2024-05-13")?.units ?? {};
    const one = priceUnits(prices, { text: { input: 100, output: 150 } });
    expect(toUsd(3n * (one.inputUnits + one.outputUnits))).toBe(0.00525);
  });
});

describe("limit states", () => {
  const max = toUnits(1);
  test.for([
    [0.79, 0.8, "ok"],
    [0.8, 0.8, "exceeded"],
    [0.99, 0.8, "exceeded"],
    [1, 0.8, "overrun"],
    [0.99, null, "ok"],
    [1.5, null, "overrun"],
  ] as const)("spend %d with threshold %s is %s", ([spend, threshold, state]) => {
    expect(limitState(toUnits(spend), max, threshold === null ? null : toUnits(threshold))).toBe(state);
  });

  test("spendState works from API amounts", () => {
    expect(spendState(54.37896, 50, 0.9)).toBe("overrun");
    expect(spendState(45, 50, 0.9)).toBe("exceeded");
    expect(spendState(0, 50, undefined)).toBe("ok");
  });
});

describe("rules", () => {
  test("name every broken rule with the value", () => {
    const violations = limitViolations({ limit_name: " ", max: -1, threshold: 0.74 });
    expect(violations).toEqual([
      { field: "limit_name", rule: "must not be empty", value: " " },
      { field: "max", rule: "must be greater than 0", value: -1 },
      { field: "threshold", rule: "must be between 0.75 and 0.99", value: 0.74 },
    ]);
    expect(violations.map((v) => describeViolation(v))).toEqual([
      "limit_name must not be empty (got ' ')",
      "max must be greater than 0 (got -1)",
      "threshold must be between 0.75 and 0.99 (got 0.74)",
    ]);
    expect(describeViolation({ field: "max", rule: "must be greater than 0", value: 0 }, "limitConfig.max")).toBe(
      "limitConfig.max must be greater than 0 (got 0)",
    );
    expect(limitViolations({ limit_name: "ok", max: 1, threshold: 0.99 })).toEqual([]);
    // 1.0 is the documented default (no threshold); nothing between 0.99 and 1.0, nor above.
    expect(limitViolations({ threshold: 1 })).toEqual([]);
    expect(limitViolations({ threshold: 0.995 }).map((v) => v.field)).toEqual(["threshold"]);
    expect(limitViolations({ threshold: 1.01 }).map((v) => v.field)).toEqual(["threshold"]);
  });

  test("the local service's storage caps are not Pay-i rules", () => {
    expect(limitViolations({ limit_name: "x".repeat(300), max: 2e8 })).toEqual([]);
  });

  test("a property update merges and a null removes; a patch nulls what the target lacks", () => {
    expect(mergeProperties({ a: "1", b: "2" }, { b: null, c: "3" })).toEqual({ a: "1", c: "3" });
    expect(propertyPatch({ a: "1", b: "2" }, { a: "9" })).toEqual({ a: "9", b: null });
    expect(mergeProperties({ a: "1", b: "2" }, propertyPatch({ a: "1", b: "2" }, { a: "9" }))).toEqual({ a: "9" });
    expect(definedProperties({ a: "1", b: null })).toEqual({ a: "1" });
    expect(definedProperties(null)).toEqual({});
  });
});

test("usage bars fill with spend and mark the threshold", () => {
  expect(usageBar(0, 0.8)).toBe("[░░░░░░░░░░░░░░░░|░░░]");
  expect(usageBar(50, 0.9)).toBe("[██████████░░░░░░░░|░]");
  expect(usageBar(120, 0.9)).toBe("[████████████████████]");
});

describe("idempotent create", () => {
  test("an unset threshold and Pay-i's default 1.0 are the same setting", () => {
    const existing = { limit_id: "a", limit_name: "A", max: 5, threshold: 1, limit_type: "allow" } as const;
    const wanted = { limit_name: "A", limit_id: "a", max: 5, threshold: null, limit_type: "allow" } as const;
    expect(createDecision(wanted, existing, undefined)).toEqual({ kind: "existing", limit: existing });
    expect(createDecision({ ...wanted, threshold: 0.9 }, existing, undefined)).toMatchObject({ kind: "conflict" });
  });
});
