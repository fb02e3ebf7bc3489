import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type PackedPackage, packedProgram, packPackage } from "../../bench/packed-program.js";
import { STATE_VERSION, STATE_VERSION_KEY } from "../../provider/state-upgrade.js";
import { Limitry } from "../../sdk/limitry/index.js";
import { Payi } from "../../sdk/payi/index.js";
import { serve } from "../../server/serve.js";
import { kindOfType, nameOf, type RecordedState, type StateFixture, stateFixtures } from "../fixtures/state/fixtures.js";
import { tempBackend } from "../support/pulumi.js";

// State written by earlier versions (test/fixtures/state, recorded by scripts/record-state-fixture.sh) imported
// into a stack of the same program with today's packed package installed, on today's service replaying the
// database those versions wrote: the engine and the service are real, only the state is old.

/** The key the fixtures were recorded with (scripts/record-state-fixture.sh); not a secret. */
const KEY = "fixture-key-not-a-secret";

let pack: PackedPackage;
beforeAll(() => {
  pack = packPackage();
});
afterAll(() => pack?.dispose());

/**
 * What preview shows before the state has been written by today's version: nothing, except for a state from
 * before owner records, whose stack gains its StackInstance and whose resources record their owner, in place.
 */
const FIRST_PREVIEW: Record<string, Partial<Record<automation.OpType, number>>> = {
  "9882fac": { create: 1, update: 6, same: 3 },
  "67dcc5d": { update: 2, same: 8 },
};

/**
 * Each fixture's state after its version's refresh (what `pulumi-limits up`, which refreshes first, leaves), or
 * after its up where that version's refresh failed. The unit tests read both.
 */
const cases = stateFixtures().map((fixture) => [fixture.commit, fixture] as const);

describe("state written by an earlier version, under today's package", () => {
  test.for(cases)(
    "%s: preview and refresh change nothing, a max updates in place, destroy deletes exactly its objects",
    async ([commit, fixture]) => {
      const state: RecordedState = fixture.states.refreshed ?? fixture.states.up;
      const ids = idsOf(state);
      const service = await replayedService(fixture);
      const backend = await tempBackend();
      const program = packedProgram(fixture.project, fixture.program, pack.tarball);
      try {
        const stack = await automation.LocalWorkspace.createOrSelectStack(
          { stackName: fixture.stack, workDir: program.dir },
          {
            envVars: {
              ...backend.envVars,
              PAYI_API_KEY: KEY,
              PAYI_BASE_URL: service.url,
              LIMITRY_API_KEY: KEY,
              LIMITRY_BASE_URL: `${service.url}/v1`,
            },
          },
        );
        await stack.importStack({ version: state.version, deployment: state.deployment });
        // The engine counts the stack and every resource but its default provider.
        const inState = state.deployment.resources.filter((r) => r.type !== "pulumi:providers:pulumi-nodejs").length;
        const beforeOwnerRecords = commit === "9882fac";
        const inProgram = inState + (beforeOwnerRecords ? 1 : 0);

        expect((await stack.preview()).changeSummary).toEqual(FIRST_PREVIEW[commit] ?? { same: inState });
        const refresh = await stack.refresh();
        expect(refresh.summary.resourceChanges).toEqual({ same: inState });
        expect(idsOf(await exported(stack))).toEqual(ids);

        stack.workspace.envVars["FIXTURE_BUMP"] = "1";
        const up = await stack.up();
        // Two maxes, the description, the config's max and the limit value; before owner records, the limits
        // declaring none of those (warned, fixed-id) record their owner too.
        const updates = 5 + (beforeOwnerRecords ? 2 : 0);
        expect(up.summary.resourceChanges).toEqual({
          ...(beforeOwnerRecords ? { create: 1 } : {}),
          update: updates,
          same: inState - updates,
        });
        // In place: every object keeps its id.
        const after = await exported(stack);
        expect(new Map([...idsOf(after)].filter(([name]) => ids.has(name)))).toEqual(ids);
        expect(await service.values()).toMatchObject({
          "Plain cap": 120,
          "Monthly cap": 45,
          "Warned cap": 250.5,
          "Fixed id cap": 75,
          support_bot: { description: "Support bot v2", max: 6 },
          "Daily tokens": 150000,
        });
        // What an update writes is today's shape, stamped with its version.
        const plain = after.deployment.resources.find((r) => r.urn.endsWith("payi:Limit::plain"));
        expect(plain?.outputs).toMatchObject({ [STATE_VERSION_KEY]: STATE_VERSION, instance: expect.any(String) });
        expect(plain?.outputs).not.toHaveProperty("owner");
        expect((await stack.preview()).changeSummary).toEqual({ same: inProgram });

        // Objects of the same names and definitions that the stack does not hold stay.
        const bystanders = await service.addBystanders();
        const destroy = await stack.destroy();
        expect(destroy.summary.resourceChanges).toEqual({ delete: inProgram });
        expect(await service.remaining()).toEqual(bystanders);
      } finally {
        program.dispose();
        await backend.dispose();
        await service.stop();
      }
    },
  );
});

/** The id of every pulumi-limits resource in a state, by its name and kind. */
function idsOf(state: RecordedState): Map<string, string | undefined> {
  return new Map(
    state.deployment.resources.flatMap((r) => {
      const kind = kindOfType(r.type);
      return kind && kind !== "stackInstance" ? [[`${nameOf(r)} (${kind})`, r.id]] : [];
    }),
  );
}

async function exported(stack: automation.Stack): Promise<RecordedState> {
  const { version, deployment } = await stack.exportStack();
  return { version, deployment };
}

/** Today's service on a copy of the database the fixture's version wrote (migrated on open). */
async function replayedService(fixture: StateFixture) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-state-upgrade-"));
  const running = await (async () => {
    const db = new Database(path.join(dataDir, "payi.sqlite"));
    db.exec(fixture.serviceSql);
    db.close();
    return serve({ host: "127.0.0.1", port: 0, dataDir, apiKeys: [KEY], log: () => {}, profile: fixture.profile });
  })().catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const payi = new Payi({ apiKey: KEY, baseURL: running.url, maxRetries: 0 });
  const limitry = new Limitry({ apiKey: KEY, baseURL: `${running.url}/v1`, maxRetries: 0 });
  const all = async <T>(page: AsyncIterable<T>) => {
    const items: T[] = [];
    for await (const item of page) items.push(item);
    return items;
  };
  return {
    url: running.url,
    /** Each object's declared amount, by name. */
    async values(): Promise<Record<string, unknown>> {
      const limits = await all(payi.limits.list());
      const definitions = await all(payi.useCases.definitions.list());
      const limitryLimits = await all(limitry.limits.list({ limit: 100 }));
      return Object.fromEntries([
        ...limits.map((l) => [l.limit_name, l.max]),
        ...definitions.map((d) => [d.name, { description: d.description, max: d.limit_config?.max }]),
        ...limitryLimits.map((l) => [l.name, l.limitValue]),
      ]);
    },
    /** A Pay-i limit and a Limitry meter like the program's (same name and definition) that no stack holds. */
    async addBystanders() {
      const { limit } = await payi.limits.create({ limit_name: "Bystander cap", max: 10 });
      const meter = await limitry.meters.create({ name: "Tokens", aggregation: "sum", field: "values.tokens" });
      return { limits: [limit.limit_id], useCases: [], meters: [meter.id], limitryLimits: [], customers: [] };
    },
    /** What the service holds. */
    async remaining() {
      const customer = await limitry.customers.retrieve("cust_acme").then(
        (c) => [c.id],
        () => [],
      );
      return {
        limits: (await all(payi.limits.list())).map((l) => l.limit_id),
        useCases: (await all(payi.useCases.definitions.list())).map((d) => d.name),
        meters: (await all(limitry.meters.list({ limit: 100 }))).map((m) => m.id),
        limitryLimits: (await all(limitry.limits.list({ limit: 100 }))).map((l) => l.id),
        customers: customer,
      };
    },
    async stop() {
      await payi.close();
      await limitry.close();
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
