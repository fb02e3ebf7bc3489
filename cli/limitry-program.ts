import type * as pulumi from "@pulumi/pulumi";
import { limitry } from "../provider/index.js";
import { limitryLimitKey, limitryMeterKey, type LimitrySection } from "./limitry-file.js";

/** Stack output holding `{ [key]: limitId }` for every declared Limitry limit; `status` reads it. */
export const LIMITRY_LIMIT_IDS_OUTPUT = "limitryLimitIds";

/** Resource names are prefixed so that a Limitry key never collides with a Pay-i limit's key. */
const limitryMeterResource = (key: string) => `limitry-meter-${key}`;
const limitryLimitResource = (key: string) => `limitry-limit-${key}`;

/** Declares the section's meters and limits (inside a Pulumi program); returns the limits' ids by key. */
export function declareLimitry(section: LimitrySection): Record<string, pulumi.Output<string>> {
  const meterIds = new Map<string, pulumi.Input<string>>();
  for (const entry of section.meters) {
    const key = limitryMeterKey(entry);
    const meter = new limitry.Meter(limitryMeterResource(key), {
      name: entry.name,
      aggregation: entry.aggregation,
      field: entry.field,
      ...(entry.description !== undefined ? { description: entry.description } : {}),
      ...(entry.eventFilter !== undefined ? { eventFilter: entry.eventFilter } : {}),
      ...(entry.adoptId !== undefined ? { adoptId: entry.adoptId } : {}),
    });
    // The resource id, not the meterId output: an id stays known at preview while the meter updates in place.
    meterIds.set(key, meter.id);
  }
  const limitIds: Record<string, pulumi.Output<string>> = {};
  for (const entry of section.limits) {
    const key = limitryLimitKey(entry);
    // parseBudgets guarantees exactly one of meter/meterId and that `meter` names a meter above.
    const meterId = entry.meterId ?? meterIds.get(entry.meter ?? "") ?? "";
    const limit = new limitry.Limit(limitryLimitResource(key), {
      name: entry.name,
      meterId,
      limitValue: entry.limitValue,
      period: entry.period,
      ...(entry.customerId !== undefined ? { customerId: entry.customerId } : {}),
      ...(entry.dimensionFilters !== undefined ? { dimensionFilters: entry.dimensionFilters } : {}),
      ...(entry.alertThresholds !== undefined ? { alertThresholds: entry.alertThresholds } : {}),
      ...(entry.adoptId !== undefined ? { adoptId: entry.adoptId } : {}),
    });
    limitIds[key] = limit.limitId;
  }
  return limitIds;
}
