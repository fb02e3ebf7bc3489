import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { UNKNOWN, isUnknown, replacesOnChange, same } from "../../provider/diff.js";

describe("what every provider's diff compares", () => {
  test("inputs are equal as the engine carries them: absent, undefined and null are one, key order does not count", () => {
    expect(same(undefined, null)).toBe(true);
    expect(same({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(same({ team: "ml", tier: "free" }, { tier: "free", team: "ml" })).toBe(true);
    expect(same([1, undefined], [1, null])).toBe(true);
    expect(same({ owner: { stack: "s", resource: "r" } }, { owner: { resource: "r", stack: "s" } })).toBe(true);
    expect(same(0, -0)).toBe(true);
  });

  test("any other difference is a change", () => {
    expect(same({ a: null }, {})).toBe(false);
    expect(same({ team: "ml" }, { team: "ai" })).toBe(false);
    expect(same([50, 80], [80, 50])).toBe(false);
    expect(same(0.9, 0.91)).toBe(false);
    expect(same("1", 1)).toBe(false);
    expect(same({}, [])).toBe(false);
  });

  test("the unknown sentinel is the one the Pulumi SDK carries", () => {
    expect(UNKNOWN).toBe(pulumi.runtime.unknownValue);
  });

  test("a value not known yet is found at any depth; replaceOnChanges matches a key, its paths and *", () => {
    expect(isUnknown({ properties: { team: pulumi.runtime.unknownValue } })).toBe(true);
    expect(isUnknown([1, [pulumi.runtime.unknownValue]])).toBe(true);
    expect(isUnknown({ properties: { team: "ml" } })).toBe(false);
    expect(replacesOnChange(["max"], "max")).toBe(true);
    expect(replacesOnChange(["properties.team"], "properties")).toBe(true);
    expect(replacesOnChange(["*"], "limitName")).toBe(true);
    expect(replacesOnChange(["maxSpend"], "max")).toBe(false);
    expect(replacesOnChange(undefined, "max")).toBe(false);
  });
});
