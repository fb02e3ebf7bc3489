import { z } from "zod";
import type { Db } from "../../db.js";

/** A limit's running usage for one customer in one window. */
export interface RunningUsage {
  windowStart: string;
  used: number;
  /** Unix ms of the event a `latest` meter reads; null when no event has counted. */
  latestTs: number | null;
}

const Row = z.object({
  window_start: z.string(),
  used: z.union([z.number(), z.bigint()]).transform(Number),
  latest_ts: z.union([z.bigint(), z.number(), z.null()]),
});

/** SQL for running usage (`limitry_usage`): one row per limit and customer, for the limit's current window. */
export class UsageRepository {
  readonly #get;
  readonly #put;
  readonly #forgetLimit;
  readonly #forgetMeter;
  readonly #forgetCustomer;

  constructor(db: Db) {
    this.#get = db.prepare("SELECT window_start, used, latest_ts FROM limitry_usage WHERE limit_id = ? AND customer_id = ?");
    this.#put = db.prepare(`INSERT INTO limitry_usage (limit_id, customer_id, window_start, used, latest_ts)
      VALUES (@limitId, @customerId, @windowStart, @used, @latestTs)
      ON CONFLICT (limit_id, customer_id) DO UPDATE SET window_start = excluded.window_start, used = excluded.used,
      latest_ts = excluded.latest_ts`);
    this.#forgetLimit = db.prepare("DELETE FROM limitry_usage WHERE limit_id = ?");
    this.#forgetMeter = db.prepare(
      "DELETE FROM limitry_usage WHERE limit_id IN (SELECT id FROM limitry_limits WHERE meter_id = ?)",
    );
    this.#forgetCustomer = db.prepare("DELETE FROM limitry_usage WHERE customer_id = ?");
  }

  get(limitId: string, customerId: string): RunningUsage | undefined {
    const row = this.#get.get(limitId, customerId);
    if (row === undefined) return undefined;
    const { window_start, used, latest_ts } = Row.parse(row);
    return { windowStart: window_start, used, latestTs: latest_ts === null ? null : Number(latest_ts) };
  }

  put(limitId: string, customerId: string, usage: RunningUsage): void {
    this.#put.run({ limitId, customerId, windowStart: usage.windowStart, used: usage.used, latestTs: usage.latestTs });
  }

  /** After a limit changes (or goes): what it counts may differ, so its running usage is recomputed. */
  forgetLimit(limitId: string): void {
    this.#forgetLimit.run(limitId);
  }

  /** After a meter changes: the running usage of every limit counting it is recomputed. */
  forgetMeter(meterId: string): void {
    this.#forgetMeter.run(meterId);
  }

  /** After a customer's timezone or billing cycle changes: its windows moved. */
  forgetCustomer(customerId: string): void {
    this.#forgetCustomer.run(customerId);
  }
}
