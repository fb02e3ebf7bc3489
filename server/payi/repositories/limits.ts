import { z } from "zod";
import { LimitTypeSchema, type Limit, type LimitType } from "../../../sdk/payi/resources/limits.js";
import type { LimitState, TotalCostData } from "../../../sdk/payi/resources/shared.js";
import type { Db } from "../../db.js";
import type { ServiceProfile } from "../../profile.js";
import { jsonColumn, rowDecoder } from "../../rows.js";
import { toUnits, toUsd } from "../../../rules/payi/money.js";
import type { ExistingLimit } from "../../../rules/payi/limit.js";
import { keysetPage, type KeysetQuery } from "./keyset.js";

const count = z.bigint();

/** A limit as stored, decoded: money in exact units, properties and tags as values. */
const LimitRowSchema = z.object({
  seq: z.bigint(),
  limit_id: z.string(),
  limit_name: z.string(),
  limit_type: LimitTypeSchema,
  max_units: z.bigint(),
  threshold_units: z.bigint().nullable(),
  /** max and threshold exactly as sent (null only in rows written before migration 020). */
  max_usd: z.number().nullable(),
  threshold_usd: z.number().nullable(),
  properties: jsonColumn(z.record(z.string(), z.string().nullable())),
  limit_tags: jsonColumn(z.array(z.string())),
  input_units: z.bigint(),
  output_units: z.bigint(),
  requests_ok: count,
  requests_blocked: count,
  requests_blocked_external: count,
  requests_exceeded: count,
  requests_failed: count,
  requests_overrun: count,
  created_at: z.string(),
  updated_at: z.string(),
});
export type LimitRow = z.infer<typeof LimitRowSchema>;
const rows = rowDecoder(LimitRowSchema);

export interface NewLimit {
  limit_id: string;
  limit_name: string;
  limit_type: LimitType;
  max: number;
  threshold: number | null;
  properties: Record<string, string | null>;
  limit_tags: string[];
}

export interface ListQuery extends KeysetQuery {
  limitName?: string | undefined;
}

const STATE_COLUMN: Record<LimitState, keyof LimitRow> = {
  ok: "requests_ok",
  blocked: "requests_blocked",
  blocked_external: "requests_blocked_external",
  exceeded: "requests_exceeded",
  failed: "requests_failed",
  overrun: "requests_overrun",
};

/** SQL for limits and their reset history. */
export class LimitsRepository {
  readonly #byId;
  readonly #byName;
  readonly #insert;
  readonly #rename;
  readonly #setMax;
  readonly #setProperties;
  readonly #setTags;
  readonly #delete;
  readonly #zero;
  readonly #history;
  readonly #spend: Record<LimitState, { run(...params: unknown[]): unknown }>;

  constructor(private readonly db: Db) {
    this.#byId = db.prepare("SELECT * FROM limits WHERE limit_id = ?");
    this.#byName = db.prepare("SELECT * FROM limits WHERE limit_name = ?");
    this.#insert = db.prepare(`INSERT INTO limits
      (limit_id, limit_name, limit_type, max_units, threshold_units, max_usd, threshold_usd, properties, limit_tags, created_at, updated_at)
      VALUES (@limit_id, @limit_name, @limit_type, @max_units, @threshold_units, @max_usd, @threshold_usd, @properties, @limit_tags, @now, @now)`);
    this.#rename = db.prepare("UPDATE limits SET limit_name = ?, updated_at = ? WHERE limit_id = ?");
    this.#setMax = db.prepare("UPDATE limits SET max_units = ?, max_usd = ?, updated_at = ? WHERE limit_id = ?");
    this.#setProperties = db.prepare("UPDATE limits SET properties = ?, updated_at = ? WHERE limit_id = ?");
    this.#setTags = db.prepare("UPDATE limits SET limit_tags = ?, updated_at = ? WHERE limit_id = ?");
    this.#delete = db.prepare("DELETE FROM limits WHERE limit_id = ?");
    this.#zero = db.prepare(`UPDATE limits SET input_units = 0, output_units = 0, requests_ok = 0, requests_blocked = 0,
      requests_blocked_external = 0, requests_exceeded = 0, requests_failed = 0, requests_overrun = 0, updated_at = ?
      WHERE limit_id = ?`);
    this.#history = db.prepare("INSERT INTO limit_history (limit_id, snapshot, reset_at) VALUES (?, ?, ?)");
    const spend = (column: string) =>
      db.prepare(`UPDATE limits SET input_units = input_units + ?, output_units = output_units + ?,
        ${column} = ${column} + 1 WHERE limit_id = ?`);
    this.#spend = {
      ok: spend(STATE_COLUMN.ok),
      blocked: spend(STATE_COLUMN.blocked),
      blocked_external: spend(STATE_COLUMN.blocked_external),
      exceeded: spend(STATE_COLUMN.exceeded),
      failed: spend(STATE_COLUMN.failed),
      overrun: spend(STATE_COLUMN.overrun),
    };
  }

  findById(limitId: string): LimitRow | undefined {
    return rows.one(this.#byId.get(limitId));
  }

  findByName(limitName: string): LimitRow | undefined {
    return rows.one(this.#byName.get(limitName));
  }

  insert(limit: NewLimit, now: string): LimitRow {
    this.#insert.run({
      limit_id: limit.limit_id,
      limit_name: limit.limit_name,
      limit_type: limit.limit_type,
      max_units: toUnits(limit.max),
      threshold_units: limit.threshold === null ? null : toUnits(limit.threshold),
      max_usd: limit.max,
      threshold_usd: limit.threshold,
      properties: JSON.stringify(limit.properties),
      limit_tags: JSON.stringify(limit.limit_tags),
      now,
    });
    return this.#mustFind(limit.limit_id);
  }

  list(query: ListQuery): LimitRow[] {
    return rows.all(keysetPage(this.db, "limits", query, { column: "limit_name", value: query.limitName }));
  }

  rename(limitId: string, limitName: string, now: string): void {
    this.#rename.run(limitName, now, limitId);
  }

  setMax(limitId: string, max: number, now: string): void {
    this.#setMax.run(toUnits(max), max, now, limitId);
  }

  setProperties(limitId: string, properties: Record<string, string | null>, now: string): LimitRow {
    this.#setProperties.run(JSON.stringify(properties), now, limitId);
    return this.#mustFind(limitId);
  }

  setTags(limitId: string, tags: string[], now: string): void {
    this.#setTags.run(JSON.stringify(tags), now, limitId);
  }

  delete(limitId: string): void {
    this.#delete.run(limitId);
  }

  /** Adds one request's cost to a limit and counts it under the state it left the limit in. */
  addSpend(limitId: string, inputUnits: bigint, outputUnits: bigint, state: LimitState): void {
    this.#spend[state].run(inputUnits, outputUnits, limitId);
  }

  /** Zeroes a limit's totals, keeping a snapshot of them in the history. */
  reset(row: LimitRow, now: string): void {
    this.#history.run(row.limit_id, JSON.stringify(toWire(row)), now);
    this.#zero.run(now, row.limit_id);
  }

  #mustFind(limitId: string): LimitRow {
    const row = this.findById(limitId);
    if (!row) throw new Error(`limit ${limitId} vanished inside its own transaction`);
    return row;
  }
}

/** The settings of a stored limit in USD, as the create rule compares them. */
export function settingsOf(row: LimitRow): ExistingLimit {
  return {
    limit_id: row.limit_id,
    limit_name: row.limit_name,
    limit_type: row.limit_type,
    max: row.max_usd ?? toUsd(row.max_units),
    threshold: row.threshold_usd ?? (row.threshold_units === null ? null : toUsd(row.threshold_units)),
  };
}

/** Total spend of a stored limit, in units. */
export function spendUnits(row: LimitRow): bigint {
  return row.input_units + row.output_units;
}

/** The stored limit as the API answers it under `profile` (the strict one leaves out what `Limit` does not model). */
export function presentLimit(row: LimitRow, profile: ServiceProfile): Limit {
  const { properties, limit_tags, ...modelled } = toWire(row);
  const threshold = modelled.threshold ?? profile.unsetThreshold;
  return profile.echoesLimitProperties ? { ...modelled, threshold, properties, limit_tags } : { ...modelled, threshold };
}

/** The stored limit with everything this service keeps of it (what the default profile answers). */
function toWire(row: LimitRow): Limit {
  return {
    ...settingsOf(row),
    properties: row.properties,
    limit_tags: row.limit_tags,
    totals: totals(row),
    limit_creation_timestamp: row.created_at,
    limit_update_timestamp: row.updated_at,
  };
}

function totals(row: LimitRow): TotalCostData {
  const spend = spendUnits(row);
  const overrun = spend - row.max_units;
  const count = (column: keyof LimitRow) => Number(row[column]);
  const requests = {
    ok: count("requests_ok"),
    blocked: count("requests_blocked"),
    blocked_external: count("requests_blocked_external"),
    exceeded: count("requests_exceeded"),
    failed: count("requests_failed"),
    overrun: count("requests_overrun"),
  };
  return {
    cost: {
      input: { base: toUsd(row.input_units) },
      output: { base: toUsd(row.output_units) },
      total: { base: toUsd(spend), overrun_base: overrun > 0n ? toUsd(overrun) : 0 },
    },
    requests: { ...requests, total: Object.values(requests).reduce((a, b) => a + b, 0) },
  };
}

/** A server-chosen limit id in the profile's format that no limit holds yet. */
export function newLimitId(limits: LimitsRepository, profile: ServiceProfile): string {
  for (;;) {
    const id = profile.newLimitId();
    if (!limits.findById(id)) return id;
  }
}
