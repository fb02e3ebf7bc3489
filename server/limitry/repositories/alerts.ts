import { AlertSchema, type Alert } from "../../../sdk/limitry/resources/alerts.js";
import type { Db } from "../../db.js";
import { fromJson, newId } from "./json.js";
import type { PageQuery } from "./page.js";

export interface AlertRow {
  seq: bigint;
  id: string;
  payload: string;
}

/** An alert before it has an id. */
export interface NewAlert {
  event: Alert["event"];
  timestamp: string;
  data: Alert["data"];
}

export interface AlertFilter {
  limitId?: string | undefined;
  customerId?: string | undefined;
}

/** SQL for fired alerts: at most one per limit, customer, window and threshold. */
export class AlertsRepository {
  readonly #insert;
  readonly #page;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT OR IGNORE INTO limitry_alerts
      (id, limit_id, customer_id, window_start, threshold, payload, created_at)
      VALUES (@id, @limitId, @customerId, @windowStart, @threshold, @payload, @now)`);
    this.#page = db.prepare<{ afterSeq: bigint; size: number; limitId: string | null; customerId: string | null }, AlertRow>(
      `SELECT seq, id, payload FROM limitry_alerts WHERE seq > @afterSeq
        AND (@limitId IS NULL OR limit_id = @limitId) AND (@customerId IS NULL OR customer_id = @customerId)
        ORDER BY seq LIMIT @size`,
    );
  }

  /** Records the alert unless this limit, customer, window and threshold already fired; true when recorded. */
  fire(alert: NewAlert, windowStart: string, now: string): Alert | undefined {
    const id = newId("alrt");
    const full: Alert = { id, ...alert };
    const { changes } = this.#insert.run({
      id,
      limitId: alert.data.limitId,
      customerId: alert.data.customerId,
      windowStart,
      threshold: alert.data.threshold,
      payload: JSON.stringify(full),
      now,
    });
    return changes > 0 ? full : undefined;
  }

  page(query: PageQuery, filter: AlertFilter): AlertRow[] {
    return this.#page.all({
      afterSeq: query.afterSeq,
      size: query.size + 1,
      limitId: filter.limitId ?? null,
      customerId: filter.customerId ?? null,
    });
  }
}

export function alertToWire(row: AlertRow): Alert {
  const alert = fromJson(AlertSchema, row.payload);
  if (!alert) throw new Error(`alert ${row.id} has no payload`);
  return alert;
}
