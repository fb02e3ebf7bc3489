import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Limitry } from "../sdk/limitry/index.js";
import { spawnServe } from "../test/support/serve-process.js";

/** One run of Limitry event recording against a service holding `limits` limits. */
export interface LimitryRecordRun {
  limits: number;
  events: number;
  clients: number;
  eventsPerSecond: number;
  /** Median over the rounds of each round's p50 and p99 (the bench's usual median of repeats). */
  p50Ms: number;
  p99Ms: number;
  /** p99 of all events pooled: the same tail, with every round's machine noise in it. */
  p99PooledMs: number;
  /** p99 of the first and the last fifth of the rounds: flat when cost does not grow with the window's events. */
  p99FirstMs: number;
  p99LastMs: number;
}

const CUSTOMERS = 5;
const TEAMS = 5;

/** A service holding `limits` limits, ready to record events. */
interface Prepared {
  limits: number;
  /** Records events number `from` … `from + count - 1` over the clients; their latencies and the wall time. */
  record(from: number, count: number): Promise<{ latencies: number[]; ms: number }>;
  close(): Promise<void>;
}

/**
 * A fresh service (its own process and data directory) holding `limits` limits on one meter: half
 * project-wide, each for its own team (`dimensionFilters: {team}`), half for their own customer, all with
 * alert thresholds. Every event counts towards exactly two of them (its customer's and its team's) whatever
 * `limits` is, so the figures compare the cost of the limits an event cannot match.
 */
async function prepare(limits: number, clients: number): Promise<Prepared> {
  const apiKey = "bench-key";
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pulumi-limits-bench-limitry-"));
  const service = await spawnServe({ dataDir, apiKey, profile: "default" });
  const workers = Array.from({ length: clients }, () => new Limitry({ apiKey, baseURL: `${service.url}/v1` }));
  const close = async () => {
    await Promise.all(workers.map((c) => c.close()));
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  const [setup] = workers;
  if (!setup) throw new Error("no clients");
  const meter = await setup.meters.create({
    name: "Tokens",
    aggregation: "sum",
    field: "values.tokens",
    eventFilter: { eventType: "llm.completion" },
  });
  let next = 0;
  await Promise.all(
    workers.map(async (client) => {
      for (let i = next++; i < limits; i = next++) {
        const own = i % 2 === 1;
        await client.limits.create({
          name: `limit ${i}`,
          meterId: meter.id,
          limitValue: 1_000_000_000,
          period: own ? "day" : "month",
          ...(own ? { customerId: `c${i}` } : { dimensionFilters: { team: `t${i}` } }),
          alertThresholds: [50, 80, 100],
        });
      }
    }),
  );
  // Customers c1, c3, … and teams t0, t2, … exist at every size (limits ≥ 10).
  const event = (n: number) => ({
    customerId: `c${2 * (n % CUSTOMERS) + 1}`,
    eventType: "llm.completion",
    values: { tokens: 100 + (n % 7) },
    dimensions: { team: `t${2 * (Math.floor(n / CUSTOMERS) % TEAMS)}`, model: "gpt-4o" },
  });
  const record = async (from: number, count: number) => {
    const latencies: number[] = [];
    let sent = from;
    const started = performance.now();
    await Promise.all(
      workers.map(async (client) => {
        for (let n = sent++; n < from + count; n = sent++) {
          const t = performance.now();
          await client.events.record(event(n));
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { latencies, ms: performance.now() - started };
  };
  await record(0, 400); // warm-up
  return { limits, record, close };
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** BENCHMARKS.md's section for these runs: record throughput and latency at each size, and the goal. */
export function limitrySection(runs: LimitryRecordRun[], command: string): string[] {
  const smallest = runs.reduce((a, b) => (b.limits < a.limits ? b : a));
  const largest = runs.reduce((a, b) => (b.limits > a.limits ? b : a));
  const ratio = largest.p99Ms / smallest.p99Ms;
  return [
    "## Limitry: recording events",
    "",
    `\`${command}\`. Each event counts towards two limits (its customer's, its team's) whatever the number of`,
    "limits; the others are limits it cannot match. The sizes are recorded to in alternating rounds of 500 events,",
    "so both see the same machine. Goal: p99 at the largest size ≤ 2× p99 at the smallest.",
    "",
    "p50 and p99 are the medians of each round's; pooled p99 is over all events at once.",
    "",
    "| limits | events | clients | events/s | p50 ms | p99 ms | pooled p99 ms | p99 first fifth | p99 last fifth |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...runs.map(
      (r) =>
        `| ${r.limits.toLocaleString("en-US")} | ${r.events} | ${r.clients} | ${r.eventsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.p99PooledMs.toFixed(2)} | ${r.p99FirstMs.toFixed(2)} | ${r.p99LastMs.toFixed(2)} |`,
    ),
    "",
    `p99 at ${largest.limits.toLocaleString("en-US")} limits / p99 at ${smallest.limits}: **${ratio.toFixed(2)}** (goal ≤ 2: ${ratio <= 2 ? "met" : "missed"}).`,
  ];
}

/**
 * The Limitry part of the bench: services with 10 and 10,000 limits, recorded to in alternating rounds so
 * that both see the same machine (whose speed drifts on a shared host); each figure over all rounds.
 */
export async function limitryRuns(small: boolean): Promise<LimitryRecordRun[]> {
  const clients = 8;
  const rounds = small ? 5 : 15;
  const perRound = 500;
  const prepared: Prepared[] = [];
  try {
    for (const limits of [10, 10_000]) prepared.push(await prepare(limits, clients));
    const results = prepared.map(() => ({ latencies: [] as number[][], ms: 0 }));
    for (let round = 0; round < rounds; round++) {
      for (const [i, p] of prepared.entries()) {
        const { latencies, ms } = await p.record(400 + round * perRound, perRound);
        const result = results[i];
        if (!result) continue;
        result.latencies.push(latencies);
        result.ms += ms;
      }
    }
    return prepared.map((p, i) => {
      const { latencies = [], ms = 0 } = results[i] ?? {};
      const all = latencies.flat();
      const fifth = Math.max(1, Math.floor(latencies.length / 5));
      const run: LimitryRecordRun = {
        limits: p.limits,
        events: all.length,
        clients,
        eventsPerSecond: all.length / (ms / 1000),
        p50Ms: median(latencies.map((round) => percentile(round, 50))),
        p99Ms: median(latencies.map((round) => percentile(round, 99))),
        p99PooledMs: percentile(all, 99),
        p99FirstMs: percentile(latencies.slice(0, fifth).flat(), 99),
        p99LastMs: percentile(latencies.slice(-fifth).flat(), 99),
      };
      console.log(
        `limitry record with ${run.limits} limits: ${run.eventsPerSecond.toFixed(0)} events/s, p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms`,
      );
      return run;
    });
  } finally {
    await Promise.all(prepared.map((p) => p.close()));
  }
}
