import { BaseClient, type ApiProfile, type ClientOptions } from "../core/client.js";
import { SDKError, asRecord, asString, type ErrorEnvelope } from "../core/errors.js";
import { Alerts } from "./resources/alerts.js";
import { Customers } from "./resources/customers.js";
import { Events } from "./resources/events.js";
import { Limits } from "./resources/limits.js";
import { Meters } from "./resources/meters.js";

/** Limitry's public endpoint, used when neither `baseURL` nor `LIMITRY_BASE_URL` is set. */
export const DEFAULT_BASE_URL = "https://api.limitry.com/v1";

// Limitry's envelope is {error: {code, message, status, requestId}}; older pages show {error: "<message>"}.
function readEnvelope(body: unknown): ErrorEnvelope {
  const record = asRecord(body);
  const error = record?.["error"];
  const inner = asRecord(error);
  if (!inner) return { detail: asString(error) };
  return { code: asString(inner["code"]), detail: asString(inner["message"]), requestId: asString(inner["requestId"]) };
}

const LIMITRY: ApiProfile = {
  name: "Limitry",
  authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
  readEnvelope,
  // Limitry honours Idempotency-Key on every write (its reference; its own client resends writes with the
  // same key): one key per call, the same on each retry, so a retried write is applied once.
  idempotencyHeader: "Idempotency-Key",
  keysHonoured: true,
};

/**
 * Client for Limitry's usage-limits API (meters, limits, events, customers). Options: `apiKey` (default env
 * `LIMITRY_API_KEY`, required one way or the other, sent as `Authorization: Bearer`), `baseURL` (default env
 * `LIMITRY_BASE_URL`, else `https://api.limitry.com/v1`; paths are relative to it), and the core's timeouts,
 * retries, headers and dispatcher. Every write carries an `Idempotency-Key` (one per call, the same on each
 * retry), which Limitry honours, so creates, event records, updates and deletes are retried like reads
 * (connection errors, timeouts, 408/409/429/5xx) and apply once. Pass your own key for a call with
 * `{ headers: { "Idempotency-Key": "…" } }` (e.g. one derived from what the call stands for, to survive a
 * restart of your process).
 *
 * ```ts
 * const client = new Limitry();
 * const meter = await client.meters.create({ name: "Total Tokens", aggregation: "sum", field: "values.tokens" });
 * const { allowed } = await client.limits.check({ customerId: "cust_123" });
 * for await (const limit of client.limits.list()) console.log(limit.name);
 * ```
 */
export class Limitry extends BaseClient {
  readonly meters: Meters;
  readonly limits: Limits;
  readonly events: Events;
  readonly customers: Customers;
  /** Local service only: alerts fired so far. */
  readonly alerts: Alerts;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? process.env["LIMITRY_API_KEY"];
    if (!apiKey) {
      throw new SDKError(
        "The LIMITRY_API_KEY environment variable is missing or empty; set it, or pass an apiKey option: new Limitry({ apiKey: '...' }).",
      );
    }
    const baseURL = options.baseURL ?? process.env["LIMITRY_BASE_URL"] ?? DEFAULT_BASE_URL;
    super({ ...options, apiKey, baseURL }, LIMITRY);
    this.meters = new Meters(this);
    this.limits = new Limits(this);
    this.events = new Events(this);
    this.customers = new Customers(this);
    this.alerts = new Alerts(this);
  }

  /** A new client with these options changed; it shares nothing with this one but its settings. */
  withOptions(overrides: ClientOptions): Limitry {
    return new Limitry({ ...this.inheritableOptions(), ...overrides });
  }
}
