import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import type { Limitry } from "../client.js";
import { listPages, type LimitryPagePromise } from "../pagination.js";
import { PeriodSchema } from "./limits.js";
import { TimestampSchema, listPageSchema, type ListParams } from "./shared.js";

/**
 * An alert as Limitry's webhooks describe it (`limit.threshold_reached`, `limit.exceeded` at 100 %).
 * Limitry delivers these to webhooks configured in its dashboard; the local service keeps them instead,
 * listed by `GET /v1/alerts` (an extension of the local service, not a documented Limitry endpoint).
 */
export const AlertSchema = z.looseObject({
  id: z.string(),
  event: z.enum(["limit.threshold_reached", "limit.exceeded"]),
  timestamp: TimestampSchema,
  data: z.looseObject({
    customerId: z.string(),
    limitId: z.string(),
    limitName: z.string(),
    /** The percentage crossed. */
    threshold: z.number(),
    limit: z.number(),
    currentUsage: z.number(),
    percentage: z.number(),
    remaining: z.number(),
    period: PeriodSchema,
    windowStart: TimestampSchema.nullable(),
    windowEnd: TimestampSchema.nullable(),
  }),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertListPageSchema = listPageSchema(AlertSchema);

export interface AlertListParams extends ListParams {
  limitId?: string;
  customerId?: string;
}

/** `client.alerts` (local service only): the alerts fired so far, oldest first. */
export class Alerts {
  constructor(private readonly client: Limitry) {}

  list(query: AlertListParams = {}, options?: RequestOptions): LimitryPagePromise<Alert> {
    return listPages(this.client, {
      ...options,
      method: "GET",
      path: "/alerts",
      query: { ...options?.query, ...query },
      schema: AlertListPageSchema,
    });
  }
}
