/**
 * What every API's client shares, re-exported by each API's entry point (`pulumi-limits/sdk/payi`,
 * `pulumi-limits/sdk/limitry`) beside its own client, resources and base error (`PayiError`, `LimitryError`,
 * both the core's `SDKError`).
 */
export type { ClientOptions, RequestOptions } from "./client.js";
export {
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  APIResponseValidationError,
} from "./errors.js";
export { CursorPage, PagePromise } from "./pagination.js";
export { APIPromise, type RawResponse } from "./response.js";
