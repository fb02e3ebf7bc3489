import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import { segment } from "../../core/path.js";
import type { Payi } from "../client.js";
import type { PagePromise } from "../../core/pagination.js";
import type { APIPromise } from "../../core/response.js";
import {
  DefaultResponseSchema,
  listOrAcknowledgement,
  MoneySchema,
  PropertiesSchema,
  TimestampSchema,
  TotalCostDataSchema,
  type DefaultResponse,
  type ListParams,
  samePage,
} from "./shared.js";

/** `allow` limits only track; `block` limits stop requests at `max` when Pay-i proxies them. */
export const LimitTypeSchema = z.enum(["allow", "block"]);
export type LimitType = z.infer<typeof LimitTypeSchema>;

/** A spending limit as Pay-i returns it (also each item of a list page). */
export const LimitSchema = z.looseObject({
  limit_id: z.string(),
  limit_name: z.string(),
  limit_type: LimitTypeSchema,
  /** Maximum spend in USD. */
  max: MoneySchema,
  /** Fraction of `max` at which the state becomes `exceeded`; null means 1.0. */
  threshold: MoneySchema.nullish(),
  properties: PropertiesSchema.nullish(),
  totals: TotalCostDataSchema,
  limit_creation_timestamp: TimestampSchema,
  limit_update_timestamp: TimestampSchema,
});
export type Limit = z.infer<typeof LimitSchema>;

export const LimitResponseSchema = z.looseObject({
  limit: LimitSchema,
  request_id: z.string(),
  message: z.string().nullish(),
});
export type LimitResponse = z.infer<typeof LimitResponseSchema>;

export const LimitListPageSchema = z.looseObject({
  items: z.array(LimitSchema),
  cursor: z.string().nullish(),
});

export const LimitHistorySchema = z.looseObject({
  limit_id: z.string().nullish(),
  limit_name: z.string().nullish(),
  limit_type: LimitTypeSchema.nullish(),
  max: MoneySchema.nullish(),
  limit_reset_timestamp: TimestampSchema.nullish(),
  limit_tags: z.array(z.string()).nullish(),
  /** The totals as they were just before the reset. */
  totals: TotalCostDataSchema,
});

export const LimitHistoryResponseSchema = z.looseObject({
  limit_history: LimitHistorySchema,
  request_id: z.string(),
  message: z.string().nullish(),
});
export type LimitHistoryResponse = z.infer<typeof LimitHistoryResponseSchema>;

/** Body of `POST /api/v1/limits`. Wire-level types only; the service enforces ranges. */
export const LimitCreateParamsSchema = z.object({
  limit_name: z.string(),
  /** Maximum spend in USD, > 0. */
  max: z.number(),
  /** Caller-chosen id; Pay-i generates one when omitted. Creating twice with the same id is idempotent. */
  limit_id: z.string().nullish(),
  /** Default `allow`. */
  limit_type: LimitTypeSchema.nullish(),
  properties: PropertiesSchema.nullish(),
  /** 0.75–0.99. */
  threshold: z.number().nullish(),
  /** Legacy (API versions before limit properties). */
  limit_tags: z.array(z.string()).nullish(),
});
export type LimitCreateParams = z.input<typeof LimitCreateParamsSchema>;

/** Body of `PUT /api/v1/limits/{id}`: only the name and the max can change. */
export const LimitUpdateParamsSchema = z.object({
  limit_name: z.string().nullish(),
  max: z.number().nullish(),
});
export type LimitUpdateParams = z.input<typeof LimitUpdateParamsSchema>;

export const LimitPropertiesUpdateParamsSchema = z.object({ properties: PropertiesSchema });
export type LimitPropertiesUpdateParams = z.input<typeof LimitPropertiesUpdateParamsSchema>;

export interface LimitListParams extends ListParams {
  /** Only limits with exactly this name. */
  limit_name?: string;
}

export interface LimitResetParams {
  /** When the reset takes effect; sent as the `resetDate` query parameter. */
  reset_date?: Date | string;
}

/** `client.limits`: create, read, change, reset and delete spending limits. */
export class Limits {
  readonly properties: LimitProperties;

  constructor(private readonly client: Payi) {
    this.properties = new LimitProperties(client);
  }

  /**
   * Creates a limit, or returns the existing one when the same id/name has identical settings. With a
   * `limit_id` it is idempotent (seed 000: a repeat with the same id and settings returns that limit), so it
   * is retried like a read; without one a repeat could make a second limit, so it is not resent once it may
   * have reached Pay-i.
   */
  create(body: LimitCreateParams, options?: RequestOptions): APIPromise<LimitResponse> {
    return this.client.request({
      ...options,
      method: "POST",
      path: "/api/v1/limits",
      body,
      schema: LimitResponseSchema,
      idempotent: body.limit_id != null,
    });
  }

  retrieve(limitId: string, options?: RequestOptions): APIPromise<LimitResponse> {
    return this.client.request({
      ...options,
      method: "GET",
      path: `/api/v1/limits/${segment(limitId)}`,
      schema: LimitResponseSchema,
    });
  }

  /** Renames a limit or changes its max; type and threshold are fixed at creation. */
  update(limitId: string, body: LimitUpdateParams, options?: RequestOptions): APIPromise<LimitResponse> {
    return this.client.request({
      ...options,
      method: "PUT",
      path: `/api/v1/limits/${segment(limitId)}`,
      body,
      schema: LimitResponseSchema,
    });
  }

  /** Await for the first page, or `for await` over every limit on every page. */
  list(query: LimitListParams = {}, options?: RequestOptions): PagePromise<Limit> {
    return this.client.list(
      {
        ...options,
        method: "GET",
        path: "/api/v1/limits",
        query: { ...options?.query, ...query },
        schema: LimitListPageSchema,
      },
      samePage,
    );
  }

  delete(limitId: string, options?: RequestOptions): APIPromise<DefaultResponse> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/api/v1/limits/${segment(limitId)}`,
      schema: DefaultResponseSchema,
    });
  }

  /** Zeroes the limit's totals; the response holds the totals from before the reset. */
  reset(limitId: string, params: LimitResetParams = {}, options?: RequestOptions): APIPromise<LimitHistoryResponse> {
    const resetDate = params.reset_date instanceof Date ? params.reset_date.toISOString() : params.reset_date;
    return this.client.request({
      ...options,
      method: "POST",
      path: `/api/v1/limits/${segment(limitId)}/reset`,
      query: { ...options?.query, resetDate },
      schema: LimitHistoryResponseSchema,
    });
  }
}

/** `client.limits.properties`. */
export class LimitProperties {
  constructor(private readonly client: Payi) {}

  /**
   * Merges properties into the limit's property bag (a null value removes the key). Pay-i answers with a
   * list of limit responses, one per limit changed (here, the one limit), as the official client types it, or
   * with `{request_id}` as its docs show: then the list is empty.
   */
  update(limitId: string, body: LimitPropertiesUpdateParams, options?: RequestOptions): APIPromise<LimitResponse[]> {
    return this.client.request({
      ...options,
      method: "PUT",
      path: `/api/v1/limits/${segment(limitId)}/properties`,
      body,
      schema: listOrAcknowledgement(LimitResponseSchema),
    });
  }
}
