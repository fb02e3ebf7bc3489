import { EventFilterSchema, type Aggregation, type EventFilter, type Meter } from "../../../sdk/limitry/resources/meters.js";
import type { Db } from "../../db.js";
import { fromJson, newId } from "./json.js";
import type { PageQuery } from "./page.js";

/** A meter as stored. */
export interface MeterRow {
  seq: bigint;
  id: string;
  name: string;
  description: string | null;
  aggregation: Aggregation;
  field: string;
  event_filter: string | null;
  created_at: string;
  updated_at: string;
}

/** A meter's definition, as created or after a partial update is merged in. */
export interface MeterDefinition {
  name: string;
  description: string | null;
  aggregation: Aggregation;
  field: string;
  eventFilter: EventFilter | null;
}

/** SQL for Limitry meters. */
export class MetersRepository {
  readonly #byId;
  readonly #insert;
  readonly #update;
  readonly #delete;
  readonly #page;
  readonly #all;

  constructor(db: Db) {
    this.#byId = db.prepare<[string], MeterRow>("SELECT * FROM limitry_meters WHERE id = ?");
    this.#insert =
      db.prepare(`INSERT INTO limitry_meters (id, name, description, aggregation, field, event_filter, created_at, updated_at)
      VALUES (@id, @name, @description, @aggregation, @field, @eventFilter, @now, @now)`);
    this.#update = db.prepare(`UPDATE limitry_meters SET name = @name, description = @description, aggregation = @aggregation,
      field = @field, event_filter = @eventFilter, updated_at = @now WHERE id = @id`);
    this.#delete = db.prepare("DELETE FROM limitry_meters WHERE id = ?");
    this.#page = db.prepare<[bigint, number], MeterRow>("SELECT * FROM limitry_meters WHERE seq > ? ORDER BY seq LIMIT ?");
    this.#all = db.prepare<[], MeterRow>("SELECT * FROM limitry_meters ORDER BY seq");
  }

  find(id: string): MeterRow | undefined {
    return this.#byId.get(id);
  }

  insert(meter: MeterDefinition, now: string): MeterRow {
    const id = newId("mtr");
    this.#insert.run({ ...columns(meter), id, now });
    return this.#mustFind(id);
  }

  update(id: string, meter: MeterDefinition, now: string): MeterRow {
    this.#update.run({ ...columns(meter), id, now });
    return this.#mustFind(id);
  }

  delete(id: string): void {
    this.#delete.run(id);
  }

  /** `size + 1` rows after the keyset position (the extra one tells that more exist). */
  page(query: PageQuery): MeterRow[] {
    return this.#page.all(query.afterSeq, query.size + 1);
  }

  /** Every meter (for the in-memory limit index). */
  all(): MeterRow[] {
    return this.#all.all();
  }

  #mustFind(id: string): MeterRow {
    const row = this.find(id);
    if (!row) throw new Error(`meter ${id} vanished`);
    return row;
  }
}

function columns(meter: MeterDefinition) {
  return {
    name: meter.name,
    description: meter.description,
    aggregation: meter.aggregation,
    field: meter.field,
    eventFilter: meter.eventFilter === null ? null : JSON.stringify(meter.eventFilter),
  };
}

export function definitionOf(row: MeterRow): MeterDefinition {
  return {
    name: row.name,
    description: row.description,
    aggregation: row.aggregation,
    field: row.field,
    eventFilter: fromJson(EventFilterSchema, row.event_filter),
  };
}

export function meterToWire(row: MeterRow): Meter {
  return { id: row.id, projectId: null, ...definitionOf(row), createdAt: row.created_at, updatedAt: row.updated_at };
}
