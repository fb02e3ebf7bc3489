import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import type { APIPromise } from "../../core/response.js";
import type { Limitry } from "../client.js";
import { TimestampSchema, segment } from "./shared.js";

/** A customer: whose usage is counted, with the timezone and billing cycle its windows follow. */
export const CustomerSchema = z.looseObject({
  id: z.string(),
  projectId: z.string().nullish(),
  externalId: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  /** Anchors `month` and `annual` windows (its day of month, its month and day). */
  billingCycleStart: TimestampSchema.nullish(),
  /** IANA zone for `day` and `week` windows; UTC when null. */
  timezone: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Customer = z.infer<typeof CustomerSchema>;

/** Body of `POST /v1/customers`. */
export const CustomerCreateParamsSchema = z.strictObject({
  externalId: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  billingCycleStart: TimestampSchema.nullish(),
  timezone: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type CustomerCreateParams = z.input<typeof CustomerCreateParamsSchema>;

/** `client.customers`. */
export class Customers {
  constructor(private readonly client: Limitry) {}

  create(body: CustomerCreateParams, options?: RequestOptions): APIPromise<Customer> {
    return this.client.request({ ...options, method: "POST", path: "/customers", body, schema: CustomerSchema });
  }

  /** By internal id (`cust_…`) or by your external id. */
  retrieve(customerId: string, options?: RequestOptions): APIPromise<Customer> {
    return this.client.request({ ...options, method: "GET", path: `/customers/${segment(customerId)}`, schema: CustomerSchema });
  }
}
