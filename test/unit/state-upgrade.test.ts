import { describe, expect } from "vitest";
import { checkLimit, checkMeter } from "../../provider/limitry/inputs.js";
import { customerProvider } from "../../provider/limitry/customer-provider.js";
import { ownerRecordOf } from "../../provider/ownership.js";
import {
  checkInputs,
  LimitInputsObject,
  LimitInputsSchema,
  UseCaseDefinitionInputsSchema,
  UseCaseLimitConfigInputsSchema,
  type LimitInputs,
} from "../../provider/payi/inputs.js";
import { limitProvider, type LimitOutputs } from "../../provider/payi/limit-provider.js";
import type { ProviderKind } from "../../provider/type-token.js";
import { STATE_VERSION, STATE_VERSION_KEY, upgradeState, withStateVersion } from "../../provider/state-upgrade.js";
import type { Limitry } from "../../sdk/limitry/index.js";
import { kindOfType, nameOf, type RecordedResource, stateFixtures } from "../fixtures/state/fixtures.js";
import { test } from "../support/service.js";

const fixtures = stateFixtures();

/** Every pulumi-limits resource of every recorded state file, with its kind. */
const recorded = fixtures.flatMap((fixture) =>
  Object.entries(fixture.states).flatMap(([file, state]) =>
    state.deployment.resources.flatMap((resource) => {
      const kind = kindOfType(resource.type);
      return kind ? [{ fixture: fixture.commit, file, kind, resource }] : [];
    }),
  ),
);

/** Today's `check` of each kind: what a state upgraded to today's shape must pass. */
const noClient = (): Limitry => {
  throw new Error("check calls no API");
};
const CHECK: Record<ProviderKind, (inputs: Record<string, unknown>) => Promise<{ failures?: { property: string }[] }>> = {
  limit: async (i) => checkInputs(LimitInputsObject, i, LimitInputsSchema),
  useCaseDefinition: async (i) => checkInputs(UseCaseDefinitionInputsSchema, i),
  useCaseLimitConfig: async (i) => checkInputs(UseCaseLimitConfigInputsSchema, i),
  limitryMeter: async (i) => checkMeter(i),
  limitryLimit: async (i) => checkLimit(i),
  limitryCustomer: (i) => customerProvider(noClient).check({}, i),
  stackInstance: async () => ({}),
};

/** The keys the upgrade removes (-), adds (+) or changes (~) in `before`. */
function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => {
    if (!(key in after)) return [`-${key}`];
    if (!(key in before)) return [`+${key}`];
    return JSON.stringify(before[key]) === JSON.stringify(after[key]) ? [] : [`~${key}`];
  });
}

describe("upgradeState on the recorded states", () => {
  test("the fixtures cover every shape: before owner records, the whole owner, threshold 1.0, and today's", () => {
    expect(fixtures.map((f) => `${f.commit} ${f.profile}${f.states.refreshed ? " +refreshed" : ""}`)).toEqual([
      "9882fac default +refreshed",
      "67dcc5d default +refreshed",
      "6123eac default +refreshed",
      "00c78b1 default +refreshed",
      "264b8a5 strict +refreshed",
      "dd48e00 default",
    ]);
  });

  test("changes exactly what differs from today's shape, in outputs and inputs alike", () => {
    const changes = recorded.flatMap(({ fixture, file, kind, resource }) => {
      const [outputs, inputs] = [resource.outputs ?? {}, resource.inputs ?? {}].map((stored) =>
        changedKeys(stored, upgradeState(kind, stored)).join(" "),
      );
      if (!outputs && !inputs) return [];
      const what = outputs === inputs ? outputs : `outputs ${outputs || "none"}, inputs ${inputs || "none"}`;
      return [`${fixture} ${file} ${nameOf(resource)} (${kind}): ${what}`];
    });
    expect(changes).toMatchInlineSnapshot(`
      [
        "9882fac up support (useCaseDefinition): +adopt",
        "9882fac up support (useCaseLimitConfig): +adopt",
        "9882fac refreshed support (useCaseDefinition): +adopt",
        "9882fac refreshed support (useCaseLimitConfig): +adopt",
        "67dcc5d up support (useCaseDefinition): +adopt",
        "67dcc5d up warned (limit): +instance -owner",
        "67dcc5d up plain (limit): +instance -owner",
        "67dcc5d up fixed-id (limit): +instance -owner",
        "67dcc5d up monthly (limit): +instance -owner",
        "67dcc5d up support (useCaseLimitConfig): +adopt",
        "67dcc5d refreshed support (useCaseDefinition): +adopt",
        "67dcc5d refreshed warned (limit): +instance -owner",
        "67dcc5d refreshed plain (limit): +instance -owner",
        "67dcc5d refreshed fixed-id (limit): +instance -owner",
        "67dcc5d refreshed monthly (limit): +instance -owner",
        "67dcc5d refreshed support (useCaseLimitConfig): +adopt",
        "6123eac up monthly (limit): +instance -owner",
        "6123eac up plain (limit): +instance -owner",
        "6123eac up warned (limit): +instance -owner",
        "6123eac up fixed-id (limit): +instance -owner",
        "6123eac refreshed monthly (limit): +instance -owner",
        "6123eac refreshed plain (limit): +instance -owner",
        "6123eac refreshed warned (limit): +instance -owner",
        "6123eac refreshed fixed-id (limit): +instance -owner",
        "264b8a5 refreshed fixed-id (limit): -threshold",
        "264b8a5 refreshed monthly (limit): -threshold",
        "264b8a5 refreshed plain (limit): -threshold",
      ]
    `);
  });

  test.for(recorded.map((r) => [`${r.fixture} ${r.file} ${nameOf(r.resource)} (${r.kind})`, r] as const))(
    "%s: upgraded inputs pass today's check, as they are, but for the owner a state before owner records cannot hold",
    async ([, { fixture, kind, resource }]) => {
      const upgraded = upgradeState(kind, withoutProvider(resource.inputs));
      const result = await CHECK[kind](upgraded);
      const missing = (result.failures ?? []).map((f) => f.property);
      const beforeOwnerRecords = fixture === "9882fac" || (fixture === "67dcc5d" && kind !== "limit");
      const ownerField = kind === "limit" ? ["instance"] : kind.startsWith("useCase") ? ["owner"] : [];
      expect(missing).toEqual(beforeOwnerRecords ? ownerField : []);
      // Nothing check would add or change: what read stores beside the inputs (a config's generation) may stay.
      if (missing.length === 0 && "inputs" in result) expect(upgraded).toMatchObject(result.inputs ?? {});
    },
  );
});

describe("upgradeState", () => {
  const today: LimitOutputs = {
    limitName: "Monthly Budget",
    max: 100,
    limitType: "allow",
    properties: {},
    adopt: false,
    idSeed: "org/p/s/monthly",
    instance: "instance-1",
    generation: "g1",
    limitId: "pl-1",
    spendUsd: 0,
    state: "ok",
    createdAt: "2026-12-01T00:00:00Z",
    updatedAt: "2026-12-01T00:00:00Z",
  };

  test("leaves today's shape as it is, with or without the version the host writes, and only strips the version", () => {
    expect(upgradeState("limit", { ...today })).toEqual(today);
    expect(upgradeState("limit", withStateVersion({ ...today }))).toEqual(today);
    expect(withStateVersion({ ...today })).toEqual({ ...today, [STATE_VERSION_KEY]: STATE_VERSION });
  });

  test("is idempotent on every recorded state", () => {
    for (const { kind, resource } of recorded) {
      const once = upgradeState(kind, resource.outputs ?? {});
      expect(upgradeState(kind, once)).toEqual(once);
    }
  });

  test("a state from a newer version is refused with what to do; a version no release writes is named", () => {
    expect(() => upgradeState("limit", { ...today, [STATE_VERSION_KEY]: STATE_VERSION + 1 })).toThrow(
      `This stack's state was written by a newer pulumi-limits (state version ${STATE_VERSION + 1}) than the one installed (version ${STATE_VERSION}); upgrade pulumi-limits.`,
    );
    expect(() => upgradeState("limit", { ...today, [STATE_VERSION_KEY]: "1" })).toThrow(
      `the state of this limit holds ${STATE_VERSION_KEY} "1", which no version writes`,
    );
  });

  test("an unknown threshold at preview is left for the engine; only Pay-i's default 1.0 goes", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(upgradeState("limit", { ...today, threshold: unknown })).toEqual({ ...today, threshold: unknown });
    expect(upgradeState("useCaseLimitConfig", { max: 5, threshold: 1, adopt: false })).toEqual({ max: 5, adopt: false });
    expect(upgradeState("limitryLimit", { threshold: 1 })).toEqual({ threshold: 1 });
  });
});

describe("a Limit recorded by 67dcc5d (the whole owner) through today's provider", () => {
  const recordedLimit = (): RecordedResource => {
    const state = fixtures.find((f) => f.commit === "67dcc5d")?.states.up;
    const limit = state?.deployment.resources.find((r) => r.urn.endsWith("payi:Limit::plain"));
    if (!limit) throw new Error("the 67dcc5d fixture has no 'plain' Limit");
    return limit;
  };

  test("diffs equal to its program, is renamed by alias in place, and deleted", async ({ service }) => {
    const p = limitProvider(() => service.client);
    const stored = withoutProvider(recordedLimit().outputs);
    const olds = asLimitOutputs(upgradeState("limit", stored));
    const owner = stored["owner"];
    const news: LimitInputs = {
      limitName: olds.limitName,
      max: olds.max,
      limitType: olds.limitType,
      properties: {},
      adopt: false,
      idSeed: olds.idSeed,
      instance: String(olds.instance),
    };
    // The limit as that version made it: its id, and its owner record naming the same owner.
    const record = { ...(owner as object), generation: olds.generation };
    await service.client.limits.create({
      limit_id: olds.limitId,
      limit_name: olds.limitName,
      max: olds.max,
      properties: { "pulumi-limits.owner": JSON.stringify(record) },
    });
    expect(await p.diff(olds.limitId, olds, news)).toEqual({ changes: false });
    // A rename through `aliases` changes the id seed: the owner record moves to the new name, in place.
    const renamed = { ...news, idSeed: "organization/state-fixture/fixture/plain-renamed" };
    expect(await p.diff(olds.limitId, olds, renamed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await p.update(olds.limitId, olds, renamed);
    const { limit } = await service.client.limits.retrieve(olds.limitId);
    expect(ownerRecordOf(limit.properties)).toEqual({ ...record, resource: "plain-renamed" });
    await p.delete(olds.limitId, updated.outs);
    expect((await service.client.limits.list()).items).toEqual([]);
  });
});

function withoutProvider(properties: Record<string, unknown> | undefined): Record<string, unknown> {
  const { __provider: _, ...rest } = properties ?? {};
  return rest;
}

/** A recorded Limit upgraded, checked to be today's outputs (the fields the provider reads). */
function asLimitOutputs(upgraded: Record<string, unknown>): LimitOutputs {
  const { limitId, limitName, max, limitType, idSeed, instance, generation } = upgraded;
  if (
    typeof limitId !== "string" ||
    typeof limitName !== "string" ||
    typeof max !== "number" ||
    (limitType !== "allow" && limitType !== "block") ||
    typeof idSeed !== "string" ||
    typeof instance !== "string" ||
    typeof generation !== "string"
  ) {
    throw new Error(`not a Limit's outputs: ${JSON.stringify(upgraded)}`);
  }
  return {
    limitId,
    limitName,
    max,
    limitType,
    idSeed,
    instance,
    generation,
    properties: {},
    adopt: false,
    spendUsd: 0,
    state: "ok",
    createdAt: String(upgraded["createdAt"]),
    updatedAt: String(upgraded["updatedAt"]),
  };
}
