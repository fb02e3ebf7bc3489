import { z } from "zod";
import type { Db } from "../../db.js";
import { rowDecoder } from "../../rows.js";
import { keysetPage, type KeysetQuery } from "./keyset.js";

/** The kinds of score a KPI takes, as Pay-i's client types them. */
export const KpiTypeSchema = z.enum(["boolean", "number", "percentage", "likert5", "likert7", "likert10"]);
export type KpiType = z.infer<typeof KpiTypeSchema>;

const KpiRowSchema = z.object({
  seq: z.bigint(),
  use_case_name: z.string(),
  name: z.string(),
  description: z.string(),
  goal: z.number(),
  kpi_type: KpiTypeSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type KpiRow = z.infer<typeof KpiRowSchema>;
const kpiRows = rowDecoder(KpiRowSchema);

const ScoreRowSchema = z.object({
  seq: z.bigint(),
  use_case_name: z.string(),
  use_case_id: z.string(),
  kpi_name: z.string(),
  score: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ScoreRow = z.infer<typeof ScoreRowSchema>;
const scoreRows = rowDecoder(ScoreRowSchema);

/** SQL for the KPIs of use-case definitions and the scores their instances get. */
export class KpisRepository {
  constructor(private readonly db: Db) {}

  find(useCaseName: string, name: string): KpiRow | undefined {
    return kpiRows.one(
      this.db.prepare("SELECT * FROM use_case_kpis WHERE use_case_name = ? AND name = ?").get(useCaseName, name),
    );
  }

  insert(
    kpi: { use_case_name: string; name: string; description: string; goal: number; kpi_type: KpiType },
    now: string,
  ): KpiRow {
    this.db
      .prepare(
        "INSERT INTO use_case_kpis (use_case_name, name, description, goal, kpi_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(kpi.use_case_name, kpi.name, kpi.description, kpi.goal, kpi.kpi_type, now, now);
    return this.#mustFind(kpi.use_case_name, kpi.name);
  }

  update(useCaseName: string, name: string, changes: { description?: string; goal?: number }, now: string): KpiRow {
    if (changes.description !== undefined) {
      this.db
        .prepare("UPDATE use_case_kpis SET description = ?, updated_at = ? WHERE use_case_name = ? AND name = ?")
        .run(changes.description, now, useCaseName, name);
    }
    if (changes.goal !== undefined) {
      this.db
        .prepare("UPDATE use_case_kpis SET goal = ?, updated_at = ? WHERE use_case_name = ? AND name = ?")
        .run(changes.goal, now, useCaseName, name);
    }
    return this.#mustFind(useCaseName, name);
  }

  delete(useCaseName: string, name: string): void {
    this.db.prepare("DELETE FROM use_case_kpi_scores WHERE use_case_name = ? AND kpi_name = ?").run(useCaseName, name);
    this.db.prepare("DELETE FROM use_case_kpis WHERE use_case_name = ? AND name = ?").run(useCaseName, name);
  }

  /** Everything scored against a use case goes with its definition. */
  deleteAllOf(useCaseName: string): void {
    this.db.prepare("DELETE FROM use_case_kpi_scores WHERE use_case_name = ?").run(useCaseName);
    this.db.prepare("DELETE FROM use_case_kpis WHERE use_case_name = ?").run(useCaseName);
  }

  list(useCaseName: string, q: KeysetQuery & { kpiName?: string | undefined }): KpiRow[] {
    return kpiRows.all(
      keysetPage(this.db, "use_case_kpis", q, [
        { column: "use_case_name", value: useCaseName },
        { column: "name", value: q.kpiName },
      ]),
    );
  }

  setScore(s: { use_case_name: string; use_case_id: string; kpi_name: string; score: number | null }, now: string): void {
    this.db
      .prepare(`INSERT INTO use_case_kpi_scores (use_case_name, use_case_id, kpi_name, score, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (use_case_name, use_case_id, kpi_name) DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at`)
      .run(s.use_case_name, s.use_case_id, s.kpi_name, s.score, now, now);
  }

  scores(useCaseName: string, useCaseId: string, q: KeysetQuery & { kpiName?: string | undefined }): ScoreRow[] {
    return scoreRows.all(
      keysetPage(this.db, "use_case_kpi_scores", q, [
        { column: "use_case_name", value: useCaseName },
        { column: "use_case_id", value: useCaseId },
        { column: "kpi_name", value: q.kpiName },
      ]),
    );
  }

  deleteScoresOf(useCaseName: string, useCaseId: string): void {
    this.db.prepare("DELETE FROM use_case_kpi_scores WHERE use_case_name = ? AND use_case_id = ?").run(useCaseName, useCaseId);
  }

  #mustFind(useCaseName: string, name: string): KpiRow {
    const row = this.find(useCaseName, name);
    if (!row) throw new Error(`KPI ${useCaseName}/${name} vanished inside its own transaction`);
    return row;
  }
}
