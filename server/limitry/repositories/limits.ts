import type { Limit, Period } from "../../../sdk/limitry/resources/limits.js";
import { z } from "zod";
import { DimensionsSchema, type Dimensions } from "../../../sdk/limitry/resources/shared.js";
import type { Db } from "../../db.js";
import { fromJson, newId } from "./json.js";
import type { PageQuery } from "./page.js";

/** A limit as stored. */
export interface LimitRow {
  seq: bigint;
  id: string;
  name: string;
  meter_id: string;
  limit_value: bigint;
  period: Period;
  customer_id: string | null;
  dimension_filters: string;
  alert_thresholds: string | null;
  created_at: string;
  updated_at: string;
}

/** A limit's definition, as created or after a partial update is merged in. */
export interface LimitDefinition {
  name: string;
  meterId: string;
  limitValue: number;
  period: Period;
  customerId: string | null;
  dimensionFilters: Dimensions;
  alertThresholds: number[] | null;
}

/** SQL for Limitry limits. */
export class LimitsRepository {
  readonly #byId;
  readonly #insert;
  readonly #update;
  readonly #delete;
  readonly #page;
  readonly #pageOfCustomer;
  readonly #forCustomer;
  readonly #projectWide;
  readonly #usingMeter;
  readonly #all;

  constructor(db: Db) {
    this.#byId = db.prepare<[string], LimitRow>("SELECT * FROM limitry_limits WHERE id = ?");
    this.#insert = db.prepare(`INSERT INTO limitry_limits
      (id, name, meter_id, limit_value, period, customer_id, dimension_filters, alert_thresholds, created_at, updated_at)
      VALUES (@id, @name, @meterId, @limitValue, @period, @customerId, @dimensionFilters, @alertThresholds, @now, @now)`);
    this.#update = db.prepare(`UPDATE limitry_limits SET name = @name, meter_id = @meterId, limit_value = @limitValue,
      period = @period, customer_id = @customerId, dimension_filters = @dimensionFilters,
      alert_thresholds = @alertThresholds, updated_at = @now WHERE id = @id`);
    this.#delete = db.prepare("DELETE FROM limitry_limits WHERE id = ?");
    this.#page = db.prepare<[bigint, number], LimitRow>("SELECT * FROM limitry_limits WHERE seq > ? ORDER BY seq LIMIT ?");
    this.#pageOfCustomer = db.prepare<[string, bigint, number], LimitRow>(
      "SELECT * FROM limitry_limits WHERE customer_id = ? AND seq > ? ORDER BY seq LIMIT ?",
    );
    this.#forCustomer = db.prepare<[string], LimitRow>(
      "SELECT * FROM limitry_limits WHERE customer_id = ? OR customer_id IS NULL ORDER BY seq",
    );
    this.#projectWide = db.prepare<[], LimitRow>("SELECT * FROM limitry_limits WHERE customer_id IS NULL ORDER BY seq");
    this.#usingMeter = db.prepare<[string], LimitRow>("SELECT * FROM limitry_limits WHERE meter_id = ? ORDER BY seq");
    this.#all = db.prepare<[], LimitRow>("SELECT * FROM limitry_limits ORDER BY seq");
  }

  find(id: string): LimitRow | undefined {
    return this.#byId.get(id);
  }

  insert(limit: LimitDefinition, now: string): LimitRow {
    const id = newId("lmt");
    this.#insert.run({ ...columns(limit), id, now });
    return this.#mustFind(id);
  }

  update(id: string, limit: LimitDefinition, now: string): LimitRow {
    this.#update.run({ ...columns(limit), id, now });
    return this.#mustFind(id);
  }

  delete(id: string): void {
    this.#delete.run(id);
  }

  /** `size + 1` rows after the keyset position; with `customerId`, only that customer's own limits. */
  page(query: PageQuery, customerId?: string): LimitRow[] {
    return customerId === undefined
      ? this.#page.all(query.afterSeq, query.size + 1)
      : this.#pageOfCustomer.all(customerId, query.afterSeq, query.size + 1);
  }

  /** The customer's own limits and the project-wide ones; with no customer, the project-wide ones only. */
  applicableTo(customerId: string | null): LimitRow[] {
    return customerId === null ? this.#projectWide.all() : this.#forCustomer.all(customerId);
  }

  /** Every limit, oldest first (for the in-memory index). */
  all(): LimitRow[] {
    return this.#all.all();
  }

  usingMeter(meterId: string): LimitRow[] {
    return this.#usingMeter.all(meterId);
  }

  #mustFind(id: string): LimitRow {
    const row = this.find(id);
    if (!row) throw new Error(`limit ${id} vanished`);
    return row;
  }
}

function columns(limit: LimitDefinition) {
  return {
    name: limit.name,
    meterId: limit.meterId,
    limitValue: limit.limitValue,
    period: limit.period,
    customerId: limit.customerId,
    dimensionFilters: JSON.stringify(limit.dimensionFilters),
    alertThresholds: limit.alertThresholds === null ? null : JSON.stringify(limit.alertThresholds),
  };
}

export function limitDefinitionOf(row: LimitRow): LimitDefinition {
  return {
    name: row.name,
    meterId: row.meter_id,
    limitValue: Number(row.limit_value),
    period: row.period,
    customerId: row.customer_id,
    dimensionFilters: fromJson(DimensionsSchema, row.dimension_filters) ?? {},
    alertThresholds: fromJson(z.array(z.number()), row.alert_thresholds),
  };
}

export function limitToWire(row: LimitRow): Limit {
  return { id: row.id, projectId: null, ...limitDefinitionOf(row), createdAt: row.created_at, updatedAt: row.updated_at };
}
