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
import { packPackage } from "./packed-program.js";
import { postgresRuns, postgresSection } from "./postgres.js";
import { PROFILE_NOTES } from "./profile-notes.js";
import { report } from "./report.js";

const API_KEY = "bench-key";

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
      const r = await ingestThroughput(service.url, API_KEY, clients, small ? 400 : 8000);
      console.log(`ingest x${clients}: ${r.eventsPerSecond.toFixed(0)} events/s`);
      ingest.push(r);
    }
    // Warm-up: the first engine run pays for loading plugins and filling the OS file cache.
    await engineRun(program, "floor", 5, target, { checkpoints: false, preview: false });
    const runs: EngineRun[] = [];
    const cli: CliRun[] = [];
    for (const n of sizes) {
      for (const checkpoints of [false, true]) {
        for (const kind of ["floor", "limit"] as const) {
          const r = await engineRun(program, kind, n, target, { checkpoints, preview: !checkpoints });
          console.log(
            `${kind} x${n} ${checkpoints ? "with" : "without"} checkpoints: up ${r.upMs.toFixed(0)} ms, preview ${r.previewMs.toFixed(0)} ms, refresh ${r.refreshMs.toFixed(0)} ms, destroy ${r.destroyMs.toFixed(0)} ms, ${r.stateBytesPerResource.toFixed(0)} B/resource`,
          );
          runs.push(r);
        }
      }
      const c = await cliRun(program, n, target);
      console.log(`cli x${n}: up ${c.upMs.toFixed(0)} ms, destroy ${c.destroyMs.toFixed(0)} ms`);
      cli.push(c);
    }
    const largest = Math.max(...sizes);
    const pg = await postgresRuns(program, largest, target);
    for (const r of pg.runs)
      console.log(`limit x${largest} on postgres ${r.checkpoints ? "with" : "without"} checkpoints: up ${r.upMs.toFixed(0)} ms`);
    const sections = [postgresSection(largest, runs, pg), ...(small ? [] : [PROFILE_NOTES])];
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
