import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type PackedPackage, type PackedProgram, packedProgram, packPackage } from "../../bench/packed-program.js";
import { pulumiEnv } from "../../cli/environment.js";
import { PROJECT } from "../../cli/workspace.js";
import { OWNER_PROPERTY } from "../../provider/ownership.js";
import { Payi } from "../../sdk/index.js";
import { Limitry } from "../../sdk/limitry/index.js";
import { buildApp } from "../../server/app.js";
import { openDatabase } from "../../server/db.js";
import { testProfile } from "../support/serve-process.js";
import { TEST_API_KEY } from "../support/service.js";

// Kills the CLI and, separately, `pulumi up` of a program that installed the packed package, at seeded random
// points of applying Pay-i limits and Limitry meters, limits and customers, then reruns and checks what users rely on:
// the stack loads, the service holds exactly the declared objects once, no Pay-i owner record names an
// object the state does not hold, and no dynamic-provider process outlives its run. Kill points are events,
// not times: the n-th create the service answers (its `onSend` hook runs after the write committed and before
// the answer leaves, so a kill there loses the answer of an applied create). CRASH_SEED=<n> replays a run.
const SEED = Number(process.env["CRASH_SEED"] ?? Date.now() % 1_000_000);
const BIN = path.resolve(__dirname, "..", "..", "bin", "pulumi-limits.js");
const PASSPHRASE = "kill-crash";

/** mulberry32: a small seeded PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

const CREATES = new Set(["/api/v1/limits", "/v1/meters", "/v1/limits", "/v1/customers"]);
let app: FastifyInstance;
let url: string;
let dir: string;
/** Creates the service answered so far, and what to do at each. */
let created = 0;
let onCreate: ((count: number) => void) | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-kill-"));
  app = buildApp({ db: openDatabase(path.join(dir, "data")), apiKeys: [TEST_API_KEY], profile: testProfile() });
  app.addHook("onSend", async (request, reply, payload) => {
    if (request.method === "POST" && CREATES.has(request.url.split("?")[0] ?? "") && reply.statusCode < 300) {
      created++;
      onCreate?.(created);
    }
    return payload;
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The environment of every run: service, keys, and a mark that tells this file's processes from others'. */
const runEnv = () => ({
  PAYI_API_KEY: TEST_API_KEY,
  PAYI_BASE_URL: url,
  LIMITRY_API_KEY: TEST_API_KEY,
  LIMITRY_BASE_URL: `${url}/v1`,
  PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
  KILL_CRASH_MARK: dir,
});

interface Processes {
  pid: number;
  ppid: number;
  pgid: number;
  args: string;
}

function processes(): Processes[] {
  return execFileSync("ps", ["-eo", "pid=,ppid=,pgid=,args="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => {
      const [pid, ppid, pgid, ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), args: args.join(" ") };
    });
}

/** Processes of this file's runs (by the mark in their environment) whose command line matches. */
function marked(matches: RegExp): Processes[] {
  return processes().filter((p) => {
    if (!matches.test(p.args)) return false;
    try {
      return readFileSync(`/proc/${p.pid}/environ`, "latin1").includes(`KILL_CRASH_MARK=${dir}\0`);
    } catch {
      return false;
    }
  });
}

/** Waits until no dynamic-provider host of this file's runs is left (each exits when its engine has). */
async function noProviderHostLeft(what: string): Promise<void> {
  for (let waited = 0; marked(/dynamic-provider/).length > 0; waited += 100) {
    if (waited > 60_000) {
      throw new Error(
        `seed ${SEED}: ${what}: provider hosts outlived their engine: ${JSON.stringify(marked(/dynamic-provider/))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGKILLs `pids` and every process under them, plugin process groups included, as a lost CI runner. */
function killTree(pids: number[]): void {
  const rows = processes();
  const tree = new Set(pids);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of rows) {
      if (tree.has(p.ppid) && !tree.has(p.pid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  const own = rows.find((p) => p.pid === process.pid)?.pgid;
  for (const group of new Set(rows.filter((p) => tree.has(p.pid)).map((p) => p.pgid))) {
    if (group > 1 && group !== own) process.kill(-group, "SIGKILL");
  }
}

/** SIGKILLs the `pulumi` engine processes under `parent` (and `parent` itself when asked), leaving their plugins. */
function killEngine(parent: number, alsoParent: boolean): void {
  for (const p of processes()) if (p.ppid === parent && /\bpulumi\b/.test(p.args)) process.kill(p.pid, "SIGKILL");
  if (alsoParent) process.kill(parent, "SIGKILL");
}

/** Lock files of a stack in a file backend. */
function locks(backendDir: string, project: string, stack: string): string[] {
  const lockDir = path.join(backendDir, ".pulumi", "locks", "organization", project, stack);
  return existsSync(lockDir) ? readdirSync(lockDir) : [];
}

// ---- what is declared: two versions a run alternates between, so every run has creates to kill ----

interface Declared {
  payi: Array<{ key: string; name: string; max: number; threshold: number }>;
  meters: Array<{ key: string; name: string; field: string }>;
  limits: Array<{ key: string; name: string; meter: string; limitValue: number; period: string; customerId: string }>;
  customers: Array<{ key: string; externalId: string; timezone: string }>;
}

function declared(version: number, prefix: string): Declared {
  const flip = version % 2 === 1;
  const payi = Array.from({ length: 6 }, (_, i) => ({
    key: `team-${i}`,
    name: `${prefix} team ${i}`,
    max: 100 + i + (flip && i < 2 ? 50 : 0),
    // Pay-i fixes the threshold at create: changing it replaces the limit.
    threshold: flip && i >= 2 && i < 4 ? 0.9 : 0.8,
  }));
  if (flip) payi.splice(5, 1, { key: "team-new", name: `${prefix} team new`, max: 77, threshold: 0.8 });
  const meters = [
    { key: "tokens", name: `${prefix} tokens`, field: "values.tokens" },
    { key: "requests", name: `${prefix} requests`, field: "values.requests" },
  ];
  const limits = Array.from({ length: 8 }, (_, i) => ({
    key: `cap-${i}`,
    name: `${prefix} cap ${i}`,
    meter: i % 2 === 0 ? "tokens" : "requests",
    limitValue: 1000 + i + (flip && i < 2 ? 500 : 0),
    // What a limit counts (here its period) replaces it.
    period: flip && i >= 2 && i < 6 ? "week" : "day",
    customerId: `cust-${i}`,
  }));
  const customers = [
    // A timezone changes in place; an externalId replaces the customer (created before the old one goes).
    { key: "acme", externalId: `${prefix}-acme`, timezone: flip ? "America/New_York" : "Europe/Paris" },
    { key: "beta", externalId: flip ? `${prefix}-beta-2` : `${prefix}-beta`, timezone: "UTC" },
    { key: "gamma", externalId: `${prefix}-gamma`, timezone: "Asia/Tokyo" },
  ];
  return { payi, meters, limits, customers };
}

function budgetsYaml(d: Declared): string {
  const lines = ["limits:"];
  for (const l of d.payi) lines.push(`  - { key: ${l.key}, name: ${l.name}, max: ${l.max}, threshold: ${l.threshold} }`);
  lines.push("limitry:", "  meters:");
  for (const m of d.meters) lines.push(`    - { key: ${m.key}, name: ${m.name}, aggregation: sum, field: ${m.field} }`);
  lines.push("  limits:");
  for (const l of d.limits) {
    lines.push(
      `    - { key: ${l.key}, name: ${l.name}, meter: ${l.meter}, limitValue: ${l.limitValue}, period: ${l.period}, customerId: ${l.customerId} }`,
    );
  }
  lines.push("  customers:");
  for (const c of d.customers) lines.push(`    - { key: ${c.key}, externalId: ${c.externalId}, timezone: ${c.timezone} }`);
  return `${lines.join("\n")}\n`;
}

/**
 * Exactly the declared objects on the service, each once; the Pay-i owner records name only objects the state
 * holds. `other` is the file's other version: its customers that `d` does not declare are gone (Limitry lists no
 * customers, and holds one per externalId).
 */
async function expectConverged(d: Declared, other: Declared, prefix: string, stateIds: Set<string>): Promise<void> {
  const payi = new Payi({ apiKey: TEST_API_KEY, baseURL: url, maxRetries: 0 });
  const limitry = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
  try {
    const live: Array<{ name: string; max: number; threshold: number }> = [];
    for await (const l of payi.limits.list()) {
      if (!l.limit_name.startsWith(prefix)) continue;
      live.push({ name: l.limit_name, max: l.max, threshold: Number(l.threshold) });
      if (l.properties?.[OWNER_PROPERTY] !== undefined) {
        expect(stateIds.has(l.limit_id), `seed ${SEED}: ${l.limit_id} carries an owner record the state does not hold`).toBe(
          true,
        );
      }
    }
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(live.sort(byName), `seed ${SEED}: Pay-i limits`).toEqual(
      d.payi.map((l) => ({ name: l.name, max: l.max, threshold: l.threshold })).sort(byName),
    );
    const meters = new Map<string, string>();
    for await (const m of limitry.meters.list()) if (m.name.startsWith(prefix)) meters.set(m.id, m.name);
    expect([...meters.values()].sort(), `seed ${SEED}: Limitry meters`).toEqual(d.meters.map((m) => m.name).sort());
    const limits: Array<{ name: string; meter: string; limitValue: number; period: string; customerId: string | null }> = [];
    for await (const l of limitry.limits.list()) {
      if (!l.name.startsWith(prefix)) continue;
      limits.push({
        name: l.name,
        meter: meters.get(l.meterId) ?? l.meterId,
        limitValue: l.limitValue,
        period: l.period,
        customerId: l.customerId,
      });
      expect(stateIds.has(l.id), `seed ${SEED}: Limitry limit ${l.id} is not in the state`).toBe(true);
    }
    const meterName = (key: string) => d.meters.find((m) => m.key === key)?.name ?? key;
    expect(limits.sort(byName), `seed ${SEED}: Limitry limits`).toEqual(
      d.limits
        .map((l) => ({
          name: l.name,
          meter: meterName(l.meter),
          limitValue: l.limitValue,
          period: l.period,
          customerId: l.customerId,
        }))
        .sort(byName),
    );
    for (const c of d.customers) {
      const live = await limitry.customers.retrieve(c.externalId);
      expect({ externalId: live.externalId, timezone: live.timezone }, `seed ${SEED}: Limitry customer`).toEqual({
        externalId: c.externalId,
        timezone: c.timezone,
      });
      expect(stateIds.has(live.id), `seed ${SEED}: Limitry customer ${live.id} (${c.externalId}) is not in the state`).toBe(true);
    }
    const declaredIds = new Set(d.customers.map((c) => c.externalId));
    for (const c of other.customers.filter((c) => !declaredIds.has(c.externalId))) {
      await expect(limitry.customers.retrieve(c.externalId), `seed ${SEED}: ${c.externalId} is left`).rejects.toMatchObject({
        code: "customer_not_found",
      });
    }
  } finally {
    await payi.close();
    await limitry.close();
  }
}

/** Ids of every resource in a stack's state (which also proves the state loads). */
async function stateIds(stack: automation.Stack): Promise<Set<string>> {
  const exported = await stack.exportStack();
  return new Set(((exported.deployment.resources ?? []) as Array<{ id?: string }>).flatMap((r) => (r.id ? [r.id] : [])));
}

type Kill = "runner" | "engine" | "sigint" | "sigint-twice" | "sigterm";
const EXIT_OF: Partial<Record<Kill, number>> = { sigint: 130, "sigint-twice": 130, sigterm: 143 };

describe(`killed and interrupted runs converge (seed ${SEED})`, () => {
  // 12 CLI runs and 8 program runs stopped: 20 kills. Each is a whole engine run; a loaded 2-core machine needs time.
  test(
    "the CLI: 12 kills and signals at random creates, then a rerun applies exactly the file",
    { timeout: 900_000 },
    async () => {
      const prefix = "cli";
      const state = path.join(dir, "cli-state");
      const backend = `file://${state}`;
      const file = path.join(dir, "budgets.yaml");
      const stack = () =>
        automation.LocalWorkspace.selectStack(
          { stackName: "kill", projectName: PROJECT, program: async () => undefined },
          { envVars: pulumiEnv({ backend, passphrase: PASSPHRASE }) },
        );
      let version = 0;
      await writeFile(file, budgetsYaml(declared(version, prefix)));

      const run = (kill: Kill | undefined, at: number) =>
        new Promise<{ code: number | null; stderr: string; killed: boolean }>((resolve) => {
          const child = spawn(process.execPath, [BIN, "up", "-f", file, "--backend", backend, "--stack", "kill", "--yes"], {
            env: { ...process.env, ...runEnv() },
            cwd: dir,
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
          });
          const pid = child.pid ?? 0;
          let stderr = "";
          let killed = false;
          child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
          });
          child.stdout.on("data", (chunk: Buffer) => {
            // The engine says it is cancelling: the second Ctrl-C of "sigint-twice" comes now.
            if (kill === "sigint-twice" && killed && /received; cancelling/.test(chunk.toString())) process.kill(pid, "SIGINT");
          });
          const start = created;
          onCreate = (count) => {
            if (killed || kill === undefined || count - start !== at) return;
            killed = true;
            if (kill === "runner") killTree([pid]);
            else if (kill === "engine") killEngine(pid, true);
            else process.kill(pid, kill === "sigterm" ? "SIGTERM" : "SIGINT");
          };
          child.on("exit", (code) => {
            onCreate = undefined;
            resolve({ code, stderr, killed });
          });
        });

      const kills: Kill[] = ["runner", "engine", "sigint", "sigint-twice", "sigterm"];
      let done = 0;
      for (let attempt = 0; done < 12; attempt++) {
        expect(attempt, `seed ${SEED}: too many runs finished before their kill point`).toBeLessThan(40);
        const kill = pick(kills);
        const result = await run(kill, 1 + Math.floor(rand() * 3));
        if (!result.killed) {
          // The run finished first: the next one applies the other version of the file.
          expect(result.code, `seed ${SEED}: ${result.stderr}`).toBe(0);
          version++;
          await writeFile(file, budgetsYaml(declared(version, prefix)));
          continue;
        }
        done++;
        const exit = EXIT_OF[kill];
        if (exit !== undefined) {
          // Interrupted: the engine stopped after the steps in flight and released the lock; the CLI said so.
          expect(result.code, `seed ${SEED}: ${kill}: ${result.stderr}`).toBe(exit);
          expect(result.stderr).toContain("received: the engine stops after the steps in flight");
          expect(locks(state, PROJECT, "kill")).toEqual([]);
        } else {
          expect(result.code).not.toBe(0);
          // A killed run leaves the file backend's lock behind (README: `pulumi cancel`).
          await (await stack()).cancel();
        }
        await noProviderHostLeft(`CLI run ${done} (${kill})`);
      }
      const rerun = await run(undefined, 0);
      expect(rerun.code, `seed ${SEED}: rerun: ${rerun.stderr}`).toBe(0);
      await noProviderHostLeft("CLI rerun");
      await expectConverged(declared(version, prefix), declared(version + 1, prefix), prefix, await stateIds(await stack()));
    },
  );

  describe("`pulumi up` of a program that installed the packed package", () => {
    let pack: PackedPackage;
    let program: PackedProgram;
    beforeAll(() => {
      pack = packPackage();
      program = packedProgram("kill-crash", PROGRAM, pack.tarball);
    });
    afterAll(() => {
      program?.dispose();
      pack?.dispose();
    });

    test(
      "8 kills and cancels at random creates, then `pulumi up --refresh` applies exactly the program",
      { timeout: 900_000 },
      async () => {
        const prefix = "prog";
        const state = path.join(dir, "program-state");
        await mkdir(state);
        let version = 0;
        const stack = (v: number) =>
          automation.LocalWorkspace.createOrSelectStack(
            { stackName: "kill", workDir: program.dir },
            {
              envVars: {
                ...pulumiEnv({ backend: `file://${state}`, passphrase: PASSPHRASE }),
                ...runEnv(),
                // What the README asks of a Pulumi program: provider hosts that end with their engine.
                NODE_OPTIONS: "--require ./node_modules/pulumi-limits/dist/provider/engine-exit.js",
                DECLARED: JSON.stringify(declared(v, prefix)),
              },
            },
          );

        let done = 0;
        for (let attempt = 0; done < 8; attempt++) {
          expect(attempt, `seed ${SEED}: too many runs finished before their kill point`).toBeLessThan(25);
          const kill = pick(["engine", "engine", "sigint"] as const);
          const at = 1 + Math.floor(rand() * 3);
          const s = await stack(version);
          const abort = new AbortController();
          let killed = false;
          const start = created;
          onCreate = (count) => {
            if (killed || count - start !== at) return;
            killed = true;
            // `pulumi up` is this process's child: kill the engine alone, leaving its language host, program
            // and provider host to notice; or cancel it as the Automation API does (SIGINT).
            if (kill === "engine") killEngine(process.pid, false);
            else abort.abort();
          };
          const outcome = await s.up({ refresh: true, signal: abort.signal }).then(
            () => "succeeded",
            (error: unknown) => String(error),
          );
          onCreate = undefined;
          await noProviderHostLeft(`program run ${attempt} (${killed ? kill : "not killed"})`);
          if (!killed) {
            expect(outcome, `seed ${SEED}`).toBe("succeeded");
            version++;
            continue;
          }
          done++;
          expect(outcome).not.toBe("succeeded");
          if (kill === "sigint") expect(locks(state, "kill-crash", "kill")).toEqual([]);
          else await s.cancel();
        }
        const s = await stack(version);
        expect((await s.up({ refresh: true })).summary.result).toBe("succeeded");
        await noProviderHostLeft("program rerun");
        await expectConverged(declared(version, prefix), declared(version + 1, prefix), prefix, await stateIds(s));
      },
    );
  });
});

/** The program: the same declarations as the budgets file, read from the environment. */
const PROGRAM = `
const { Limit, limitry } = require("pulumi-limits");
const d = JSON.parse(process.env.DECLARED);
for (const l of d.payi) new Limit(l.key, { limitName: l.name, max: l.max, threshold: l.threshold });
const meters = {};
for (const m of d.meters) meters[m.key] = new limitry.Meter(m.key, { name: m.name, aggregation: "sum", field: m.field });
for (const l of d.limits) {
  new limitry.Limit(l.key, { name: l.name, meterId: meters[l.meter].id, limitValue: l.limitValue, period: l.period, customerId: l.customerId });
}
for (const c of d.customers) new limitry.Customer(c.key, { externalId: c.externalId, timezone: c.timezone });
`;
