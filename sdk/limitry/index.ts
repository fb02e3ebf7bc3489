/** Typed client for Limitry's usage-limits API (`pulumi-limits/sdk/limitry`). */
export { Limitry, DEFAULT_BASE_URL } from "./client.js";
export * from "../core/index.js";
export { SDKError as LimitryError } from "../core/errors.js";
export { LimitryPage, LimitryPagePromise } from "./pagination.js";
export type {
  Meter,
  Aggregation,
  EventFilter,
  MeterCreateParams,
  MeterUpdateParams,
  MeterQueryParams,
  MeterQueryResult,
} from "./resources/meters.js";
export type {
  Limit,
  Period,
  LimitCreateParams,
  LimitUpdateParams,
  LimitListParams,
  LimitCheckParams,
  LimitCheckEntry,
  LimitCheckResult,
} from "./resources/limits.js";
export type { EventRecordParams, EventRecordResponse, EventBatchParams, EventBatchResponse } from "./resources/events.js";
export type { Customer, CustomerCreateParams, CustomerUpdateParams } from "./resources/customers.js";
export type { Alert, AlertListParams } from "./resources/alerts.js";
export type { Dimensions, DeleteResponse, ListParams } from "./resources/shared.js";
