/** Typed client for the Pay-i REST API (`pulumi-limits/sdk/payi`). */
export { Payi, DEFAULT_BASE_URL } from "./client.js";
export * from "../core/index.js";
export { SDKError as PayiError } from "../core/errors.js";
export type {
  Limit,
  LimitType,
  LimitResponse,
  LimitHistoryResponse,
  LimitCreateParams,
  LimitUpdateParams,
  LimitListParams,
} from "./resources/limits.js";
export type { UseCaseDefinition, UseCaseInstance, LimitConfig, UseCaseDefinitionCreateParams } from "./resources/use-cases.js";
export type { IngestResponse, IngestUnitsParams, BulkIngestEvent, BulkIngestResponse } from "./resources/ingest.js";
export type { CategoryResource, Category, ResourceCreateParams } from "./resources/categories.js";
export type { RequestResult, PropertiesResponse, PropertiesUpdateParams } from "./resources/requests.js";
export type { LimitState, TotalCostData, XproxyResult, DefaultResponse } from "./resources/shared.js";
