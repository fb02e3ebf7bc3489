import { unknownCheckingProxy } from "@pulumi/policy";
import { describe, expect, test } from "vitest";
import type { BudgetResource } from "../../policy/inputs.js";
import { kindOf, POLICY_KINDS, type PolicyKind } from "../../policy/kinds.js";
import {
  alertThresholdsViolation,
  blockingCapViolation,
  ceilingViolation,
  thresholdViolation,
  useCasesWithoutLimitConfig,
} from "../../policy/rules.js";

// What the engine sends for a value it does not know yet (a first preview), per type: the sentinels
// @pulumi/policy deserializes and its proxy throws on.
const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";

let serial = 0;
/** A resource as @pulumi/policy hands it to a policy: its properties behind the unknown-checking proxy. */
function resource(kind: PolicyKind, props: Record<string, unknown>, form: 0 | 1 = 0): BudgetResource {
  const type = POLICY_KINDS[kind].tokens[form];
  const found = kindOf(type);
  if (!found) throw new Error(`no kind for ${type}`);
  return { kind: found, urn: `urn:pulumi:dev::p::${type}::r${++serial}`, props: unknownCheckingProxy(props) };
}

describe("kinds", () => {
  test("each kind is recognised under its dynamic provider token and its plugin token, nothing else", () => {
    expect(kindOf("pulumi-nodejs:dynamic/payi:Limit")).toBe("payiLimit");
    expect(kindOf("payi:index:Limit")).toBe("payiLimit");
    expect(kindOf("pulumi-nodejs:dynamic/limitry:Limit")).toBe("limitryLimit");
    expect(kindOf("limitry:index:Limit")).toBe("limitryLimit");
    expect(kindOf("limitry:index:Meter")).toBe("limitryMeter");
    expect(kindOf("payi:index:UseCaseLimitConfig")).toBe("useCaseLimitConfig");
    expect(kindOf("pulumi-nodejs:dynamic/pulumi-limits:StackInstance")).toBeUndefined();
    expect(kindOf("aws:s3/bucket:Bucket")).toBeUndefined();
  });
});

describe("max-ceiling", () => {
  const ceilings = { maxUsd: 1000, maxLimitValue: 100_000 };

  test("a limit above maxUsd is a violation naming the limit, both amounts and the config key, in either form", () => {
    for (const form of [0, 1] as const) {
      expect(ceilingViolation(resource("payiLimit", { limitName: "Monthly", max: 1200.5 }, form), ceilings)).toBe(
        "limit 'Monthly': max $1,200.50 is above the ceiling of $1,000.00 (maxUsd in the policy config)",
      );
    }
    expect(ceilingViolation(resource("payiLimit", { limitName: "Monthly", max: 1000 }), ceilings)).toBeUndefined();
  });

  test("a use case's per-instance max is held to useCaseMaxUsd, else maxUsd", () => {
    const config = resource("useCaseLimitConfig", { useCaseName: "teach_me", max: 5 });
    expect(ceilingViolation(config, { maxUsd: 1 })).toBe(
      "limit config of use case 'teach_me': max $5.00 per instance is above the ceiling of $1.00 (maxUsd in the policy config)",
    );
    expect(ceilingViolation(config, { maxUsd: 1, useCaseMaxUsd: 10 })).toBeUndefined();
    expect(ceilingViolation(config, { maxUsd: 100, useCaseMaxUsd: 0.5 })).toContain("(useCaseMaxUsd in the policy config)");
  });

  test("a Limitry limit above maxLimitValue is a violation; no ceiling configured checks nothing", () => {
    const limit = resource("limitryLimit", { name: "Daily tokens", limitValue: 250_000 }, 1);
    expect(ceilingViolation(limit, ceilings)).toBe(
      "Limitry limit 'Daily tokens': limitValue 250,000 is above the ceiling of 100,000 (maxLimitValue in the policy config)",
    );
    expect(ceilingViolation(limit, {})).toBeUndefined();
    expect(ceilingViolation(resource("payiLimit", { limitName: "x", max: 1e9 }), {})).toBeUndefined();
  });

  test("an unknown max or name never fails: the max is skipped, the name falls back to the resource name", () => {
    expect(ceilingViolation(resource("payiLimit", { limitName: "Monthly", max: UNKNOWN_NUMBER }), ceilings)).toBeUndefined();
    expect(ceilingViolation(resource("payiLimit", { limitName: UNKNOWN_STRING, max: 2000 }), ceilings)).toMatch(
      /^limit 'r\d+': max \$2,000\.00/,
    );
  });
});

describe("payi-threshold", () => {
  test("a Pay-i limit or use-case config without a threshold, or with Pay-i's default 1.0, is a violation", () => {
    expect(thresholdViolation(resource("payiLimit", { limitName: "Cap", max: 5 }))).toBe(
      "limit 'Cap' has no threshold: set threshold (0.75–0.99) so its state turns exceeded before spend reaches max",
    );
    expect(thresholdViolation(resource("payiLimit", { limitName: "Cap", max: 5, threshold: 1 }, 1))).toContain("no threshold");
    expect(thresholdViolation(resource("useCaseLimitConfig", { useCaseName: "u", max: 5 }))).toContain(
      "limit config of use case 'u' has no threshold",
    );
    expect(thresholdViolation(resource("payiLimit", { limitName: "Cap", threshold: 0.8 }))).toBeUndefined();
    expect(thresholdViolation(resource("payiLimit", { limitName: "Cap", threshold: UNKNOWN_NUMBER }))).toBeUndefined();
    expect(thresholdViolation(resource("limitryLimit", { name: "l" }))).toBeUndefined();
  });
});

describe("limitry-alert-thresholds", () => {
  test("a Limitry limit without alert thresholds is a violation; unknown thresholds or elements are not", () => {
    expect(alertThresholdsViolation(resource("limitryLimit", { name: "Daily", limitValue: 5 }))).toBe(
      "Limitry limit 'Daily' has no alertThresholds: set percentages of limitValue (e.g. [50, 80, 100]) at which alerts fire",
    );
    expect(alertThresholdsViolation(resource("limitryLimit", { name: "Daily", alertThresholds: [] }, 1))).toContain("Daily");
    expect(alertThresholdsViolation(resource("limitryLimit", { name: "Daily", alertThresholds: [80] }))).toBeUndefined();
    expect(alertThresholdsViolation(resource("limitryLimit", { name: "D", alertThresholds: UNKNOWN_ARRAY }))).toBeUndefined();
    expect(alertThresholdsViolation(resource("limitryLimit", { name: "D", alertThresholds: [UNKNOWN_NUMBER] }))).toBeUndefined();
  });
});

describe("blocking-cap", () => {
  const allow = () => resource("payiLimit", { limitName: "Monthly", limitType: "allow" });

  test("a stack of budgets with no block limit is a violation; one block limit or config satisfies it", () => {
    expect(blockingCapViolation([allow(), allow()], true)).toBe(
      "the stack declares 2 budget resources and no blocking cap: give at least one limit limitType: block (budgets.yaml: type: block) or a Limitry limit (its 2 Pay-i limits only alert)",
    );
    expect(blockingCapViolation([allow(), resource("payiLimit", { limitType: "block" }, 1)], true)).toBeUndefined();
    expect(blockingCapViolation([allow(), resource("useCaseLimitConfig", { limitType: "block" })], true)).toBeUndefined();
  });

  test("a Limitry limit counts as a cap unless limitryLimitsBlock is false; a meter never does", () => {
    const limitry = [resource("limitryMeter", { name: "m" }), resource("limitryLimit", { name: "l" })];
    expect(blockingCapViolation(limitry, true)).toBeUndefined();
    expect(blockingCapViolation(limitry, false)).toContain("no blocking cap");
  });

  test("a stack with no budget resources, or a limitType unknown at preview, is no violation", () => {
    expect(blockingCapViolation([], true)).toBeUndefined();
    expect(blockingCapViolation([allow(), resource("payiLimit", { limitType: UNKNOWN_STRING })], true)).toBeUndefined();
  });
});

describe("use-case-limit-config", () => {
  const none = () => [];

  test("a use case with no config of its name is reported on its URN", () => {
    const tutor = resource("useCaseDefinition", { name: "tutor" });
    const other = resource("useCaseLimitConfig", { useCaseName: "teach_me" });
    expect(useCasesWithoutLimitConfig([tutor, resource("useCaseDefinition", { name: "teach_me" }), other], none)).toEqual([
      {
        urn: tutor.urn,
        message:
          "use case 'tutor' has no limit config: declare a UseCaseLimitConfig for it (useCaseName: <definition>.name) so each instance gets a limit",
      },
    ]);
  });

  test("a config whose useCaseName is unknown covers the definition it depends on, or any when it depends on none", () => {
    const tutor = resource("useCaseDefinition", { name: "tutor" });
    const teach = resource("useCaseDefinition", { name: "teach_me" });
    const config = resource("useCaseLimitConfig", { useCaseName: UNKNOWN_STRING });
    const from = (urn: string) => (r: BudgetResource) => (r.urn === config.urn ? [urn] : []);
    expect(useCasesWithoutLimitConfig([tutor, teach, config], from(teach.urn)).map((v) => v.urn)).toEqual([tutor.urn]);
    expect(useCasesWithoutLimitConfig([tutor, teach, config], none)).toEqual([]);
  });

  test("a definition whose name is unknown is covered by any config, and reported when there is none", () => {
    const unnamed = resource("useCaseDefinition", { name: UNKNOWN_STRING });
    expect(useCasesWithoutLimitConfig([unnamed, resource("useCaseLimitConfig", { useCaseName: "x" })], none)).toEqual([]);
    expect(useCasesWithoutLimitConfig([unnamed], none)[0]?.message).toMatch(/^use case 'r\d+' has no limit config/);
  });
});
