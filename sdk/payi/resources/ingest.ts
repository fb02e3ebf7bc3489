import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import type { Payi } from "../client.js";
import type { APIPromise } from "../../core/response.js";
import { ErrorBodySchema, PropertiesSchema, TimestampSchema, UnitsSchema, XproxyResultSchema } from "./shared.js";

const HeaderPairSchema = z.object({ name: z.string(), value: z.string().nullish() });

/** The body fields of one ingest event (what is not carried in `xProxy-*` headers). */
export const IngestEventBodySchema = z.object({
  /** e.g. `system.openai`. */
  category: z.string(),
  /** Unit type → counts, e.g. `{ text: { input: 100, output: 150 } }`. */
  units: z.record(z.string(), UnitsSchema),
  /** e.g. `gpt-4o-2024-05-13`. */
  resource: z.string().nullish(),
  event_timestamp: z.string().nullish(),
  end_to_end_latency_ms: z.number().int().nullish(),
  time_to_first_token_ms: z.number().int().nullish(),
  time_to_first_completion_token_ms: z.number().int().nullish(),
  http_status_code: z.number().int().nullish(),
  properties: PropertiesSchema.nullish(),
  use_case_properties: PropertiesSchema.nullish(),
  provider_request_headers: z.array(HeaderPairSchema).nullish(),
  provider_response_headers: z.array(HeaderPairSchema).nullish(),
  provider_request_json: z.string().nullish(),
  provider_request_reasoning_json: z.string().nullish(),
  provider_response_json: z.union([z.string(), z.array(z.string())]).nullish(),
  provider_response_function_calls: z.array(z.object({ name: z.string(), arguments: z.string().nullish() })).nullish(),
  provider_response_id: z.string().nullish(),
  provider_uri: z.string().nullish(),
});
export type IngestEventBody = z.input<typeof IngestEventBodySchema>;

/** Context that `ingest.units` sends as `xProxy-*` headers. */
export interface IngestContext {
  /** Limits to charge this event to (`xProxy-Limit-IDs`). */
  limit_ids?: string[];
  use_case_name?: string;
  use_case_id?: string;
  use_case_version?: number;
  use_case_step?: string;
  user_id?: string;
  account_name?: string;
  resource_scope?: "global" | "datazone" | "region";
  disable_logging?: boolean;
}

export type IngestUnitsParams = IngestEventBody & IngestContext;

/** One event of a bulk ingest: body fields and context all in the body. */
export const BulkIngestEventSchema = IngestEventBodySchema.extend({
  limit_ids: z.array(z.string()).nullish(),
  request_tags: z.array(z.string()).nullish(),
  use_case_id: z.string().nullish(),
  use_case_name: z.string().nullish(),
  use_case_step: z.string().nullish(),
  use_case_version: z.number().int().nullish(),
  user_id: z.string().nullish(),
  account_name: z.string().nullish(),
  scope: z.enum(["global", "datazone", "region"]).nullish(),
});
export type BulkIngestEvent = z.input<typeof BulkIngestEventSchema>;

export const IngestResponseSchema = z.looseObject({
  request_id: z.string(),
  event_timestamp: TimestampSchema,
  ingest_timestamp: TimestampSchema,
  xproxy_result: XproxyResultSchema,
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;

export const BulkIngestResponseSchema = z.looseObject({
  ingest_count: z.number().int(),
  ingest_timestamp: TimestampSchema,
  request_id: z.string(),
  error_count: z.number().int().nullish(),
  item_error_count: z.number().int().nullish(),
  total_count: z.number().int().nullish(),
  errors: z.array(z.looseObject({ item_index: z.number().int().nullish(), xproxy_result: ErrorBodySchema.nullish() })).nullish(),
});
export type BulkIngestResponse = z.infer<typeof BulkIngestResponseSchema>;

/** Header names of the ingest context, as Pay-i spells them. */
export const IngestHeaders = {
  limitIds: "xProxy-Limit-IDs",
  useCaseName: "xProxy-UseCase-Name",
  useCaseId: "xProxy-UseCase-ID",
  useCaseVersion: "xProxy-UseCase-Version",
  useCaseStep: "xProxy-UseCase-Step",
  userId: "xProxy-User-ID",
  accountName: "xProxy-Account-Name",
  resourceScope: "xProxy-Resource-Scope",
  loggingDisable: "xProxy-Logging-Disable",
} as const;

/** `client.ingest`: report usage after the fact and read back cost and limit states. */
export class Ingest {
  constructor(private readonly client: Payi) {}

  /** Ingests one event; limit ids and use-case/user context travel in `xProxy-*` headers. */
  units(params: IngestUnitsParams, options?: RequestOptions): APIPromise<IngestResponse> {
    const {
      limit_ids,
      use_case_name,
      use_case_id,
      use_case_version,
      use_case_step,
      user_id,
      account_name,
      resource_scope,
      disable_logging,
      ...body
    } = params;
    const limitIds = limit_ids?.map((id) => id.trim()).filter((id) => id !== "");
    const headers: Record<string, string | undefined> = {
      [IngestHeaders.limitIds]: limitIds?.length ? limitIds.join(",") : undefined,
      [IngestHeaders.useCaseName]: use_case_name,
      [IngestHeaders.useCaseId]: use_case_id,
      [IngestHeaders.useCaseVersion]: use_case_version === undefined ? undefined : String(use_case_version),
      [IngestHeaders.useCaseStep]: use_case_step,
      [IngestHeaders.userId]: user_id,
      [IngestHeaders.accountName]: account_name,
      [IngestHeaders.resourceScope]: resource_scope,
      // Pay-i reads Python's spelling of booleans here.
      [IngestHeaders.loggingDisable]: disable_logging === undefined ? undefined : disable_logging ? "True" : "False",
    };
    const defined = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined));
    return this.client.request({
      ...options,
      method: "POST",
      path: "/api/v1/ingest",
      headers: { ...defined, ...options?.headers },
      body,
      schema: IngestResponseSchema,
    });
  }

  /** Ingests many events in one call; context goes in each event's body. */
  bulk(events: BulkIngestEvent[], options?: RequestOptions): APIPromise<BulkIngestResponse> {
    return this.client.request({
      ...options,
      method: "POST",
      path: "/api/v1/ingest/bulk",
      body: events,
      schema: BulkIngestResponseSchema,
    });
  }
}
