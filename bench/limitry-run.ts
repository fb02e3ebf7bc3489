/**
 * `make bench-limitry`: only the Limitry part of `make bench` (event recording with 10 and 10,000 limits),
 * printed as BENCHMARKS.md's section. BENCH_SIZES=10 makes it short, as in CI.
 */
import { limitryRuns, limitrySection } from "./limitry.js";

async function main(): Promise<void> {
  const small = (process.env["BENCH_SIZES"] ?? "").split(",").every((s) => Number.parseInt(s, 10) <= 10);
  const runs = await limitryRuns(small);
  console.log(`\n${limitrySection(runs, "make bench-limitry").join("\n")}`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
