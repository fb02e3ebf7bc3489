/**
 * `make bench`: every figure is a ratio measured side by side in one run (never an absolute time in a
 * test). Writes BENCHMARKS.md. BENCH_SIZES picks the stack sizes (default 100,1000; CI uses 10).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { packageRoot } from "../cli/node-path.js";
import { spawnServe } from "../test/support/serve-process.js";
import { engineRun, type EngineRun } from "./engine.js";
import { ingestThroughput, sdkVsRaw } from "./http.js";
import { report } from "./report.js";

const API_KEY = "bench-key";

async function main(): Promise<void> {
  const sizes = (process.env["BENCH_SIZES"] ?? "100,1000").split(",").map((s) => Number.parseInt(s, 10)).filter((n) => n > 0);
  const small = sizes.every((n) => n <= 10);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pulumi-limits-bench-data-"));
  const service = await spawnServe({ dataDir, apiKey: API_KEY });
  try {
    console.log(`service at ${service.url}; sizes ${sizes.join(", ")}`);
    const sdk = await sdkVsRaw(service.url, API_KEY, small ? 500 : 5000);
    console.log(`sdk vs raw: ${sdk.ratio.toFixed(3)}`);
    const ingest = [];
    for (const clients of [1, 8]) {
      const r = await ingestThroughput(service.url, API_KEY, clients, small ? 400 : 8000);
      console.log(`ingest x${clients}: ${r.eventsPerSecond.toFixed(0)} events/s`);
      ingest.push(r);
    }
    // Warm-up: the first engine run of a process pays for loading modules and plugins.
    await engineRun("floor", 5, { url: service.url, apiKey: API_KEY });
    const runs: EngineRun[] = [];
    for (const n of sizes) {
      for (const kind of ["floor", "limit"] as const) {
        const r = await engineRun(kind, n, { url: service.url, apiKey: API_KEY });
        console.log(`${kind} x${n}: up ${r.upMs.toFixed(0)} ms, preview ${r.previewMs.toFixed(0)} ms, refresh ${r.refreshMs.toFixed(0)} ms`);
        runs.push(r);
      }
    }
    // The profile of `up`: the same largest run with the engine's per-step checkpoints switched off.
    const largest = Math.max(...sizes);
    const noCheckpoints: EngineRun[] = [];
    for (const kind of ["floor", "limit"] as const) {
      const r = await engineRun(kind, largest, { url: service.url, apiKey: API_KEY }, { upOnlyWithoutCheckpoints: true });
      console.log(`${kind} x${largest} without checkpoints: up ${r.upMs.toFixed(0)} ms`);
      noCheckpoints.push(r);
    }
    const text = report({ sizes, sdk, ingest, runs, noCheckpoints, command: `make bench BENCH_SIZES=${sizes.join(",")}` });
    const file = path.join(packageRoot(), small ? "BENCHMARKS.ci.md" : "BENCHMARKS.md");
    await writeFile(file, text);
    console.log(`\n${text}\nwritten to ${path.relative(process.cwd(), file)}`);
  } finally {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
