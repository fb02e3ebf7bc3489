import { BaseClient, type ApiProfile, type ClientOptions } from "../core/client.js";
import { SDKError, asRecord, asString, type ErrorEnvelope } from "../core/errors.js";
import { Categories } from "./resources/categories.js";
import { Ingest } from "./resources/ingest.js";
import { Limits } from "./resources/limits.js";
import { Requests } from "./resources/requests.js";
import { IDEMPOTENCY_HEADER } from "./resources/shared.js";
import { UseCases } from "./resources/use-cases.js";

/** Pay-i's public endpoint, used when neither `baseURL` nor `PAYI_BASE_URL` is set. */
export const DEFAULT_BASE_URL = "https://api.pay-i.com";

// Pay-i's error envelope is {statusCode, message, xproxy_error: {code, message}}; tolerate anything else.
function readEnvelope(body: unknown): ErrorEnvelope {
  const record = asRecord(body);
  const xproxy = asRecord(record?.["xproxy_error"]);
  return {
    code: asString(xproxy?.["code"]),
    detail: asString(xproxy?.["message"]) ?? asString(record?.["message"]),
    requestId: asString(record?.["request_id"]),
  };
}

const PAYI: ApiProfile = {
  name: "Payi",
  authHeaders: (apiKey) => ({ "xproxy-api-key": apiKey }),
  readEnvelope,
  idempotencyHeader: IDEMPOTENCY_HEADER,
};

/**
 * Client for the Pay-i REST API. Options: `apiKey` (default env `PAYI_API_KEY`, required one way or the
 * other, sent as `xProxy-api-key`), `baseURL` (default env `PAYI_BASE_URL`, else `https://api.pay-i.com`),
 * and the core's timeouts, retries, headers and dispatcher.
 *
 * ```ts
 * const client = new Payi(); // PAYI_API_KEY and PAYI_BASE_URL from the environment
 * const { limit } = await client.limits.create({ limit_name: "Monthly Budget", max: 100, threshold: 0.8 });
 * for await (const l of client.limits.list()) console.log(l.limit_name);
 * ```
 */
export class Payi extends BaseClient {
  readonly limits: Limits;
  readonly useCases: UseCases;
  readonly ingest: Ingest;
  readonly categories: Categories;
  readonly requests: Requests;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? process.env["PAYI_API_KEY"];
    if (!apiKey) {
      throw new SDKError(
        "The PAYI_API_KEY environment variable is missing or empty; set it, or pass an apiKey option: new Payi({ apiKey: '...' }).",
      );
    }
    const baseURL = options.baseURL ?? process.env["PAYI_BASE_URL"] ?? DEFAULT_BASE_URL;
    super({ ...options, apiKey, baseURL }, PAYI);
    this.limits = new Limits(this);
    this.useCases = new UseCases(this);
    this.ingest = new Ingest(this);
    this.categories = new Categories(this);
    this.requests = new Requests(this);
  }

  /** A new client with these options changed; it shares nothing with this one but its settings. */
  withOptions(overrides: ClientOptions): Payi {
    return new Payi({ ...this.inheritableOptions(), ...overrides });
  }
}
