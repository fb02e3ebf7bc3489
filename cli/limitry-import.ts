import { limitFromApi, meterFromApi } from "../provider/limitry/wire.js";
import type { Limitry } from "../sdk/limitry/index.js";
import type { LimitryLimitEntry, LimitryMeterEntry, LimitrySection } from "./limitry-file.js";
import { limitryLimitEntry, limitryMeterEntry } from "./vocabulary.js";

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
    meters.push(limitryMeterEntry({ ...meterFromApi(m), adoptId: m.id }, key));
  }
  const limits: LimitryLimitEntry[] = [];
  n = 0;
  for await (const l of client.limits.list({ limit: 100 })) {
    const { meterId, ...args } = limitFromApi(l);
    const meterKey = keyOfMeter.get(meterId);
    const meter = meterKey !== undefined ? { meter: meterKey } : { meterId };
    limits.push(limitryLimitEntry({ ...args, adoptId: l.id }, `limit-${++n}`, meter));
  }
  return { meters, limits, customers: [] };
}
