import { execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pulumiEnv } from "../../cli/environment.js";
import { PROJECT } from "../../cli/workspace.js";
import { TEST_API_KEY, startService } from "../support/service.js";

// The CLI's `up` and `destroy` write state once, at the end (no per-step checkpoints). This kills the whole
// CLI process group (CLI, engine, language host, provider host) at random points of a 200-limit stack's
// create, change (with replaces) and destroy, reruns, and checks that the service holds exactly what the
// file declares and the state says exactly what the service holds. CRASH_SEED=<n> replays a run.
const BIN = path.resolve(__dirname, "..", "..", "bin", "pulumi-limits.js");
const SIZE = 200;
const SEED = Number(process.env["CRASH_SEED"] ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded PRNG, so a failing run can be replayed from its seed. */
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
const pick = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

interface Declared {
  key: string;
  name: string;
  max: number;
  threshold: number;
}

let service: Awaited<ReturnType<typeof startService>>;
let dir: string;
let env: Record<string, string>;
const STACK = "crash";

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-crash-"));
  await mkdir(path.join(dir, "state"));
  service = await startService();
  env = { PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: service.url, PULUMI_CONFIG_PASSPHRASE: "crash-test" };
});
afterAll(async () => {
  await service?.stop();
  await rm(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, "budgets.yaml");

async function declare(limits: Declared[]): Promise<void> {
  const lines = ["limits:"];
  for (const l of limits)
    lines.push(`  - key: ${l.key}`, `    name: ${l.name}`, `    max: ${l.max}`, `    threshold: ${l.threshold}`);
  await writeFile(file(), `${lines.join("\n")}\n`);
}

/**
 * SIGKILLs `pid` and every process under it, all at once, as a crashed CI runner would. The engine starts
 * provider plugins in process groups of their own, so each descendant's group is killed, not only the CLI's.
 */
function killTree(pid: number): void {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,pgid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number));
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, parent] of rows) {
      if (p !== undefined && parent !== undefined && tree.has(parent) && !tree.has(p)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  const ownGroup = rows.find(([p]) => p === process.pid)?.[2];
  const groups = new Set(rows.filter(([p]) => p !== undefined && tree.has(p)).map(([, , group]) => group));
  for (const group of groups) if (group !== undefined && group > 1 && group !== ownGroup) process.kill(-group, "SIGKILL");
}

interface Run {
  code: number | null;
  killed: boolean;
  stderr: string;
}

/** Runs the CLI with `--json`; when `killAt` returns true for an engine event it prints, kills its process tree. */
function cli(command: "up" | "destroy", killAt?: (event: automation.EngineEvent) => boolean): Promise<Run> {
  const args = [BIN, command, "-f", file(), "--backend", `file://${dir}/state`, "--stack", STACK, "--yes", "--json"];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    cwd: dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let killed = false;
  let pending = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    for (let i = pending.indexOf("\n"); i >= 0; i = pending.indexOf("\n")) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      if (killed || !killAt || !line.startsWith("{")) continue;
      if (killAt(JSON.parse(line) as automation.EngineEvent) && child.pid !== undefined) {
        killed = true;
        killTree(child.pid);
      }
    }
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, killed, stderr })));
}

/** Kills at the `n`-th event that `matches`. */
function nth(n: number, matches: (event: automation.EngineEvent) => boolean): (event: automation.EngineEvent) => boolean {
  let seen = 0;
  return (event) => matches(event) && ++seen === n;
}

// Steps the engine carries out, not those of the plan a command previews first (destroy shows its plan).
const finished = (ops: string[]) => (e: automation.EngineEvent) =>
  e.resOutputsEvent?.planning !== true &&
  e.resOutputsEvent?.metadata.type.endsWith(":Limit") === true &&
  ops.includes(e.resOutputsEvent.metadata.op);
const starting = (ops: string[]) => (e: automation.EngineEvent) =>
  e.resourcePreEvent?.planning !== true &&
  e.resourcePreEvent?.metadata.type.endsWith(":Limit") === true &&
  ops.includes(e.resourcePreEvent.metadata.op);

/**
 * Runs `command` once per kill point, killing it there, then once more to completion. Returns what the
 * state and the service held between the last kill and the rerun.
 */
async function crashThenConverge(
  command: "up" | "destroy",
  kills: Array<(event: automation.EngineEvent) => boolean>,
): Promise<{ state: StateLimit[]; service: StateLimit[] }> {
  for (const killAt of kills) {
    const run = await cli(command, killAt);
    expect(run.killed, `seed ${SEED}: the ${command} run finished before its kill point; stderr: ${run.stderr}`).toBe(true);
    // A killed run leaves the file backend's lock behind; `pulumi cancel` (what the engine's message says) releases it.
    await (await cliStack()).cancel();
  }
  const crashed = { state: await stateLimits(), service: await serviceLimits() };
  const rerun = await cli(command);
  expect(rerun.code, `seed ${SEED}: rerun of ${command} failed: ${rerun.stderr}`).toBe(0);
  return crashed;
}

interface StateLimit {
  id: string;
  limitName: string;
  max: number;
  threshold: number;
}

/** The CLI's stack, through the Automation API on the same backend. */
function cliStack(): Promise<automation.Stack> {
  return automation.LocalWorkspace.selectStack(
    { stackName: STACK, projectName: PROJECT, program: async () => undefined },
    { envVars: pulumiEnv({ backend: `file://${dir}/state`, passphrase: env["PULUMI_CONFIG_PASSPHRASE"] ?? "" }) },
  );
}

async function stateLimits(): Promise<StateLimit[]> {
  const exported = await (await cliStack()).exportStack();
  const resources = (exported.deployment.resources ?? []) as Array<{
    type: string;
    id: string;
    outputs: Record<string, unknown>;
  }>;
  return resources
    .filter((r) => r.type.endsWith(":Limit"))
    .map((r) => ({
      id: r.id,
      limitName: String(r.outputs["limitName"]),
      max: Number(r.outputs["max"]),
      threshold: Number(r.outputs["threshold"]),
    }));
}

/** The type of every resource in the stack's state. */
async function stateTypes(): Promise<string[]> {
  const exported = await (await cliStack()).exportStack();
  return ((exported.deployment.resources ?? []) as Array<{ type: string }>).map((r) => r.type);
}

async function serviceLimits(): Promise<StateLimit[]> {
  const live: StateLimit[] = [];
  for await (const l of service.client.limits.list())
    live.push({ id: l.limit_id, limitName: l.limit_name, max: l.max, threshold: Number(l.threshold) });
  return live;
}

/** Exactly the declared limits on the service (no duplicate, no orphan), and the state says exactly that. */
async function expectConverged(declared: Declared[]): Promise<void> {
  const live = await serviceLimits();
  const byName = (a: { limitName: string }, b: { limitName: string }) => a.limitName.localeCompare(b.limitName);
  const wanted = declared.map((d) => ({ limitName: d.name, max: d.max, threshold: d.threshold })).sort(byName);
  expect(live.map(({ id: _, ...rest }) => rest).sort(byName), `seed ${SEED}: service vs file`).toEqual(wanted);
  expect((await stateLimits()).sort(byName), `seed ${SEED}: state vs service`).toEqual(live.sort(byName));
}

const teams = (from: number, to: number): Declared[] =>
  Array.from({ length: to - from }, (_, i) => {
    const n = String(from + i).padStart(3, "0");
    return { key: `team-${n}`, name: `Crash Team ${n}`, max: 100 + from + i, threshold: 0.8 };
  });

describe(`up and destroy without per-step checkpoints, killed at random points (seed ${SEED})`, () => {
  test(`a killed create of ${SIZE} limits, rerun, leaves exactly the declared limits and a state equal to the service`, async () => {
    const declared = teams(0, SIZE);
    // The stack's very first run: the CLI records its StackInstance (the id every owner record names) before
    // it creates anything, so the objects a killed run created are recognised as this stack's on the rerun.
    await declare(declared);
    const crashed = await crashThenConverge("up", [
      nth(pick(1, SIZE / 2), finished(["create"])),
      nth(pick(1, SIZE / 2), finished(["create"])),
    ]);
    // The killed runs wrote no limit to the state, while the service holds what they created.
    expect(crashed.state).toEqual([]);
    expect(crashed.service.length).toBeGreaterThan(0);
    expect(await stateTypes()).toContain("pulumi-nodejs:dynamic/pulumi-limits:StackInstance");
    await expectConverged(declared);
  });

  test("a killed update with replaces, renames, removals and additions, rerun, converges on the new file", async () => {
    const declared = teams(0, SIZE);
    // 40 replaced (threshold), 40 renamed with a new max (in place), 30 removed, 30 added.
    const changed = [
      ...declared.slice(0, 40).map((d) => ({ ...d, threshold: 0.9 })),
      ...declared.slice(40, 80).map((d) => ({ ...d, name: `${d.name} renamed`, max: d.max + 1000 })),
      ...declared.slice(80, SIZE - 30),
      ...teams(SIZE, SIZE + 30),
    ];
    await declare(changed);
    const replacing = ["create-replacement", "delete-replaced", "replace"];
    const crashed = await crashThenConverge("up", [
      nth(pick(1, 30), starting(replacing)),
      nth(pick(1, 20), finished(["create-replacement", "update", "delete", "create"])),
    ]);
    // The state still describes the old file; the service is somewhere between the two.
    expect(crashed.state.map((l) => l.limitName).sort()).toEqual(declared.map((d) => d.name).sort());
    expect(crashed.service).not.toEqual(crashed.state);
    await expectConverged(changed);
  });

  test("a killed destroy, rerun, removes every limit from the service and the state", async () => {
    const remaining = (await stateLimits()).length;
    expect(remaining).toBe(SIZE);
    const crashed = await crashThenConverge("destroy", [nth(pick(1, SIZE - 1), finished(["delete"]))]);
    expect(crashed.state).toHaveLength(SIZE);
    expect(crashed.service.length).toBeLessThan(SIZE);
    await expectConverged([]);
  });
});
