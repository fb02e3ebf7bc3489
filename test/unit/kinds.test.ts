import type { EngineEvent } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { describe, expect, test } from "vitest";
import { BudgetsFileSchema } from "../../cli/budgets-file.js";
import { writesStateOnce } from "../../cli/checkpoints.js";
import {
  KINDS,
  fileKeyOf,
  formatField,
  kindOf,
  kindOfDeclaration,
  kindOfToken,
  resourceNameOf,
  type ResourceKind,
} from "../../cli/kinds.js";
import { PlanRecorder, renderPlan } from "../../cli/plan.js";
import { resolveLimitKeys } from "../../cli/resource-keys.js";
import { budgetsDeclarations } from "../../cli/vocabulary.js";
import { POLICY_KINDS, type PolicyKind } from "../../policy/kinds.js";
import { CUSTOMER_REPLACING, CUSTOMER_UPDATABLE } from "../../provider/limitry/customer-provider.js";
import {
  LIMIT_REPLACING as LIMITRY_LIMIT_REPLACING,
  LIMIT_UPDATABLE as LIMITRY_LIMIT_UPDATABLE,
  METER_REPLACING,
  METER_UPDATABLE,
} from "../../provider/limitry/providers.js";
import { LIMIT_REPLACING, LIMIT_UPDATABLE } from "../../provider/payi/limit-provider.js";
import { configChangeNote } from "../../provider/payi/use-case-impact.js";
import {
  CONFIG_REPLACING,
  CONFIG_UPDATABLE,
  DEFINITION_REPLACING,
  DEFINITION_UPDATABLE,
} from "../../provider/payi/use-case-providers.js";
import { RESOURCE_TYPES, pluginToken, typeToken, type ProviderKind } from "../../provider/type-token.js";
import { EVERY_FIELD_YAML } from "../support/every-field.js";

/** What each provider's diff updates in place and replaces on (its own lists), per kind. */
const PROVIDER_FIELDS: Record<ResourceKind, { updatable: readonly string[]; replacing: readonly string[] }> = {
  limit: { updatable: LIMIT_UPDATABLE, replacing: LIMIT_REPLACING },
  useCase: { updatable: DEFINITION_UPDATABLE, replacing: DEFINITION_REPLACING },
  useCaseLimitConfig: { updatable: CONFIG_UPDATABLE, replacing: CONFIG_REPLACING },
  limitryMeter: { updatable: METER_UPDATABLE, replacing: METER_REPLACING },
  limitryLimit: { updatable: LIMITRY_LIMIT_UPDATABLE, replacing: LIMITRY_LIMIT_REPLACING },
  limitryCustomer: { updatable: CUSTOMER_UPDATABLE, replacing: CUSTOMER_REPLACING },
};

describe("the table of resource kinds", () => {
  test("has one entry per provider kind a file declares (the StackInstance aside), under the provider's type token", () => {
    const providers = Object.keys(RESOURCE_TYPES).filter((k) => k !== "stackInstance");
    expect(KINDS.map((k) => k.provider).sort()).toEqual(providers.sort());
    for (const k of KINDS) {
      expect([k.kind, k.token]).toEqual([k.kind, typeToken(k.provider)]);
      expect(kindOfToken(k.token)).toBe(k);
    }
    expect(kindOf("limitryLimit").token).toBe("pulumi-nodejs:dynamic/limitry:Limit");
    expect(kindOfToken(typeToken("stackInstance"))).toBeUndefined();
  });

  test("resources of the provider plugins are the same kinds, under their package tokens", () => {
    for (const k of KINDS) expect(kindOfToken(pluginToken(k.provider))).toBe(k);
    expect(kindOfToken("payi:index:Limit")?.kind).toBe("limit");
    expect(kindOfToken("limitry:index:Meter")?.kind).toBe("limitryMeter");
  });

  test("each kind's fields replace exactly where the provider's diff replaces, and update where it updates", () => {
    for (const k of KINDS) {
      const { updatable, replacing } = PROVIDER_FIELDS[k.kind];
      // The name input is the identity of a use-case limit config (its use case), shown in the title, not a field.
      const inputs = k.fields.map((f) => f.input);
      const shown = (input: string) => inputs.includes(input) || input === k.nameInput;
      expect([k.kind, replacing.filter((i) => !shown(i))]).toEqual([k.kind, []]);
      expect([k.kind, updatable.filter((i) => !shown(i))]).toEqual([k.kind, []]);
      const replaces = k.fields.filter((f) => f.replaces).map((f) => f.input);
      expect([k.kind, replaces]).toEqual([k.kind, replacing.filter((i) => inputs.includes(i))]);
      // Fields the provider lists nowhere: only a limit's reset schedule, which it stores among the properties.
      const elsewhere = inputs.filter((i) => !updatable.includes(i) && !replacing.includes(i));
      expect([k.kind, elsewhere]).toEqual([k.kind, k.kind === "limit" ? ["reset"] : []]);
    }
  });

  test("a kind's identity (how a changed key is found) names inputs it has, and every kind with a key of its own has one", () => {
    for (const k of KINDS) {
      const inputs = [...k.fields.map((f) => f.input), k.nameInput];
      const named = [...(k.identity?.inputs ?? []), ...(k.identity?.declaredId ? [k.identity.declaredId.input] : [])];
      expect([k.kind, named.filter((i) => !inputs.includes(i))]).toEqual([k.kind, []]);
    }
    // Use cases and their limit configs are keyed by their name, which Pay-i cannot change.
    expect(KINDS.filter((k) => !k.identity).map((k) => k.kind)).toEqual(["useCase", "useCaseLimitConfig"]);
  });

  test("the policy pack's hand-written type tokens are the provider's, in both forms", () => {
    const provider: Record<PolicyKind, ProviderKind> = {
      payiLimit: "limit",
      useCaseDefinition: "useCaseDefinition",
      useCaseLimitConfig: "useCaseLimitConfig",
      limitryMeter: "limitryMeter",
      limitryLimit: "limitryLimit",
    };
    for (const { kind, tokens } of Object.values(POLICY_KINDS)) {
      const p = provider[kind];
      const { module, type } = RESOURCE_TYPES[p];
      expect(tokens).toEqual([typeToken(p), `${module}:index:${type}`]);
    }
  });

  test("the file's declarations are named by their kind's resource names, which give back the file key", () => {
    const budgets = BudgetsFileSchema.parse(parse(EVERY_FIELD_YAML));
    const declarations = budgetsDeclarations(budgets, resolveLimitKeys(budgets.limits, []).keys);
    const keys = declarations.map((d) => {
      const kind = kindOfDeclaration(d).kind;
      const key = fileKeyOf(kind, d.name);
      expect(resourceNameOf(kind, key)).toBe(d.name);
      return [kind, key];
    });
    expect(keys).toEqual([
      ["limit", "daily-cap"],
      ["limit", "monthly"],
      ["limit", "legacy-cap"],
      ["useCase", "summarize"],
      ["useCaseLimitConfig", "summarize"],
      ["useCase", "chat"],
      ["limitryMeter", "tokens"],
      ["limitryLimit", "daily-tokens"],
    ]);
  });

  test("values print in their units: USD exact, thresholds and alert levels as percent, Limitry counts grouped", () => {
    const field = (kind: ResourceKind, input: string) => kindOf(kind).fields.find((f) => f.input === input);
    expect(formatField(field("limit", "max"), 1200.5)).toBe("$1,200.50");
    expect(formatField(field("limit", "max"), 0.0000000015)).toBe("$0.0000000015");
    expect(formatField(field("useCaseLimitConfig", "max"), 0.1)).toBe("$0.10");
    expect(formatField(field("limit", "threshold"), 0.95)).toBe("95%");
    expect(formatField(field("limit", "threshold"), undefined)).toBe("(none)");
    expect(formatField(field("limitryLimit", "limitValue"), 1_500_000)).toBe("1,500,000");
    expect(formatField(field("limitryLimit", "alertThresholds"), [50, 80, 100])).toBe("50%, 80%, 100%");
    expect(formatField(field("limitryLimit", "period"), "day")).toBe('"day"');
    expect(formatField(field("limitryLimit", "meterId"), "04da6b54-80e4-46f7-96ec-b56ff0331ba9")).toBe("(known after up)");
  });
});

describe("the checkpoint policy", () => {
  const run = { checkpoints: false, refresh: true };
  const only = (...kinds: ResourceKind[]) => kinds.map(kindOf);

  test("writes state once when every kind the run may create takes over what a lost create made", () => {
    expect(writesStateOnce(run, { create: only("limit"), delete: only("limit", "useCase") })).toBe(true);
    expect(writesStateOnce(run, { create: [], delete: only(...KINDS.map((k) => k.kind)) })).toBe(true);
  });

  test("keeps per-step checkpoints for use cases and Limitry objects, with --skip-refresh and with --checkpoints", () => {
    for (const kind of ["useCase", "useCaseLimitConfig", "limitryMeter", "limitryLimit", "limitryCustomer"] as const)
      expect([kind, writesStateOnce(run, { create: only("limit", kind), delete: [] })]).toEqual([kind, false]);
    expect(writesStateOnce({ ...run, refresh: false }, { create: only("limit"), delete: [] })).toBe(false);
    expect(writesStateOnce({ ...run, checkpoints: true }, { create: [], delete: only("limit") })).toBe(false);
  });
});

/** A step's pre-event as the engine sends it. */
function step(
  op: "create" | "update" | "delete",
  kind: ResourceKind,
  name: string,
  olds: Record<string, unknown> | undefined,
  news: Record<string, unknown> | undefined,
): EngineEvent {
  const type = kindOf(kind).token;
  const urn = `urn:pulumi:dev::pulumi-limits::${type}::${name}`;
  const state = (inputs: Record<string, unknown>, id: string) => ({
    type,
    urn,
    id,
    parent: "",
    provider: "",
    inputs,
    outputs: inputs,
  });
  return {
    sequence: 1,
    timestamp: 0,
    resourcePreEvent: {
      metadata: {
        op,
        urn,
        type,
        provider: "",
        ...(olds ? { old: state(olds, `id-${name}`) } : {}),
        ...(news ? { new: state(news, "") } : {}),
      },
    },
  };
}

describe("a plan", () => {
  test("warns what a change of a use case's limit config leaves to running instances, in the provider's words", () => {
    const recorder = new PlanRecorder();
    const old = { useCaseName: "summarize", max: 0.1, limitType: "allow", properties: {} };
    recorder.onEvent(step("update", "useCaseLimitConfig", "use-case-summarize-limit", old, { ...old, max: 0.2 }));
    const plan = recorder.plan(["a note of the program"]);
    expect(plan.warnings).toEqual([configChangeNote("summarize", { kind: "update", fields: ["max"] }), "a note of the program"]);
    expect(renderPlan(plan, "Plan")).toContain(
      "  ~  update  use-case limit 'summarize' (id-use-case-summarize-limit)\n        max: $0.10 → $0.20\n",
    );
  });

  test("says adopt, and what is taken over, for a create told to take an object over", () => {
    const recorder = new PlanRecorder();
    recorder.onEvent(step("create", "limitryMeter", "limitry-meter-tokens", undefined, { name: "Tokens", adoptId: "mtr_1" }));
    recorder.onEvent(step("create", "limit", "legacy", undefined, { limitName: "Legacy", max: 10, adopt: true }));
    const text = renderPlan(recorder.plan(), "Plan");
    expect(text).toContain(
      "  +  adopt   limit 'Legacy'\n        takes over the existing limit 'Legacy' if there is one (adopt: true); else it is created\n        name: \"Legacy\"\n        max: $10.00\n",
    );
    expect(text).toContain(
      "  +  adopt   Limitry meter 'Tokens' (key tokens)\n        takes over Limitry meter mtr_1 (adoptId)\n        name: \"Tokens\"\n",
    );
  });
});
