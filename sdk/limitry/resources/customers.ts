import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import type { APIPromise } from "../../core/response.js";
import type { Limitry } from "../client.js";
import { DeleteResponseSchema, TimestampSchema, goneAlready, segment, type DeleteResponse } from "./shared.js";

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

/**
 * Body of `PUT /v1/customers/{id}` (the local service's; Limitry documents create and retrieve only): a partial
 * update, omitted fields keep their value, `null` clears. `externalId` cannot change.
 */
export const CustomerUpdateParamsSchema = CustomerCreateParamsSchema.omit({ externalId: true }).partial();
export type CustomerUpdateParams = z.input<typeof CustomerUpdateParamsSchema>;

/** `client.customers`. */
export class Customers {
  constructor(private readonly client: Limitry) {}

  create(body: CustomerCreateParams, options?: RequestOptions): APIPromise<Customer> {
    return this.client.request({ ...options, method: "POST", path: "/customers", body, schema: CustomerSchema });
  }

  /** Changes only the fields given (local service; not in Limitry's documented API). */
  update(customerId: string, body: CustomerUpdateParams, options?: RequestOptions): APIPromise<Customer> {
    return this.client.request({
      ...options,
      method: "PUT",
      path: `/customers/${segment(customerId)}`,
      body,
      schema: CustomerSchema,
    });
  }

  /**
   * Deletes the customer record (local service; not in Limitry's documented API). Its events and limits stay;
   * its next event creates it again. A retry finding it gone after a lost answer reports success.
   */
  delete(customerId: string, options?: RequestOptions): APIPromise<DeleteResponse> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/customers/${segment(customerId)}`,
      schema: DeleteResponseSchema,
      settledBy: goneAlready("customer_not_found"),
    });
  }

  /** By internal id (`cust_…`) or by your external id. */
  retrieve(customerId: string, options?: RequestOptions): APIPromise<Customer> {
    return this.client.request({ ...options, method: "GET", path: `/customers/${segment(customerId)}`, schema: CustomerSchema });
  }
}
