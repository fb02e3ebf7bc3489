import type * as pulumi from "@pulumi/pulumi";
import { limitry } from "../provider/index.js";
import { aliasOptions, type Declaration } from "./vocabulary.js";

/** Stack output holding `{ [key]: limitId }` for every declared Limitry limit; `status` reads it. */
export const LIMITRY_LIMIT_IDS_OUTPUT = "limitryLimitIds";

/**
 * Declares the Limitry meters, customers and limits among `declarations` (inside a Pulumi program); returns the
 * limits' ids by key. A limit for a customer the file manages depends on it: the customer's timezone and billing
 * cycle are in force before the limit exists, and the limit goes before the customer.
 */
export function declareLimitry(declarations: Declaration[]): Record<string, pulumi.Output<string>> {
  const meterIds = new Map<string, pulumi.Input<string>>();
  const customers = new Map<string, limitry.Customer>();
  const limitIds: Record<string, pulumi.Output<string>> = {};
  for (const d of declarations) {
    if (d.type === "limitry.Meter") {
      // The resource id, not the meterId output: an id stays known at preview while the meter updates in place.
      meterIds.set(d.name, new limitry.Meter(d.name, d.args, aliasOptions(d)).id);
    } else if (d.type === "limitry.Customer") {
      customers.set(d.args.externalId, new limitry.Customer(d.name, d.args, aliasOptions(d)));
    } else if (d.type === "limitry.Limit") {
      // Meters and customers are declared before the limits (see budgetsDeclarations).
      const meterId = "id" in d.meter ? d.meter.id : (meterIds.get(d.meter.declared) ?? "");
      const customer = d.args.customerId === undefined ? undefined : customers.get(d.args.customerId);
      limitIds[d.key] = new limitry.Limit(
        d.name,
        { meterId, ...d.args },
        { ...aliasOptions(d), ...(customer ? { dependsOn: customer } : {}) },
      ).limitId;
    }
  }
  return limitIds;
}
