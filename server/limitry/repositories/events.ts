import type { Aggregation, EventFilter } from "../../../sdk/limitry/resources/meters.js";
import type { Dimensions } from "../../../sdk/limitry/resources/shared.js";
import type { Db } from "../../db.js";
import { newId } from "./json.js";

/** An event ready to store: validated, its customer known, its time resolved. */
export interface NewEvent {
  customerId: string;
  eventType: string;
  timestampMs: number;
  values: Record<string, number>;
  dimensions: Dimensions;
  properties: Record<string, unknown>;
}

/** What a meter counts, narrowed to one customer, a time range and extra dimension filters. */
export interface UsageQuery {
  aggregation: Aggregation;
  /** `values.<key>` or `*`. */
  field: string;
  eventFilter: EventFilter | null;
  /** Null: every customer. */
  customerId: string | null;
  /** Further dimensions every counted event must carry (a limit's filters, a query's dimensions). */
  dimensions: Dimensions;
  /** `[fromMs, toMs)`; null ends are open. */
  fromMs: number | null;
  toMs: number | null;
}

/** SQL for recorded events and the meter aggregations over them. */
export class EventsRepository {
  readonly #insert;

  constructor(private readonly db: Db) {
    this.#insert = db.prepare(`INSERT INTO limitry_events
      (id, customer_id, event_type, ts_ms, event_values, dimensions, properties, created_at)
      VALUES (@id, @customerId, @eventType, @timestampMs, @values, @dimensions, @properties, @now)`);
  }

  insert(event: NewEvent, now: string): string {
    const id = newId("evt");
    this.#insert.run({
      id,
      customerId: event.customerId,
      eventType: event.eventType,
      timestampMs: event.timestampMs,
      values: JSON.stringify(event.values),
      dimensions: JSON.stringify(event.dimensions),
      properties: JSON.stringify(event.properties),
      now,
    });
    return id;
  }

  /**
   * The meter's value over matching events: `sum`, `max` and `latest` read `values.<key>` and skip events
   * without it; `count` counts events (with a `values.<key>` field, only those that carry it). No event: 0.
   */
  usage(q: UsageQuery): number {
    const { clause, params, valuePath } = this.#where(q);
    const value = "json_extract(event_values, ?)";
    let sql: string;
    switch (q.aggregation) {
      case "count":
        sql = `SELECT COUNT(*) FROM limitry_events ${clause}`;
        break;
      case "sum":
        sql = `SELECT TOTAL(${value}) FROM limitry_events ${clause}`;
        break;
      case "max":
        sql = `SELECT MAX(${value}) FROM limitry_events ${clause}`;
        break;
      case "latest":
        sql = `SELECT ${value} FROM limitry_events ${clause} ORDER BY ts_ms DESC, seq DESC LIMIT 1`;
        break;
    }
    const selectParams = q.aggregation === "count" || valuePath === null ? [] : [valuePath];
    const result: unknown = this.db
      .prepare(sql)
      .pluck()
      .get(...selectParams, ...params);
    return toNumber(result);
  }

  /** The `timestamp` (Unix ms) of the event a `latest` meter reads (the latest matching one), or null. */
  latestTs(q: UsageQuery): number | null {
    const { clause, params } = this.#where(q);
    const result: unknown = this.db
      .prepare(`SELECT ts_ms FROM limitry_events ${clause} ORDER BY ts_ms DESC, seq DESC LIMIT 1`)
      .pluck()
      .get(...params);
    return result === undefined || result === null ? null : toNumber(result);
  }

  #where(q: UsageQuery): { clause: string; params: Array<string | number>; valuePath: string | null } {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (q.customerId !== null) {
      where.push("customer_id = ?");
      params.push(q.customerId);
    }
    if (q.fromMs !== null) {
      where.push("ts_ms >= ?");
      params.push(q.fromMs);
    }
    if (q.toMs !== null) {
      where.push("ts_ms < ?");
      params.push(q.toMs);
    }
    if (q.eventFilter?.eventType != null) {
      where.push("event_type = ?");
      params.push(q.eventFilter.eventType);
    }
    // The meter's own filter and the narrowing (a limit's filters, a query's dimensions) must both hold: one
    // never replaces the other, so the same key with two values matches nothing. Keys are validated (letters,
    // digits, _) before they reach here, and quoted in the JSON path besides.
    for (const [key, value] of [...Object.entries(q.eventFilter?.dimensions ?? {}), ...Object.entries(q.dimensions)]) {
      where.push("json_extract(dimensions, ?) = ?");
      params.push(`$."${key}"`, value);
    }
    const valuePath = q.field === "*" ? null : `$."${q.field.slice("values.".length)}"`;
    if (valuePath !== null) {
      where.push("json_type(event_values, ?) IN ('integer', 'real')");
      params.push(valuePath);
    }
    return { clause: where.length ? `WHERE ${where.join(" AND ")}` : "", params, valuePath };
  }
}

/** A number for the wire: never NaN or ±Infinity (JSON would carry them as null). */
function toNumber(value: unknown): number {
  const n = typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : 0;
  if (Number.isNaN(n)) return 0;
  return Math.min(Math.max(n, -Number.MAX_VALUE), Number.MAX_VALUE);
}
