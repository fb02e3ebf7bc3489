import type * as pulumi from "@pulumi/pulumi";
import { limitry } from "../provider/index.js";
import type { Declaration } from "./vocabulary.js";

/** Stack output holding `{ [key]: limitId }` for every declared Limitry limit; `status` reads it. */
export const LIMITRY_LIMIT_IDS_OUTPUT = "limitryLimitIds";

/** Declares the Limitry meters and limits among `declarations` (inside a Pulumi program); returns the limits' ids by key. */
export function declareLimitry(declarations: Declaration[]): Record<string, pulumi.Output<string>> {
  const meterIds = new Map<string, pulumi.Input<string>>();
  const limitIds: Record<string, pulumi.Output<string>> = {};
  for (const d of declarations) {
    if (d.type === "limitry.Meter") {
      // The resource id, not the meterId output: an id stays known at preview while the meter updates in place.
      meterIds.set(d.name, new limitry.Meter(d.name, d.args).id);
    } else if (d.type === "limitry.Limit") {
      // Meters are declared before the limits that count them (see budgetsDeclarations).
      const meterId = "id" in d.meter ? d.meter.id : (meterIds.get(d.meter.declared) ?? "");
      limitIds[d.key] = new limitry.Limit(d.name, { meterId, ...d.args }).limitId;
    }
  }
  return limitIds;
}
