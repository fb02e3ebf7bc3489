import type { Limitry } from "../sdk/limitry/index.js";
import type { LimitryLimitEntry, LimitryMeterEntry, LimitrySection } from "./limitry-file.js";

/**
 * Reads every Limitry meter and limit into a `limitry:` section. Each entry carries `adoptId`, so `up`
 * takes the existing object over (what it counts must match, which it does) instead of creating a twin;
 * limits name their meter by the key given to it here.
 */
export async function importLimitry(client: Limitry): Promise<LimitrySection> {
  const meters: LimitryMeterEntry[] = [];
  const keyOfMeter = new Map<string, string>();
  let n = 0;
  for await (const m of client.meters.list({ limit: 100 })) {
    const key = `meter-${++n}`;
    keyOfMeter.set(m.id, key);
    const filter = m.eventFilter;
    meters.push({
      key,
      name: m.name,
      aggregation: m.aggregation,
      field: m.field,
      ...(m.description != null ? { description: m.description } : {}),
      ...(filter && (filter.eventType != null || filter.dimensions != null)
        ? {
            eventFilter: {
              ...(filter.eventType != null ? { eventType: filter.eventType } : {}),
              ...(filter.dimensions != null ? { dimensions: filter.dimensions } : {}),
            },
          }
        : {}),
      adoptId: m.id,
    });
  }
  const limits: LimitryLimitEntry[] = [];
  n = 0;
  for await (const l of client.limits.list({ limit: 100 })) {
    const meterKey = keyOfMeter.get(l.meterId);
    limits.push({
      key: `limit-${++n}`,
      name: l.name,
      ...(meterKey !== undefined ? { meter: meterKey } : { meterId: l.meterId }),
      limitValue: l.limitValue,
      period: l.period,
      ...(l.customerId !== null ? { customerId: l.customerId } : {}),
      ...(Object.keys(l.dimensionFilters).length ? { dimensionFilters: l.dimensionFilters } : {}),
      ...(l.alertThresholds !== null ? { alertThresholds: l.alertThresholds } : {}),
      adoptId: l.id,
    });
  }
  return { meters, limits, customers: [] };
}
