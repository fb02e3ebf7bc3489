/**
 * The Pulumi engine figures: the same N resources from a program that installed the packed package, as
 * `Limit`s and as the engine floor (a dynamic provider that does no I/O, serialized the same minimal way:
 * a require of a module in the program's node_modules), each with and without per-step checkpoints; and
 * the CLI's `up` of a budgets.yaml with N limits.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as automation from "@pulumi/pulumi/automation";
import { type PackedProgram, packedProgram } from "./packed-program.js";

const run = promisify(execFile);

export type Kind = "limit" | "floor";

/** What a run needs to reach the service. */
export interface BenchService {
  url: string;
  apiKey: string;
}

// Every resource gets the same inputs a Limit has; the floor stores them as its outputs.
const PROGRAM = `
const n = Number(process.env.BENCH_N);
const args = (i) => ({ limitName: "bench " + n + " #" + i, max: 100 + i, limitType: "allow", threshold: 0.8 });
if (process.env.BENCH_KIND === "limit") {
  const { Limit } = require("pulumi-limits");
  for (let i = 0; i < n; i++) new Limit("l" + i, args(i));
} else {
  const { Floor } = require("bench-floor");
  for (let i = 0; i < n; i++) new Floor("l" + i, { ...args(i), properties: {}, adopt: false, idSeed: "bench/" + i });
}
`;

/** The floor's provider is its own module's exports, so it serializes as a require, like an installed Limit's. */
const FLOOR_MODULE = {
  "package.json": JSON.stringify({ name: "bench-floor", version: "1.0.0", main: "index.js" }),
  "index.js": `const pulumi = require("@pulumi/pulumi");
const provider = require("./provider.js");
class Floor extends pulumi.dynamic.Resource {
  constructor(name, props) { super(provider, name, props, undefined, "bench", "Floor"); }
}
module.exports = { Floor };
`,
  "provider.js": `module.exports = {
  async check(olds, news) { return { inputs: news }; },
  async diff() { return { changes: false }; },
  async create(inputs) { return { id: "floor-" + inputs.limitName, outs: inputs }; },
  async read(id, props) { return { id, props }; },
  async delete() {},
};
`,
};

/** The bench program: the packed package and the floor module installed side by side. */
export async function benchProgram(tarball: string): Promise<PackedProgram> {
  const program = packedProgram("bench", PROGRAM, tarball);
  const floor = path.join(program.dir, "node_modules", "bench-floor");
  await mkdir(floor, { recursive: true });
  for (const [file, text] of Object.entries(FLOOR_MODULE)) await writeFile(path.join(floor, file), text);
  return program;
}

/** How a stack's state is stored: a fresh backend URL per run, and how to remove it. */
export interface Backend {
  name: string;
  create(): Promise<{ url: string; dispose(): Promise<void> }>;
}

/** A file backend in a fresh temp directory. */
const fileBackend: Backend = {
  name: "file",
  async create() {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pulumi-limits-bench-state-"));
    return { url: `file://${dir}`, dispose: () => rm(dir, { recursive: true, force: true }) };
  },
};

/** Milliseconds of each operation on one stack of N resources. */
export interface EngineRun {
  kind: Kind;
  n: number;
  checkpoints: boolean;
  backend: string;
  upMs: number;
  /** Preview with no changes; measured once per kind and N (it writes no state), NaN otherwise. */
  previewMs: number;
  refreshMs: number;
  destroyMs: number;
  stateBytesPerResource: number;
  providerBytes: number;
}

function baseEnv(backendUrl: string, service: BenchService): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: backendUrl,
    PULUMI_CONFIG_PASSPHRASE: "bench",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PAYI_API_KEY: service.apiKey,
    PAYI_BASE_URL: service.url,
  };
}

async function time(op: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await op();
  return performance.now() - t;
}

/** Size figures of a stack's exported state. */
async function stateSize(stack: automation.Stack, n: number): Promise<{ stateBytesPerResource: number; providerBytes: number }> {
  const exported = await stack.exportStack();
  const resources = exported.deployment.resources as Array<{ type: string; inputs?: Record<string, unknown> }>;
  const mine = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  return {
    stateBytesPerResource: Buffer.byteLength(JSON.stringify(exported)) / n,
    providerBytes: Buffer.byteLength(String(mine[0]?.inputs?.["__provider"] ?? "")),
  };
}

/** up (create N), preview (no changes, when asked), refresh and destroy of N resources on a fresh backend. */
export async function engineRun(
  program: PackedProgram,
  kind: Kind,
  n: number,
  service: BenchService,
  options: { checkpoints: boolean; preview: boolean; backend?: Backend },
): Promise<EngineRun> {
  const backend = options.backend ?? fileBackend;
  const store = await backend.create();
  try {
    const stack = await automation.LocalWorkspace.createOrSelectStack(
      { stackName: "bench", workDir: program.dir },
      {
        envVars: {
          ...baseEnv(store.url, service),
          BENCH_KIND: kind,
          BENCH_N: String(n),
          ...(options.checkpoints ? {} : { PULUMI_SKIP_CHECKPOINTS: "true" }),
        },
      },
    );
    const upMs = await time(() => stack.up());
    const size = await stateSize(stack, n);
    const previewMs = options.preview
      ? await time(async () => {
          const p = await stack.preview();
          if (Object.keys(p.changeSummary).some((op) => op !== "same"))
            throw new Error(`preview of ${kind} x${n} is not clean: ${JSON.stringify(p.changeSummary)}`);
        })
      : Number.NaN;
    const refreshMs = await time(() => stack.refresh());
    const destroyMs = await time(() => stack.destroy());
    return { kind, n, checkpoints: options.checkpoints, backend: backend.name, upMs, previewMs, refreshMs, destroyMs, ...size };
  } finally {
    await store.dispose();
  }
}

/** The CLI's `up --yes` (its default: refresh first, state written once) and `destroy` of a budgets.yaml with N limits. */
export interface CliRun {
  n: number;
  upMs: number;
  destroyMs: number;
  stateBytesPerResource: number;
  providerBytes: number;
}

/** Runs the installed package's own bin, from the program directory, as a user's CI would. */
export async function cliRun(program: PackedProgram, n: number, service: BenchService): Promise<CliRun> {
  const store = await fileBackend.create();
  const file = path.join(program.dir, `budgets-${n}.yaml`);
  const lines = ["limits:"];
  for (let i = 0; i < n; i++)
    lines.push(`  - name: "bench cli ${n} #${i}"`, `    key: l${i}`, `    max: ${100 + i}`, "    threshold: 0.8");
  await writeFile(file, `${lines.join("\n")}\n`);
  const bin = path.join(program.packageDir, "bin", "pulumi-limits.js");
  const env = { ...process.env, ...baseEnv(store.url, service) };
  const cli = (command: string) =>
    run(process.execPath, [bin, command, "-f", file, "--stack", "bench", "--yes"], {
      cwd: program.dir,
      env,
      maxBuffer: 256 * 1024 * 1024,
    });
  try {
    const upMs = await time(() => cli("up"));
    const stack = await automation.LocalWorkspace.selectStack(
      { stackName: "bench", projectName: "pulumi-limits", program: async () => undefined },
      { envVars: baseEnv(store.url, service) },
    );
    const size = await stateSize(stack, n);
    const destroyMs = await time(() => cli("destroy"));
    return { n, upMs, destroyMs, ...size };
  } finally {
    await store.dispose();
  }
}
