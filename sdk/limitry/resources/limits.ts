import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import type { APIPromise } from "../../core/response.js";
import type { Limitry } from "../client.js";
import { listPages, type LimitryPagePromise } from "../pagination.js";
import {
  DeleteResponseSchema,
  DimensionsSchema,
  TimestampSchema,
  goneAlready,
  listPageSchema,
  segment,
  type DeleteResponse,
  type ListParams,
} from "./shared.js";

/** The window a limit counts over; `all_time` never resets. */
export const PeriodSchema = z.enum(["hour", "day", "week", "month", "annual", "all_time"]);
export type Period = z.infer<typeof PeriodSchema>;

/** A usage limit: a cap on a meter's value per period, as Limitry returns it. */
export const LimitSchema = z.looseObject({
  id: z.string(),
  projectId: z.string().nullish(),
  name: z.string(),
  meterId: z.string(),
  limitValue: z.number(),
  period: PeriodSchema,
  /** Null: the limit applies to every customer, each counted on its own. */
  customerId: z.string().nullable(),
  /** Only events with all these dimensions count; `{}` counts every event of the meter. */
  dimensionFilters: DimensionsSchema,
  /** Percentages (1–100) of `limitValue` at which an alert fires; null for none. */
  alertThresholds: z.array(z.number()).nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Limit = z.infer<typeof LimitSchema>;

/** Body of `POST /v1/limits`. Wire-level types only; the service enforces the rules. */
export const LimitCreateParamsSchema = z.strictObject({
  name: z.string(),
  meterId: z.string(),
  /** Integer > 0, in the meter's unit. */
  limitValue: z.number(),
  period: PeriodSchema,
  customerId: z.string().nullish(),
  dimensionFilters: DimensionsSchema.nullish(),
  alertThresholds: z.array(z.number()).nullish(),
});
export type LimitCreateParams = z.input<typeof LimitCreateParamsSchema>;

/** Body of `PUT /v1/limits/{id}`: a partial update, omitted fields keep their value. */
export const LimitUpdateParamsSchema = LimitCreateParamsSchema.partial();
export type LimitUpdateParams = z.input<typeof LimitUpdateParamsSchema>;

export const LimitListPageSchema = listPageSchema(LimitSchema);

export interface LimitListParams extends ListParams {
  /** Only limits of this customer (project-wide limits are not included). */
  customerId?: string;
}

/** Body of `POST /v1/limits/check`. */
export const LimitCheckParamsSchema = z.strictObject({
  customerId: z.string().nullish(),
  /** Only limits whose dimension filters all appear here with the same values. */
  dimensions: DimensionsSchema.nullish(),
});
export type LimitCheckParams = z.input<typeof LimitCheckParamsSchema>;

/** One limit's standing in a check. */
export const LimitCheckEntrySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  meterId: z.string(),
  period: PeriodSchema,
  limit: z.number(),
  used: z.number(),
  /** max(limit − used, 0). */
  remaining: z.number(),
  /** used ≥ limit. */
  exceeded: z.boolean(),
  /** Unix seconds at which the current window ends; null for `all_time`. */
  reset: z.number().nullable(),
});
export type LimitCheckEntry = z.infer<typeof LimitCheckEntrySchema>;

export const LimitCheckResultSchema = z.looseObject({
  allowed: z.boolean(),
  /** Why a check is not allowed (`limit_exceeded`); absent when allowed. */
  reason: z.string().nullish(),
  limits: z.array(LimitCheckEntrySchema),
});
export type LimitCheckResult = z.infer<typeof LimitCheckResultSchema>;

/** `client.limits`: caps on meters, and `check` to ask whether a customer is within them. */
export class Limits {
  constructor(private readonly client: Limitry) {}

  create(body: LimitCreateParams, options?: RequestOptions): APIPromise<Limit> {
    return this.client.request({ ...options, method: "POST", path: "/limits", body, schema: LimitSchema });
  }

  retrieve(limitId: string, options?: RequestOptions): APIPromise<Limit> {
    return this.client.request({ ...options, method: "GET", path: `/limits/${segment(limitId)}`, schema: LimitSchema });
  }

  /** Changes only the fields given. */
  update(limitId: string, body: LimitUpdateParams, options?: RequestOptions): APIPromise<Limit> {
    return this.client.request({ ...options, method: "PUT", path: `/limits/${segment(limitId)}`, body, schema: LimitSchema });
  }

  /** Await for the first page, or `for await` over every limit. */
  list(query: LimitListParams = {}, options?: RequestOptions): LimitryPagePromise<Limit> {
    return listPages(this.client, {
      ...options,
      method: "GET",
      path: "/limits",
      query: { ...options?.query, ...query },
      schema: LimitListPageSchema,
    });
  }

  /**
   * Deletes a limit. A delete is idempotent: when an earlier attempt's answer was lost and the retry finds
   * the limit gone (`limit_not_found`), the first attempt deleted it, and the call answers `{success: true}`.
   */
  delete(limitId: string, options?: RequestOptions): APIPromise<DeleteResponse> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/limits/${segment(limitId)}`,
      schema: DeleteResponseSchema,
      settledBy: goneAlready("limit_not_found"),
    });
  }

  /** Whether a customer is within every matching limit; counts nothing, and answers (not throws) when over. */
  check(body: LimitCheckParams = {}, options?: RequestOptions): APIPromise<LimitCheckResult> {
    return this.client.request({
      ...options,
      method: "POST",
      path: "/limits/check",
      body,
      schema: LimitCheckResultSchema,
      // A read sent as POST: it counts nothing, so repeating it is safe.
      idempotent: true,
    });
  }
}
