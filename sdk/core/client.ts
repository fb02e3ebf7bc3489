import { randomUUID } from "node:crypto";
import { Agent, errors as undiciErrors, request as undiciRequest, type Dispatcher } from "undici";
import type { z } from "zod";
import {
  type APIError,
  APIConnectionError,
  APIResponseValidationError,
  APITimeoutError,
  makeStatusError,
  normalizeHeaders,
  type ErrorEnvelope,
  type ResponseHeaders,
} from "./errors.js";
import { PagePromise, type PageBody, type PageFetcher } from "./pagination.js";
import { APIPromise, type RawResponse } from "./response.js";
import { VERSION } from "../version.js";

/** Options every client of this SDK takes. Every field is optional; each API's client documents its defaults. */
export interface ClientOptions {
  /** API key. Default: the API's environment variable; required one way or the other. */
  apiKey?: string | undefined;
  /** API root. Default: the API's environment variable, else its public endpoint. */
  baseURL?: string | undefined;
  /** Read timeout in milliseconds, per attempt: the wait for response headers and each wait for body data. Default 60 000. */
  timeout?: number | undefined;
  /** Connection timeout in milliseconds. Default 5 000. Ignored when `dispatcher` is given. */
  connectTimeout?: number | undefined;
  /**
   * Retries after the first attempt. Default 2. A call safe to repeat (see {@link RequestSpec.idempotent}) is
   * retried on connection errors, timeouts, 408, 409, 429 and 5xx; any other write only when it provably
   * was not applied: a 429, or a connection that was never made.
   */
  maxRetries?: number | undefined;
  /** Headers sent with every request (explicit per-request headers win). */
  defaultHeaders?: Record<string, string> | undefined;
  /** Query parameters added to every request. */
  defaultQuery?: Record<string, string | number | boolean> | undefined;
  /** undici dispatcher to send requests through (a pool, a proxy agent, or a MockAgent in tests). */
  dispatcher?: Dispatcher | undefined;
}

/** Per-call overrides. */
export interface RequestOptions {
  headers?: Record<string, string | undefined> | undefined;
  query?: Record<string, unknown> | undefined;
  timeout?: number | undefined;
  maxRetries?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** HTTP methods this SDK sends. */
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A fully described request, as resources hand it to {@link BaseClient.request}. */
export interface RequestSpec<T> extends RequestOptions {
  method: Method;
  path: string;
  body?: unknown;
  schema: z.ZodType<T>;
  /**
   * A POST or PATCH that is safe to send twice, such as a POST that only reads (Limitry's `meters.query`,
   * `limits.check`): retried like a GET. GET, PUT and DELETE are idempotent already, and so is every call
   * of an API whose profile has an `idempotencyHeader`. Leave it unset on anything that writes.
   */
  idempotent?: boolean | undefined;
  /**
   * For a call whose repetition can fail only because the first took effect (a DELETE answered "not found"
   * after an earlier attempt may have reached the server): maps that error to the call's result, or returns
   * undefined to throw it. Consulted only when an earlier attempt's outcome is unknown.
   */
  settledBy?: ((error: APIError) => T | undefined) | undefined;
}

/** Methods whose repetition has the effect of one call (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS: Record<Method, boolean> = { GET: true, PUT: true, DELETE: true, POST: false, PATCH: false };

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_RETRIES = 2;
const MAX_RETRY_AFTER_MS = 60_000;

/** What differs between the APIs one core serves: names, authentication and the error envelope. */
export interface ApiProfile {
  /** Product name for the User-Agent, e.g. `Payi`. */
  name: string;
  /** Headers that carry the API key, e.g. `{ "xproxy-api-key": key }` or `{ authorization: "Bearer …" }`. */
  authHeaders(apiKey: string): Record<string, string>;
  /** Reads the API's error body: its machine code, message and request id. */
  readEnvelope(body: unknown): ErrorEnvelope;
  /**
   * Header that carries an idempotency key on every non-GET call: one key per call, the same on each of its
   * retries, so a server that remembers keys applies a retried write once. Omit when the API has none.
   */
  idempotencyHeader?: string | undefined;
  /**
   * Whether the API documents that it honours `idempotencyHeader` (applies a repeated key once). When it does
   * not, a key proves nothing until the server shows it read one (see {@link BaseClient}): a write that is not
   * idempotent by the API's own semantics is not resent before that.
   */
  keysHonoured?: boolean | undefined;
}

/** Resolved settings of a client: the options with the API key and base URL known. */
export interface ResolvedOptions extends ClientOptions {
  apiKey: string;
  baseURL: string;
}

/**
 * The one HTTP core of this SDK: timeouts, retries as Stainless clients do them (`x-should-retry`,
 * `retry-after-ms`, jittered backoff), response validation with zod and the status → error factory.
 * Each API's client (`Payi`, `Limitry`) extends it with its resources.
 *
 * Retries never apply a write twice. A call that may have reached the server is sent again only when that
 * is safe: its method is idempotent (GET, PUT, DELETE), it is marked {@link RequestSpec.idempotent} (by the
 * API's documented semantics, e.g. a Pay-i limit create with a caller-chosen id), or it carries an
 * idempotency key that the server honours. A server honours keys when its API documents it
 * (`keysHonoured`, Limitry), or once it has proven it to this client: an answer to a keyed call that echoes
 * the key in the same response header (the local service does; Pay-i documents no keys, and its own client
 * sends none). Any other write is retried only when it provably was not applied: a 429, or a connection that
 * was never made (refused, unresolvable host, connect timeout); never after a response timeout, a
 * connection lost after sending, or a 5xx. There it fails with `mayHaveBeenApplied` set and a message naming
 * the call. The server's `x-should-retry: true` allows a retry and `x-should-retry: false` always forbids one.
 */
export abstract class BaseClient {
  readonly baseURL: string;
  readonly timeout: number;
  readonly maxRetries: number;

  readonly #apiKey: string;
  readonly #profile: ApiProfile;
  protected readonly options: ResolvedOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  /** The server echoed an idempotency key it was sent: it honours them (see the class comment). */
  #keysProven = false;

  protected constructor(options: ResolvedOptions, profile: ApiProfile) {
    this.#apiKey = options.apiKey;
    this.#profile = profile;
    this.baseURL = options.baseURL.replace(/\/+$/, "");
    this.options = { ...options, baseURL: this.baseURL };
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS },
        connections: 100,
        keepAliveTimeout: 30_000,
      });
  }

  /** The options a copy made by `withOptions` starts from: the dispatcher only when the caller owns it. */
  protected inheritableOptions(): ResolvedOptions {
    const { dispatcher, ...rest } = this.options;
    return this.#ownsDispatcher ? rest : { ...rest, dispatcher };
  }

  /** Closes the connection pool this client created (a dispatcher passed in is left to its owner). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** Sends one request with retries and parses the body with `spec.schema`. */
  request<T>(spec: RequestSpec<T>): APIPromise<T> {
    return new APIPromise(this.#send(spec));
  }

  /**
   * A paginated list: each page sends the same request with `cursor` added; `toPage` reads a page body
   * into items and the next cursor (null on the last page).
   */
  list<Body, Item>(spec: RequestSpec<Body>, toPage: (body: Body) => PageBody<Item>): PagePromise<Item> {
    const fetchPage: PageFetcher<Item> = (cursor) =>
      new APIPromise(
        this.request({ ...spec, query: { ...spec.query, ...(cursor === undefined ? {} : { cursor }) } })
          .withResponse()
          .then(({ data, response }) => ({ data: toPage(data), response })),
      );
    return new PagePromise(fetchPage);
  }

  async #send<T>(spec: RequestSpec<T>): Promise<{ data: T; response: RawResponse }> {
    const url = this.#url(spec.path, spec.query);
    const maxRetries = spec.maxRetries ?? this.maxRetries;
    const timeout = spec.timeout ?? this.timeout;
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const idempotencyKey =
      spec.method !== "GET" && this.#profile.idempotencyHeader ? `stainless-node-retry-${randomUUID()}` : undefined;
    const safeAlone = IDEMPOTENT_METHODS[spec.method] || spec.idempotent === true;

    // Whether an attempt that may have reached the server went unanswered (a lost answer, a timeout, a 5xx).
    let earlierMayHaveApplied = false;
    for (let attempt = 0; ; attempt++) {
      const headers = this.#headers(spec, attempt, timeout, idempotencyKey);
      const retriesLeft = maxRetries - attempt;
      // The key sent (the caller may have set its own) makes a repeat safe only where the server honours keys.
      const sentKey = this.#profile.idempotencyHeader ? headers[this.#profile.idempotencyHeader.toLowerCase()] : undefined;
      let repeatable = safeAlone || (sentKey !== undefined && (this.#profile.keysHonoured === true || this.#keysProven));
      // A write that must not be repeated names itself in the error when its outcome is unknown.
      let unknownOutcome = repeatable ? {} : { unknownOutcomeOf: `${spec.method} ${spec.path}` };

      let status: number;
      let responseHeaders: ResponseHeaders;
      let text: string;
      try {
        // Timeouts as the official client's: the wait for headers and each wait for body data, not an
        // overall deadline. undici's own timers cost far less per request than an AbortSignal.
        const res = await undiciRequest(url, {
          method: spec.method,
          headers,
          body,
          headersTimeout: timeout,
          bodyTimeout: timeout,
          ...(spec.signal ? { signal: spec.signal } : {}),
          dispatcher: this.#dispatcher,
        });
        status = res.statusCode;
        responseHeaders = normalizeHeaders(res.headers);
        // This very answer may be the proof: the server read the key it echoes, so a retry of it is answered once.
        if (sentKey !== undefined && this.#profile.idempotencyHeader) {
          if (responseHeaders[this.#profile.idempotencyHeader.toLowerCase()] === sentKey) {
            this.#keysProven = true;
            repeatable = true;
            unknownOutcome = {};
          }
        }
        text = await res.body.text();
      } catch (cause) {
        if (spec.signal?.aborted) throw new APIConnectionError("Request was aborted.", { cause, ...unknownOutcome });
        const sent = !neverSent(cause);
        const options = { cause, ...(sent ? unknownOutcome : {}) };
        const error = isTimeout(cause)
          ? new APITimeoutError(`Request timed out after ${timeout} ms: ${spec.method} ${spec.path}`, options)
          : new APIConnectionError(`Connection error: ${spec.method} ${url.origin}${url.pathname}: ${describe(cause)}`, options);
        if (retriesLeft <= 0 || (sent && !repeatable)) throw error;
        earlierMayHaveApplied ||= sent;
        await sleep(backoffMs(attempt));
        continue;
      }

      const parsed = parseBody(text);
      if (status >= 200 && status < 300) {
        return { data: this.#validate(spec, parsed, status, responseHeaders), response: rawResponse(status, responseHeaders) };
      }
      if (retriesLeft > 0 && shouldRetry(status, responseHeaders, repeatable)) {
        earlierMayHaveApplied ||= status >= 500;
        await sleep(retryDelayMs(responseHeaders, attempt));
        continue;
      }
      // A 4xx is the server refusing the request: nothing was applied. A 5xx may come after a commit.
      const outcome = status >= 500 ? unknownOutcome : {};
      const error = makeStatusError(status, parsed, responseHeaders, this.#profile.readEnvelope(parsed), outcome);
      const settled = earlierMayHaveApplied ? spec.settledBy?.(error) : undefined;
      if (settled !== undefined) return { data: settled, response: rawResponse(status, responseHeaders) };
      throw error;
    }
  }

  #validate<T>(spec: RequestSpec<T>, body: unknown, status: number, headers: ResponseHeaders): T {
    const result = spec.schema.safeParse(body === "" ? undefined : body);
    if (result.success) return result.data;
    const where = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`)
      .join("; ");
    throw new APIResponseValidationError(
      status,
      body,
      `Response to ${spec.method} ${spec.path} does not match the expected shape: ${where}`,
      headers,
      { cause: result.error },
    );
  }

  #url(path: string, query: Record<string, unknown> | undefined): URL {
    const url = new URL(this.baseURL + path);
    for (const [key, value] of Object.entries({ ...this.options.defaultQuery, ...query })) {
      const encoded = encodeQueryValue(value);
      if (encoded !== undefined) url.searchParams.set(key, encoded);
    }
    return url;
  }

  #headers(
    spec: RequestSpec<unknown>,
    attempt: number,
    timeout: number,
    idempotencyKey: string | undefined,
  ): Record<string, string> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": `${this.#profile.name}/TypeScript ${VERSION}`,
      "x-stainless-lang": "js",
      "x-stainless-package-version": VERSION,
      "x-stainless-runtime": "node",
      "x-stainless-runtime-version": process.version,
      "x-stainless-retry-count": String(attempt),
      "x-stainless-timeout": String(Math.round(timeout / 1000)),
    };
    // Pay-i expects a JSON content type on every non-GET request, body or not; Limitry accepts it.
    if (spec.method !== "GET") headers["content-type"] = "application/json";
    if (idempotencyKey !== undefined && this.#profile.idempotencyHeader) {
      headers[this.#profile.idempotencyHeader.toLowerCase()] = idempotencyKey;
    }
    for (const [name, value] of Object.entries({ ...this.options.defaultHeaders, ...spec.headers })) {
      if (value === undefined) delete headers[name.toLowerCase()];
      else headers[name.toLowerCase()] = value;
    }
    Object.assign(headers, this.#profile.authHeaders(this.#apiKey));
    return headers;
  }
}

function rawResponse(status: number, headers: ResponseHeaders): RawResponse {
  return { status, headers, requestId: headers["x-request-id"] };
}

function parseBody(text: string): unknown {
  if (text === "") return "";
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Query encoding as Pay-i's clients do it: arrays comma-joined, booleans as true/false, nulls dropped. */
function encodeQueryValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).join(",");
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * Retry rule of Pay-i's official client for calls safe to repeat: `x-should-retry` wins, else
 * 408/409/429/5xx. A write that is not safe to repeat only on a 429, which applied nothing.
 */
function shouldRetry(status: number, headers: ResponseHeaders, repeatable: boolean): boolean {
  const hint = headers["x-should-retry"];
  if (hint === "true") return true;
  if (hint === "false") return false;
  if (status === 429) return true;
  return repeatable && (status === 408 || status === 409 || status >= 500);
}

/** How long to wait before retry number `attempt + 1`: the server's hint when sane, else backoff. */
function retryDelayMs(headers: ResponseHeaders, attempt: number): number {
  const hinted = retryAfterMs(headers);
  return hinted !== undefined ? hinted : backoffMs(attempt);
}

function retryAfterMs(headers: ResponseHeaders): number | undefined {
  const candidates: number[] = [];
  const ms = headers["retry-after-ms"];
  if (ms !== undefined) candidates.push(Number.parseFloat(ms));
  const after = headers["retry-after"];
  if (after !== undefined) {
    const seconds = Number.parseFloat(after);
    candidates.push(Number.isNaN(seconds) ? Date.parse(after) - Date.now() : seconds * 1000);
  }
  return candidates.find((delay) => Number.isFinite(delay) && delay > 0 && delay <= MAX_RETRY_AFTER_MS);
}

/** 0.5 s × 2^attempt, capped at 8 s, times a jitter factor in (0.75, 1]. */
function backoffMs(attempt: number): number {
  const base = Math.min(500 * 2 ** attempt, 8_000);
  return base * (1 - Math.random() * 0.25);
}

function isTimeout(cause: unknown): boolean {
  return (
    cause instanceof undiciErrors.ConnectTimeoutError ||
    cause instanceof undiciErrors.HeadersTimeoutError ||
    cause instanceof undiciErrors.BodyTimeoutError
  );
}

/**
 * True when the request provably never left: undici's connect timeout, or a failure of the system call
 * that resolves the host or opens the connection (ECONNREFUSED, ENOTFOUND, EHOSTUNREACH … carry `syscall`
 * `connect` or `getaddrinfo`). A reset or "other side closed" may come after the request was written.
 */
function neverSent(cause: unknown): boolean {
  if (cause instanceof undiciErrors.ConnectTimeoutError) return true;
  const syscall = typeof cause === "object" && cause !== null && "syscall" in cause ? cause.syscall : undefined;
  return syscall === "connect" || syscall === "getaddrinfo";
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === "string" ? `${code} ${cause.message}` : cause.message;
  }
  return String(cause);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
