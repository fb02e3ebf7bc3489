/**
 * `make bench`: every figure is a ratio measured side by side in one run (never an absolute time in a
 * test). Writes BENCHMARKS.md. BENCH_SIZES picks the stack sizes (default 100,1000; CI uses 10).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { packageRoot } from "../cli/node-path.js";
import { spawnServe } from "../test/support/serve-process.js";
import { benchProgram, type CliRun, cliRun, engineRun, type EngineRun } from "./engine.js";
import { ingestThroughput, sdkVsRaw } from "./http.js";
import { limitryRuns, limitrySection } from "./limitry.js";
import { packPackage } from "./packed-program.js";
import { postgresRuns, postgresSection } from "./postgres.js";
import { PROFILE_NOTES } from "./profile-notes.js";
import { report } from "./report.js";

const API_KEY = "bench-key";

/**
 * Runs repeated and interleaved on this shared machine, whose speed drifts by half within minutes: the Limit and
 * floor runs of each pair alternate, and each figure is the median of its repeats. Runs with per-step
 * checkpoints (minutes each at N = 1,000) run once.
 */
const REPEATS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** One figure per field: the median of the repeats (sizes are the same every time). */
function medianRun<T extends object>(runs: T[]): T {
  const first = runs[0];
  if (!first) throw new Error("no runs to take the median of");
  const keys = Object.keys(first) as Array<keyof T>;
  return Object.fromEntries(
    keys.map((key) => [key, typeof first[key] === "number" ? median(runs.map((r) => r[key] as number)) : first[key]]),
  ) as T;
}

async function main(): Promise<void> {
  const sizes = (process.env["BENCH_SIZES"] ?? "100,1000")
    .split(",")
    .map((s) => Number.parseInt(s, 10))
    .filter((n) => n > 0);
  const small = sizes.every((n) => n <= 10);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pulumi-limits-bench-data-"));
  const service = await spawnServe({ dataDir, apiKey: API_KEY });
  const pack = packPackage();
  const program = await benchProgram(pack.tarball);
  const target = { url: service.url, apiKey: API_KEY };
  try {
    console.log(
      `service at ${service.url}; sizes ${sizes.join(", ")}; package ${path.basename(pack.tarball)} installed in ${program.dir}`,
    );
    const sdk = await sdkVsRaw(service.url, API_KEY, small ? 500 : 5000);
    console.log(`sdk vs raw: ${sdk.ratio.toFixed(3)}`);
    const ingest = [];
    for (const clients of [1, 8]) {
      const repeats = [];
      for (let i = 0; i < (small ? 1 : REPEATS); i++) {
        const r = await ingestThroughput(service.url, API_KEY, clients, small ? 400 : 8000);
        console.log(`ingest x${clients}: ${r.eventsPerSecond.toFixed(0)} events/s`);
        repeats.push(r);
      }
      ingest.push({ ...medianRun(repeats), totalsMatch: repeats.every((r) => r.totalsMatch) });
    }
    // Warm-up: the first engine run pays for loading plugins and filling the OS file cache.
    await engineRun(program, "floor", 5, target, { checkpoints: false, preview: false });
    const runs: EngineRun[] = [];
    const cli: CliRun[] = [];
    for (const n of sizes) {
      for (const checkpoints of [false, true]) {
        const repeats: Record<"floor" | "limit", EngineRun[]> = { floor: [], limit: [] };
        for (let i = 0; i < (checkpoints || small ? 1 : REPEATS); i++) {
          for (const kind of ["floor", "limit"] as const) {
            const r = await engineRun(program, kind, n, target, { checkpoints, preview: !checkpoints });
            console.log(
              `${kind} x${n} ${checkpoints ? "with" : "without"} checkpoints: up ${r.upMs.toFixed(0)} ms, preview ${r.previewMs.toFixed(0)} ms, refresh ${r.refreshMs.toFixed(0)} ms, destroy ${r.destroyMs.toFixed(0)} ms, ${r.stateBytesPerResource.toFixed(0)} B/resource`,
            );
            repeats[kind].push(r);
          }
        }
        runs.push(medianRun(repeats.floor), medianRun(repeats.limit));
      }
      const cliRepeats: CliRun[] = [];
      for (let i = 0; i < (small ? 1 : REPEATS); i++) {
        const c = await cliRun(program, n, target);
        console.log(`cli x${n}: up ${c.upMs.toFixed(0)} ms, destroy ${c.destroyMs.toFixed(0)} ms`);
        cliRepeats.push(c);
      }
      cli.push(medianRun(cliRepeats));
    }
    const largest = Math.max(...sizes);
    const pg = await postgresRuns(program, largest, target);
    for (const r of pg.runs)
      console.log(`limit x${largest} on postgres ${r.checkpoints ? "with" : "without"} checkpoints: up ${r.upMs.toFixed(0)} ms`);
    const limitry = await limitryRuns(small);
    const sections = [
      postgresSection(largest, runs, pg),
      limitrySection(limitry, `make bench BENCH_SIZES=${sizes.join(",")}`),
      ...(small ? [] : [PROFILE_NOTES]),
    ];
    const text = report({ sizes, sdk, ingest, runs, cli, sections, command: `make bench BENCH_SIZES=${sizes.join(",")}` });
    const file = path.join(packageRoot(), small ? "BENCHMARKS.ci.md" : "BENCHMARKS.md");
    await writeFile(file, text);
    console.log(`\n${text}\nwritten to ${path.relative(process.cwd(), file)}`);
  } finally {
    program.dispose();
    pack.dispose();
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
