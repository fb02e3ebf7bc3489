import os from "node:os";
import type { EngineRun } from "./engine.js";
import type { IngestThroughput, SdkVsRaw } from "./http.js";

interface Results {
  sizes: number[];
  sdk: SdkVsRaw;
  ingest: IngestThroughput[];
  runs: EngineRun[];
  /** `up` at the largest N with PULUMI_SKIP_CHECKPOINTS=true, floor and Limit. */
  noCheckpoints: EngineRun[];
  command: string;
}

const verdict = (met: boolean) => (met ? "met" : "**missed**");
const ms = (n: number) => `${Math.round(n)} ms`;

/** BENCHMARKS.md: each figure with its goal and whether it is met. */
export function report(r: Results): string {
  const lines: string[] = [
    "# Benchmarks",
    "",
    `Command: \`${r.command}\` · machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} · ${new Date().toISOString().slice(0, 10)}`,
    "",
    "Every figure is a ratio of two things measured side by side in the same run; absolute times are shown for context only.",
    "",
    "## Pulumi engine: Limit vs the engine floor",
    "",
    "The floor is the same N dynamic resources with a provider that does no I/O. The HTTP floor is N × the mean raw request time measured below.",
    "",
    "| N | op | floor | Limit | ratio | goal | |",
    "| ---: | --- | ---: | ---: | ---: | --- | --- |",
  ];
  const at = (kind: string, n: number) => r.runs.find((x) => x.kind === kind && x.n === n);
  for (const n of r.sizes) {
    const floor = at("floor", n);
    const limit = at("limit", n);
    if (!floor || !limit) continue;
    const http = n * r.sdk.rawPerRequestMs;
    const previewRatio = limit.previewMs / floor.previewMs;
    const upRatio = limit.upMs / (floor.upMs + http);
    const refreshRatio = limit.refreshMs / (floor.refreshMs + http);
    const goals = n >= 1000;
    lines.push(
      `| ${n} | preview (no changes) | ${ms(floor.previewMs)} | ${ms(limit.previewMs)} | ${previewRatio.toFixed(2)} | ≤ 1.25 | ${goals ? verdict(previewRatio <= 1.25) : "-"} |`,
      `| ${n} | up (create) | ${ms(floor.upMs)} + ${ms(http)} HTTP | ${ms(limit.upMs)} | ${upRatio.toFixed(2)} | ≤ 1.5 | ${goals ? verdict(upRatio <= 1.5) : "-"} |`,
      `| ${n} | refresh | ${ms(floor.refreshMs)} + ${ms(http)} HTTP | ${ms(limit.refreshMs)} | ${refreshRatio.toFixed(2)} | ≤ 1.5 | ${goals ? verdict(refreshRatio <= 1.5) : "-"} |`,
    );
  }
  lines.push("", "Goals apply at N = 1,000.", "", "## State size", "", "| N | state bytes per Limit | `__provider` bytes per resource | goal | |", "| ---: | ---: | ---: | --- | --- |");
  for (const n of r.sizes) {
    const limit = at("limit", n);
    if (limit) lines.push(`| ${n} | ${Math.round(limit.stateBytesPerResource)} | ${limit.providerBytes} | ≤ 2,048 | ${verdict(limit.providerBytes <= 2048)} |`);
  }
  const sample = r.runs.find((x) => x.kind === "limit");
  if (sample && sample.providerBytes > 2048) {
    lines.push(
      "",
      `Why \`__provider\` misses 2 KB: it is the stub in \`provider/stub.ts\` (${sample.providerFunctions} functions: the loader, the handler and one`,
      "per provider method, since the dynamic-provider host calls configure, check, diff, create, read, update and delete",
      "by name). Pulumi's closure serializer wraps every function in its own `with (...)` scope of about 190 bytes, so the",
      `wrappers are ~${sample.providerFunctions * 190} of the ${sample.providerBytes} bytes; the stub's own code is the rest. It requires the package at call`,
      "time, so no SDK code and no credential is inlined. Getting under 2 KB would need a provider without the serialized",
      "stub: a real provider plugin (`pulumi-resource-payi`) instead of a dynamic provider.",
    );
  }
  if (r.sizes.length >= 2) {
    const [a, b] = [Math.min(...r.sizes), Math.max(...r.sizes)];
    const growth = (kind: string, op: keyof Pick<EngineRun, "upMs" | "previewMs" | "refreshMs">) => {
      const x = at(kind, a)?.[op] ?? 0;
      const y = at(kind, b)?.[op] ?? 0;
      return y / x;
    };
    lines.push("", `## Growth from N = ${a} to ${b} (×${b / a} resources)`, "", "| op | floor | Limit | Limit / floor growth | |", "| --- | ---: | ---: | ---: | --- |");
    for (const op of ["upMs", "previewMs", "refreshMs"] as const) {
      const f = growth("floor", op);
      const l = growth("limit", op);
      lines.push(`| ${op.replace("Ms", "")} | ×${f.toFixed(1)} | ×${l.toFixed(1)} | ${(l / f).toFixed(2)} | ${verdict(l / f <= 1.5)} (no hidden O(N²) beyond the engine's own) |`);
    }
  }
  const bare = (kind: string) => r.noCheckpoints.find((x) => x.kind === kind);
  const floorBare = bare("floor");
  const limitBare = bare("limit");
  if (floorBare && limitBare) {
    const n = floorBare.n;
    const floor = at("floor", n);
    const limit = at("limit", n);
    lines.push(
      "",
      `## What \`up\` spends its time on (N = ${n})`,
      "",
      "The file backend rewrites the whole state after every step, so `up` writes O(N²) bytes in total, and a Limit's",
      "state (its serialized provider sits in both inputs and outputs) is larger than the floor's. The same `up` with",
      "`PULUMI_SKIP_CHECKPOINTS=true` (state written once, at the end) isolates that cost:",
      "",
      "| | floor | Limit | Limit / (floor + HTTP) |",
      "| --- | ---: | ---: | ---: |",
      `| with per-step checkpoints (default) | ${ms(floor?.upMs ?? 0)} | ${ms(limit?.upMs ?? 0)} | ${((limit?.upMs ?? 0) / ((floor?.upMs ?? 0) + n * r.sdk.rawPerRequestMs)).toFixed(2)} |`,
      `| without (\`PULUMI_SKIP_CHECKPOINTS=true\`) | ${ms(floorBare.upMs)} | ${ms(limitBare.upMs)} | ${(limitBare.upMs / (floorBare.upMs + n * r.sdk.rawPerRequestMs)).toFixed(2)} |`,
      "",
      "Skipping checkpoints is the engine's own switch and trades crash safety for speed; pulumi-limits does not turn it",
      "on. A crashed `up` without checkpoints loses that run's state, and the deterministic limit ids then make the next",
      "`up` adopt what the crashed run created instead of duplicating it.",
    );
  }
  lines.push(
    "",
    "## SDK vs raw undici",
    "",
    `${r.sdk.n} sequential \`limits.retrieve\` against the local service, alternating rounds of 500: SDK ${ms(r.sdk.sdkMs)}, raw ${ms(r.sdk.rawMs)}.`,
    "",
    `| SDK / raw | goal | |`,
    `| ---: | --- | --- |`,
    `| ${r.sdk.ratio.toFixed(3)} | ≤ 1.15 | ${verdict(r.sdk.ratio <= 1.15)} |`,
    "",
    "## Local service ingest throughput",
    "",
    "| keep-alive clients | events | events/s | p50 | p99 | totals = sum of returned costs | goal | |",
    "| ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
  );
  for (const i of r.ingest) {
    lines.push(
      `| ${i.clients} | ${i.events} | ${Math.round(i.eventsPerSecond)} | ${i.p50Ms.toFixed(2)} ms | ${i.p99Ms.toFixed(2)} ms | ${i.totalsMatch ? "yes" : "**no**"} | ≥ 3,000 events/s | ${verdict(i.eventsPerSecond >= 3000 && i.totalsMatch)} |`,
    );
  }
  const single = r.ingest.find((i) => i.clients === 1);
  lines.push("", "The client and the service share the machine's 2 cores: the load generator's own cost is inside these figures.");
  if (single && single.eventsPerSecond < 3000) {
    lines.push(
      "",
      `One client sends one event at a time, so it measures latency, not capacity: at a p50 of ${single.p50Ms.toFixed(2)} ms per round trip`,
      "(client, HTTP and service together) a single connection cannot reach 3,000 events/s; the 8-client row is the",
      "service's throughput. Each event is its own SQLite transaction (WAL, synchronous=NORMAL) so none is lost under concurrency.",
    );
  }
  lines.push("");
  return lines.join("\n");
}
