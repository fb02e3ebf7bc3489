import { z } from "zod";
import {
  LimitConfigSchema,
  type LimitConfig,
  type UseCaseDefinition,
  type UseCaseInstance,
} from "../../../sdk/payi/resources/use-cases.js";
import type { Db } from "../../db.js";
import type { ServiceProfile } from "../../profile.js";
import { booleanColumn, jsonColumn, rowDecoder } from "../../rows.js";
import { keysetPage, type KeysetQuery } from "./keyset.js";

/** A use-case definition as stored, decoded. */
const DefinitionRowSchema = z.object({
  seq: z.bigint(),
  name: z.string(),
  description: z.string(),
  logging_enabled: booleanColumn,
  type_version: z.bigint(),
  limit_config: jsonColumn(LimitConfigSchema).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DefinitionRow = z.infer<typeof DefinitionRowSchema>;
const definitions = rowDecoder(DefinitionRowSchema);

/** A use-case instance as stored. */
const InstanceRowSchema = z.object({
  seq: z.bigint(),
  use_case_id: z.string(),
  use_case_name: z.string(),
  limit_id: z.string().nullable(),
  type_version: z.bigint(),
  created_at: z.string(),
  properties: jsonColumn(z.record(z.string(), z.string().nullable())),
});
export type InstanceRow = z.infer<typeof InstanceRowSchema>;
const instances = rowDecoder(InstanceRowSchema);

/** SQL for use-case definitions and their instances. */
export class UseCasesRepository {
  readonly #findDefinition;
  readonly #findInstance;

  constructor(private readonly db: Db) {
    this.#findDefinition = db.prepare("SELECT * FROM use_case_definitions WHERE name = ?");
    this.#findInstance = db.prepare("SELECT * FROM use_case_instances WHERE use_case_name = ? AND use_case_id = ?");
  }

  // The two lookups ingest makes per event are prepared once; the rest run rarely.
  findDefinition(name: string): DefinitionRow | undefined {
    return definitions.one(this.#findDefinition.get(name));
  }

  insertDefinition(
    def: { name: string; description: string; logging_enabled: boolean | null; limit_config: LimitConfig | null },
    now: string,
  ): DefinitionRow {
    this.db
      .prepare(`INSERT INTO use_case_definitions (name, description, logging_enabled, limit_config, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)`)
      .run(def.name, def.description, boolOrNull(def.logging_enabled), jsonOrNull(def.limit_config), now, now);
    return this.#mustFindDefinition(def.name);
  }

  updateDefinition(name: string, changes: { description?: string; logging_enabled?: boolean }, now: string): DefinitionRow {
    if (changes.description !== undefined) {
      this.db
        .prepare("UPDATE use_case_definitions SET description = ?, updated_at = ? WHERE name = ?")
        .run(changes.description, now, name);
    }
    if (changes.logging_enabled !== undefined) {
      this.db
        .prepare("UPDATE use_case_definitions SET logging_enabled = ?, updated_at = ? WHERE name = ?")
        .run(boolOrNull(changes.logging_enabled), now, name);
    }
    return this.#mustFindDefinition(name);
  }

  setLimitConfig(name: string, config: LimitConfig | null, now: string): DefinitionRow {
    this.db
      .prepare("UPDATE use_case_definitions SET limit_config = ?, updated_at = ? WHERE name = ?")
      .run(jsonOrNull(config), now, name);
    return this.#mustFindDefinition(name);
  }

  incrementVersion(name: string, now: string): DefinitionRow {
    this.db
      .prepare("UPDATE use_case_definitions SET type_version = type_version + 1, updated_at = ? WHERE name = ?")
      .run(now, name);
    return this.#mustFindDefinition(name);
  }

  listDefinitions(q: KeysetQuery & { name?: string | undefined }): DefinitionRow[] {
    return definitions.all(keysetPage(this.db, "use_case_definitions", q, { column: "name", value: q.name }));
  }

  deleteDefinition(name: string): void {
    this.db.prepare("DELETE FROM use_case_instances WHERE use_case_name = ?").run(name);
    this.db.prepare("DELETE FROM use_case_definitions WHERE name = ?").run(name);
  }

  findInstance(name: string, useCaseId: string): InstanceRow | undefined {
    return instances.one(this.#findInstance.get(name, useCaseId));
  }

  insertInstance(
    inst: { use_case_id: string; use_case_name: string; limit_id: string | null; type_version: bigint },
    now: string,
  ): InstanceRow {
    this.db
      .prepare(
        "INSERT INTO use_case_instances (use_case_id, use_case_name, limit_id, type_version, created_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run(inst.use_case_id, inst.use_case_name, inst.limit_id, inst.type_version, now);
    const row = this.findInstance(inst.use_case_name, inst.use_case_id);
    if (!row) throw new Error("use-case instance vanished inside its own transaction");
    return row;
  }

  setInstanceProperties(name: string, useCaseId: string, properties: Record<string, string | null>): void {
    this.db
      .prepare("UPDATE use_case_instances SET properties = ? WHERE use_case_name = ? AND use_case_id = ?")
      .run(JSON.stringify(properties), name, useCaseId);
  }

  deleteInstance(name: string, useCaseId: string): void {
    this.db.prepare("DELETE FROM use_case_instances WHERE use_case_name = ? AND use_case_id = ?").run(name, useCaseId);
  }

  #mustFindDefinition(name: string): DefinitionRow {
    const row = this.findDefinition(name);
    if (!row) throw new Error(`use case ${name} vanished inside its own transaction`);
    return row;
  }
}

/** A definition as the API answers it; its limit config's unset threshold reads as the profile says. */
export function presentDefinition(row: DefinitionRow, requestId: string, profile: ServiceProfile): UseCaseDefinition {
  const config = row.limit_config;
  return {
    name: row.name,
    description: row.description,
    request_id: requestId,
    limit_config: config && { ...config, threshold: config.threshold ?? profile.unsetThreshold },
    logging_enabled: row.logging_enabled,
    type_version: Number(row.type_version),
    created_timestamp: row.created_at,
    updated_timestamp: row.updated_at,
  };
}

export function instanceToWire(row: InstanceRow): UseCaseInstance {
  return {
    use_case_id: row.use_case_id,
    use_case_name: row.use_case_name,
    limit_id: row.limit_id,
    type_version: Number(row.type_version),
  };
}

function boolOrNull(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
