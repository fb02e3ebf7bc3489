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

/** How a meter folds matching events into one number: `sum`/`max`/`latest` of a value, or `count` of events. */
export const AggregationSchema = z.enum(["sum", "count", "max", "latest"]);
export type Aggregation = z.infer<typeof AggregationSchema>;

/** Which events a meter counts: an event type and dimensions that must all match (ANDed). */
export const EventFilterSchema = z.object({
  eventType: z.string().nullish(),
  dimensions: DimensionsSchema.nullish(),
});
export type EventFilter = z.infer<typeof EventFilterSchema>;

/** `eventFilter` in a request: the same fields, and any other key is refused (a snake_case key would be lost). */
const EventFilterParamsSchema = z.strictObject(EventFilterSchema.shape);

/** A meter: an aggregation over events, as Limitry returns it. */
export const MeterSchema = z.looseObject({
  id: z.string(),
  projectId: z.string().nullish(),
  name: z.string(),
  description: z.string().nullish(),
  aggregation: AggregationSchema,
  /** `values.<key>`, or `*` with `count`. */
  field: z.string(),
  eventFilter: EventFilterSchema.nullish(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Meter = z.infer<typeof MeterSchema>;

/**
 * Body of `POST /v1/meters`. Wire-level types only; the service enforces the rules. Request schemas are
 * strict: an unknown key (`event_filter`) is a 400 naming it, never silently dropped.
 */
export const MeterCreateParamsSchema = z.strictObject({
  name: z.string(),
  aggregation: AggregationSchema,
  field: z.string(),
  description: z.string().nullish(),
  eventFilter: EventFilterParamsSchema.nullish(),
});
export type MeterCreateParams = z.input<typeof MeterCreateParamsSchema>;

/** Body of `PUT /v1/meters/{id}`: a partial update, omitted fields keep their value. */
export const MeterUpdateParamsSchema = MeterCreateParamsSchema.partial();
export type MeterUpdateParams = z.input<typeof MeterUpdateParamsSchema>;

/** Body of `POST /v1/meters/{id}/query`: without dates, the meter's value over all time. */
export const MeterQueryParamsSchema = z.strictObject({
  customerId: z.string().nullish(),
  dimensions: DimensionsSchema.nullish(),
  startDate: TimestampSchema.nullish(),
  endDate: TimestampSchema.nullish(),
});
export type MeterQueryParams = z.input<typeof MeterQueryParamsSchema>;

export const MeterQueryResultSchema = z.looseObject({
  meterId: z.string(),
  meterName: z.string(),
  value: z.number(),
  aggregation: AggregationSchema,
});
export type MeterQueryResult = z.infer<typeof MeterQueryResultSchema>;

export const MeterListPageSchema = listPageSchema(MeterSchema);

/** `client.meters`: define what is counted. */
export class Meters {
  constructor(private readonly client: Limitry) {}

  create(body: MeterCreateParams, options?: RequestOptions): APIPromise<Meter> {
    return this.client.request({ ...options, method: "POST", path: "/meters", body, schema: MeterSchema });
  }

  retrieve(meterId: string, options?: RequestOptions): APIPromise<Meter> {
    return this.client.request({ ...options, method: "GET", path: `/meters/${segment(meterId)}`, schema: MeterSchema });
  }

  /** Changes only the fields given. */
  update(meterId: string, body: MeterUpdateParams, options?: RequestOptions): APIPromise<Meter> {
    return this.client.request({ ...options, method: "PUT", path: `/meters/${segment(meterId)}`, body, schema: MeterSchema });
  }

  /** Await for the first page, or `for await` over every meter. */
  list(query: ListParams = {}, options?: RequestOptions): LimitryPagePromise<Meter> {
    return listPages(this.client, {
      ...options,
      method: "GET",
      path: "/meters",
      query: { ...options?.query, ...query },
      schema: MeterListPageSchema,
    });
  }

  /** Deletes a meter; the local service refuses (409 `meter_in_use`) while a limit counts it. */
  delete(meterId: string, options?: RequestOptions): APIPromise<DeleteResponse> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/meters/${segment(meterId)}`,
      schema: DeleteResponseSchema,
      // As limits.delete: a retry finding the meter gone after a lost answer means the first attempt deleted it.
      settledBy: goneAlready("meter_not_found"),
    });
  }

  /** The meter's aggregated value over matching events (optionally one customer, dimensions and dates). */
  query(meterId: string, body: MeterQueryParams = {}, options?: RequestOptions): APIPromise<MeterQueryResult> {
    return this.client.request({
      ...options,
      method: "POST",
      path: `/meters/${segment(meterId)}/query`,
      body,
      schema: MeterQueryResultSchema,
      // A read sent as POST: repeating it changes nothing.
      idempotent: true,
    });
  }
}
