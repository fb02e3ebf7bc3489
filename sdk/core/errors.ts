import type { IncomingHttpHeaders } from "node:http";

/**
 * `{ cause }` for an error's constructor. Spelled out instead of the global `ErrorOptions`, which programs
 * compiled for ES2020 (the `pulumi new typescript` template) do not have.
 */
export interface ErrorCause {
  cause?: unknown;
}

/**
 * Base class of every error this SDK throws, for either API. Exported as `PayiError` from the Pay-i
 * entry point and `LimitryError` from the Limitry one: the same class.
 */
export class SDKError extends Error {
  override name = "SDKError";
}

/** What an API's error body says, read by that API's envelope reader. */
export interface ErrorEnvelope {
  /** Machine-readable code, e.g. Pay-i's `xproxy_error.code` or Limitry's `error.code`. */
  code?: string | undefined;
  /** Human-readable message. */
  detail?: string | undefined;
  requestId?: string | undefined;
}

/** Headers of an HTTP response, lower-cased names. */
export type ResponseHeaders = Record<string, string | undefined>;

/** Options of an {@link APIError}: the cause it wraps, and whether a write's outcome is unknown. */
export interface APIErrorOptions extends ErrorCause {
  /**
   * The call, e.g. `POST /events/record`, when it is a write the SDK does not repeat (see
   * {@link APIError.mayHaveBeenApplied}) and it failed after it may have reached the server.
   */
  unknownOutcomeOf?: string | undefined;
}

/** An error response from the API, or a failure to get one. */
export class APIError extends SDKError {
  override name = "APIError";
  /** HTTP status, or undefined when no response arrived. */
  readonly status: number | undefined;
  /** The API's machine-readable error code, e.g. Pay-i's `limit_name_already_exist` or Limitry's `limit_not_found`. */
  readonly code: string | undefined;
  /** Request id from the `x-request-id` header or the body, for support tickets. */
  readonly requestId: string | undefined;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
  readonly headers: ResponseHeaders;
  /**
   * True when this call is a write that is not safe to send twice (a POST without an idempotency key, such
   * as Limitry's `events.record` or `limits.create`) and it failed after it may have reached the server: a
   * 5xx, a response timeout, a connection lost after sending. The server may or may not have applied it, and
   * the SDK does not resend it unless the server answered `x-should-retry: true`; check whether it took
   * effect (query the meter, list by name) before sending it again. False for every other failure: a 4xx or a connection never made applied nothing, and calls
   * safe to repeat (reads, PUT, DELETE, writes carrying an idempotency key) were already retried.
   */
  readonly mayHaveBeenApplied: boolean;

  constructor(
    status: number | undefined,
    body: unknown,
    message: string,
    headers: ResponseHeaders = {},
    options?: APIErrorOptions,
    envelope: ErrorEnvelope = {},
  ) {
    const call = options?.unknownOutcomeOf;
    super(
      call === undefined
        ? message
        : `${message.replace(/\.$/, "")}. ${call} may or may not have been applied (the SDK does not resend a write that could apply twice); check whether it took effect before repeating it`,
      options,
    );
    this.mayHaveBeenApplied = call !== undefined;
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.code = envelope.code;
    this.requestId = headers["x-request-id"] ?? envelope.requestId;
  }
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
}
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

/** No response arrived: DNS, refused or reset connection. */
export class APIConnectionError extends APIError {
  override name = "APIConnectionError";
  constructor(message = "Connection error.", options?: APIErrorOptions) {
    super(undefined, undefined, message, {}, options);
  }
}

/** The request or the connection attempt took longer than the configured timeout. */
export class APITimeoutError extends APIConnectionError {
  override name = "APITimeoutError";
  constructor(message = "Request timed out.", options?: APIErrorOptions) {
    super(message, options);
  }
}

/** A 2xx response whose body does not match the documented shape. */
export class APIResponseValidationError extends APIError {
  override name = "APIResponseValidationError";
}

const statusClasses: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The one place an HTTP error status becomes an error class. */
export function makeStatusError(
  status: number,
  body: unknown,
  headers: ResponseHeaders,
  envelope: ErrorEnvelope,
  options?: APIErrorOptions,
): APIError {
  const detail = envelope.detail ?? (typeof body === "string" && body ? body : undefined);
  const message = [String(status), envelope.code, detail].filter(Boolean).join(" ");
  const ErrorClass = status >= 500 ? InternalServerError : (statusClasses[status] ?? APIError);
  return new ErrorClass(status, body, message, headers, options, envelope);
}

/** Lower-cases header names and joins repeated values. */
export function normalizeHeaders(headers: IncomingHttpHeaders): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** A JSON object as a record, or undefined: for envelope readers, which tolerate any body. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A non-empty string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
