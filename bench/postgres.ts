/**
 * The state-backend row of `make bench`: `up` of N Limits with Pulumi's PostgreSQL backend vs the file
 * backend, with and without per-step checkpoints, so the choice about checkpoints is made on both. The
 * server is a private cluster started the way the tests start theirs, with PostgreSQL's default durability.
 */
import { startPostgres, type PostgresCluster } from "../test/support/postgres.js";
import { type Backend, type BenchService, type EngineRun, engineRun } from "./engine.js";
import type { PackedProgram } from "./packed-program.js";

/** A fresh database per run on `cluster`; the cluster's removal takes them all. */
function postgresBackend(cluster: PostgresCluster): Backend {
  let runs = 0;
  return {
    name: "postgres",
    async create() {
      const database = `bench_${++runs}`;
      await cluster.query(`CREATE DATABASE ${database}`);
      return { url: cluster.url.replace("/pulumi?", `/${database}?`), dispose: async () => undefined };
    },
  };
}

/** The PostgreSQL runs: Limits x `n`, with and without checkpoints (preview with the latter, as the file runs). */
export async function postgresRuns(
  program: PackedProgram,
  n: number,
  service: BenchService,
): Promise<{ runs: EngineRun[]; server: string }> {
  const cluster = await startPostgres({ durable: true });
  try {
    const backend = postgresBackend(cluster);
    const runs: EngineRun[] = [];
    for (const checkpoints of [false, true])
      runs.push(await engineRun(program, "limit", n, service, { checkpoints, preview: !checkpoints, backend }));
    const [version] = await cluster.query("SHOW server_version");
    return { runs, server: `PostgreSQL ${version?.split(" ")[0] ?? "?"}` };
  } finally {
    await cluster.stop();
  }
}

const ms = (n: number) => `${Math.round(n)} ms`;

/** The report section: each operation on both backends and their ratio, plus the per-step checkpoint cost. */
export function postgresSection(n: number, all: EngineRun[], pg: { runs: EngineRun[]; server: string }): string[] {
  const pick = (runs: EngineRun[], backend: string, checkpoints: boolean) =>
    runs.find((r) => r.kind === "limit" && r.n === n && r.backend === backend && r.checkpoints === checkpoints);
  const [fileWith, fileOnce] = [pick(all, "file", true), pick(all, "file", false)];
  const [pgWith, pgOnce] = [pick(pg.runs, "postgres", true), pick(pg.runs, "postgres", false)];
  if (!fileWith || !fileOnce || !pgWith || !pgOnce) return [];
  const row = (label: string, file: number, postgres: number) =>
    `| ${label} | ${ms(file)} | ${ms(postgres)} | ${(postgres / file).toFixed(2)} |`;
  const perStep = (withCheckpoints: EngineRun, once: EngineRun) => (withCheckpoints.upMs - once.upMs) / n;
  const fileStep = perStep(fileWith, fileOnce);
  const pgStep = perStep(pgWith, pgOnce);
  return [
    `## State backend: PostgreSQL vs file (N = ${n} Limits)`,
    "",
    `The same program on Pulumi's \`postgres://\` backend: a ${pg.server} server on 127.0.0.1 started by the bench (as the`,
    "tests start theirs; fsync and synchronous commit on), one fresh database per run. The DIY backend writes the whole",
    "state after every step unless checkpoints are skipped; on PostgreSQL each write is one `INSERT … ON CONFLICT DO UPDATE`",
    "of the state, base64-encoded in a JSON column, so its cost grows with the state as the file's does. A managed database",
    "adds a network round trip to each write.",
    "",
    "| op | file | PostgreSQL | PostgreSQL / file |",
    "| --- | ---: | ---: | ---: |",
    row("up, state written after every step (engine default)", fileWith.upMs, pgWith.upMs),
    row("up, state written once (`PULUMI_SKIP_CHECKPOINTS`; the CLI's default)", fileOnce.upMs, pgOnce.upMs),
    `| checkpoint cost per step: (every step − once) / N | ${fileStep.toFixed(1)} ms | ${pgStep.toFixed(1)} ms | ${fileStep > 0 ? (pgStep / fileStep).toFixed(2) : "-"} |`,
    row("preview (no changes)", fileOnce.previewMs, pgOnce.previewMs),
    row("refresh", fileOnce.refreshMs, pgOnce.refreshMs),
    row("destroy, state written once", fileOnce.destroyMs, pgOnce.destroyMs),
    ...(n < 100
      ? ["", `At N = ${n} the per-step differences are within run-to-run noise; the figures that decide are at N = 1,000.`]
      : []),
  ];
}
