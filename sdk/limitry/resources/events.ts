import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import type { APIPromise } from "../../core/response.js";
import type { Limitry } from "../client.js";
import { DimensionsSchema, TimestampSchema } from "./shared.js";

/** Body of `POST /v1/events/record`, and each event of a batch. */
export const EventRecordParamsSchema = z.strictObject({
  /** The customer's id in your system; an unknown one creates the customer. */
  customerId: z.string(),
  /** Dotted names by convention: `llm.completion`. */
  eventType: z.string(),
  /** What meters aggregate: `values.tokens` reads `values: {tokens: …}`. */
  values: z.record(z.string(), z.number()).nullish(),
  dimensions: DimensionsSchema.nullish(),
  /** Extra metadata, kept and never matched. */
  properties: z.record(z.string(), z.unknown()).nullish(),
  /** When the usage happened (default: now); backdating is allowed. */
  timestamp: TimestampSchema.nullish(),
});
export type EventRecordParams = z.input<typeof EventRecordParamsSchema>;

export const EventRecordResponseSchema = z.looseObject({ id: z.string(), recorded: z.boolean() });
export type EventRecordResponse = z.infer<typeof EventRecordResponseSchema>;

/** Body of `POST /v1/events/batch`: at most 1000 events, recorded all or none. */
export const EventBatchParamsSchema = z.strictObject({ events: z.array(EventRecordParamsSchema) });
export type EventBatchParams = z.input<typeof EventBatchParamsSchema>;

export const EventBatchResponseSchema = z.looseObject({ count: z.number() });
export type EventBatchResponse = z.infer<typeof EventBatchResponseSchema>;

/**
 * `client.events`: record usage. Each call carries an `Idempotency-Key` that Limitry honours, so a record or
 * batch retried after a lost answer counts once. Give the call your own key (`{ headers: { "Idempotency-Key":
 * eventId } }`) to make a resend from a restarted process count once too.
 */
export class Events {
  constructor(private readonly client: Limitry) {}

  record(body: EventRecordParams, options?: RequestOptions): APIPromise<EventRecordResponse> {
    return this.client.request({ ...options, method: "POST", path: "/events/record", body, schema: EventRecordResponseSchema });
  }

  /** Records up to 1000 events in one call; one invalid event rejects the whole batch. */
  batch(body: EventBatchParams, options?: RequestOptions): APIPromise<EventBatchResponse> {
    return this.client.request({ ...options, method: "POST", path: "/events/batch", body, schema: EventBatchResponseSchema });
  }
}
