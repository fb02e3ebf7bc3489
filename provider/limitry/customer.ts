import * as pulumi from "@pulumi/pulumi";
import { type GetOptions, unreadOutputs } from "../get.js";
import { stackInstanceId } from "../identity.js";
import { RESOURCE_TYPES } from "../type-token.js";
// One stub for every customer, the exports of its own module: installed, it serializes as a require.
import CUSTOMER_PROVIDER from "./stubs/customer.js";
import { refuseImport } from "../import-option.js";

/** Inputs of a {@link Customer}. */
export interface CustomerArgs {
  /** The id your system knows, which events, limits and checks name. Changing it replaces the customer. */
  externalId: pulumi.Input<string>;
  /** Display name. Changes in place. */
  name?: pulumi.Input<string>;
  /** IANA timezone (`Europe/Paris`) of its `day` and `week` windows; UTC when unset. Changes in place. */
  timezone?: pulumi.Input<string>;
  /**
   * ISO-8601 date-time (with offset) anchoring its `month` and `annual` windows (its day of month, its month and
   * day); unset: when the customer is created. Changes in place (its windows move).
   */
  billingCycleStart?: pulumi.Input<string>;
  /** Free-form metadata. Changes in place. */
  metadata?: pulumi.Input<Record<string, unknown>>;
  /**
   * Take over the customer Limitry already holds with this `externalId` (e.g. created by its first event);
   * without it such a create fails.
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A Limitry customer (URN type `pulumi-nodejs:dynamic/limitry:Customer`): the timezone and billing cycle its
 * limits' windows follow. Everything but `externalId` updates in place.
 *
 * ```ts
 * new limitry.Customer("acme", { externalId: "cust_123", name: "Acme", timezone: "America/New_York",
 *   billingCycleStart: "2026-01-15T00:00:00Z" });
 * ```
 */
export class Customer extends pulumi.dynamic.Resource {
  /** Limitry's internal id (`cust_…`), the same as the resource `id`. */
  declare readonly customerId: pulumi.Output<string>;
  declare readonly externalId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string | undefined>;
  declare readonly timezone: pulumi.Output<string | undefined>;
  declare readonly billingCycleStart: pulumi.Output<string | undefined>;
  /** The billing cycle Limitry holds: the declared one, or the create's time. */
  declare readonly effectiveBillingCycleStart: pulumi.Output<string | null>;
  declare readonly metadata: pulumi.Output<Record<string, unknown> | undefined>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;

  /**
   * The Limitry customer with this id (`cust_…`, its `customerId`), read into the program (see
   * {@link Meter.get}): Pulumi never creates, updates or deletes it, and the read claims nothing.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Customer {
    return new Customer(name, undefined, { ...opts, id });
  }

  /** A customer this program declares. */
  constructor(name: string, args: CustomerArgs, opts?: pulumi.CustomResourceOptions);
  /** The customer `opts.id` names, read as {@link Customer.get} reads it. */
  constructor(name: string, args: undefined, opts: GetOptions);
  constructor(name: string, args: CustomerArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseImport(opts, `limitry.Customer '${name}'`, () => "Take the customer over with adopt: true instead.");
    super(
      CUSTOMER_PROVIDER,
      name,
      args === undefined || opts?.id !== undefined
        ? unreadOutputs<Customer>({
            customerId: undefined,
            externalId: undefined,
            name: undefined,
            timezone: undefined,
            billingCycleStart: undefined,
            effectiveBillingCycleStart: undefined,
            metadata: undefined,
            createdAt: undefined,
            updatedAt: undefined,
          })
        : {
            ...args,
            // What the create's idempotency key derives from, with the declaration (provider/limitry/create-once.ts).
            idSeed: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
            instance: stackInstanceId(),
            customerId: undefined,
            effectiveBillingCycleStart: undefined,
            createdAt: undefined,
            updatedAt: undefined,
          },
      opts,
      RESOURCE_TYPES.limitryCustomer.module,
      RESOURCE_TYPES.limitryCustomer.type,
    );
  }
}
