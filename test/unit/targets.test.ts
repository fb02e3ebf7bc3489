import { describe, expect, test } from "vitest";
import { BudgetsFileSchema } from "../../cli/budgets-file.js";
import { CliError } from "../../cli/exit-codes.js";
import type { StateResource } from "../../cli/resource-keys.js";
import { targeting } from "../../cli/targets.js";
import { budgetsDeclarations } from "../../cli/vocabulary.js";

const budgets = BudgetsFileSchema.parse({
  limits: [
    { name: "Daily Safety Cap", max: 50, type: "block", threshold: 0.9 },
    { name: "Monthly Budget", key: "monthly", max: 1200 },
  ],
  useCases: [{ name: "support-bot", limitConfig: { max: 0.05 } }],
  limitry: {
    meters: [{ key: "tokens", name: "Tokens", aggregation: "sum", field: "values.tokens" }],
    limits: [{ key: "daily", name: "Daily", meter: "tokens", limitValue: 10, period: "day" }],
  },
});
const declarations = budgetsDeclarations(budgets, ["daily-safety-cap", "monthly"]);
const LIMIT = "pulumi-nodejs:dynamic/payi:Limit";
const urn = (type: string, name: string) => `urn:pulumi:prod::pulumi-limits::${type}::${name}`;
const INSTANCE = urn("pulumi-nodejs:dynamic/pulumi-limits:StackInstance", "pulumi-limits");

/** A limit the state holds that the file no longer declares. */
const dropped: StateResource = {
  urn: urn(LIMIT, "old-cap"),
  kind: "limit",
  key: "old-cap",
  id: "pl-1",
  inputs: { limitName: "Old Cap" },
  outputs: {},
};

const scope = { stackName: "org/pulumi-limits/prod", state: [dropped], declarations, withInstance: true };

describe("--target, --exclude and --replace name resources as the file does", () => {
  test("by key, by name, by resource name or URN; a use case's name picks its definition and limit config", () => {
    expect(targeting({ target: ["daily-safety-cap", "Monthly Budget"] }, scope)).toEqual({
      target: [urn(LIMIT, "daily-safety-cap"), urn(LIMIT, "monthly"), INSTANCE],
      targetDependents: false,
      // Not in the stack yet: Pulumi would refuse to refresh before the run.
      refresh: false,
    });
    expect(targeting({ target: ["Old Cap"] }, scope)).toEqual({ target: [dropped.urn, INSTANCE], targetDependents: false });
    expect(targeting({ target: ["support-bot"], "target-dependents": true }, scope)).toEqual({
      target: [
        urn("pulumi-nodejs:dynamic/payi:UseCaseDefinition", "use-case-support-bot"),
        urn("pulumi-nodejs:dynamic/payi:UseCaseLimitConfig", "use-case-support-bot-limit"),
        INSTANCE,
      ],
      targetDependents: true,
      refresh: false,
    });
    expect(targeting({ replace: ["limitry-limit-daily", "Old Cap"], exclude: ["tokens"] }, scope)).toEqual({
      replace: [urn("pulumi-nodejs:dynamic/limitry:Limit", "limitry-limit-daily"), dropped.urn],
      exclude: [urn("pulumi-nodejs:dynamic/limitry:Meter", "limitry-meter-tokens")],
    });
    const given = "urn:pulumi:prod::pulumi-limits::pulumi-nodejs:dynamic/payi:Limit::anything";
    expect(targeting({ replace: [given] }, scope)).toEqual({ replace: [given] });
  });

  test("a destroy's targets leave the StackInstance out; no flag, no option", () => {
    expect(targeting({ target: ["monthly"] }, { ...scope, withInstance: false })).toEqual({
      target: [urn(LIMIT, "monthly")],
      targetDependents: false,
      refresh: false,
    });
    expect(targeting({ target: [], "target-dependents": false }, scope)).toEqual({});
  });

  test("a program's resources are named as its state holds them, and its StackInstance is not added", () => {
    const programLimit = { ...dropped, urn: "urn:pulumi:dev::budgets::payi:index:Limit::daily-cap", key: "daily-cap" };
    expect(targeting({ target: ["daily-cap"] }, { ...scope, state: [programLimit], declarations: undefined })).toEqual({
      target: [programLimit.urn],
      targetDependents: false,
    });
  });

  test("a name nothing has, or --target-dependents alone, is a usage error naming what may be named", () => {
    const unknown = () => targeting({ target: ["dialy-safety-cap"] }, scope);
    expect(unknown).toThrow(CliError);
    expect(unknown).toThrow(
      "--target 'dialy-safety-cap': no resource of the stack or the file is named so; name one by its key or name (daily, daily-safety-cap, monthly, old-cap, support-bot, tokens), or give its URN",
    );
    expect(() => targeting({ "target-dependents": true }, scope)).toThrow("--target-dependents goes with --target");
  });
});
