import { limitFromApi, meterFromApi } from "../provider/limitry/wire.js";
import type { Limitry } from "../sdk/limitry/index.js";
import {
  limitryLimitKey,
  limitryMeterKey,
  type LimitryLimitEntry,
  type LimitryMeterEntry,
  type LimitrySection,
} from "./limitry-file.js";
import { limitryLimitEntry, limitryMeterEntry } from "./vocabulary.js";

/**
 * Reads every Limitry meter and limit into a `limitry:` section. Each entry carries `adoptId`, so `up`
 * takes the existing object over (what it counts must match, which it does) instead of creating a twin;
 * each is keyed by a slug of its name (`total-tokens`; `-2`, `-3` for names met again), the key the file
 * would give it anyway, and limits name their meter by that key. Customers are not read: Limitry lists none.
 */
export async function importLimitry(client: Limitry): Promise<LimitrySection> {
  const meters: LimitryMeterEntry[] = [];
  const keyOfMeter = new Map<string, string>();
  const meterKey = uniqueKeys();
  for await (const m of client.meters.list({ limit: 100 })) {
    const args = meterFromApi(m);
    const key = meterKey(limitryMeterKey({ ...args }));
    keyOfMeter.set(m.id, key);
    meters.push(limitryMeterEntry({ ...args, adoptId: m.id }, key));
  }
  const limits: LimitryLimitEntry[] = [];
  const limitKey = uniqueKeys();
  for await (const l of client.limits.list({ limit: 100 })) {
    const { meterId, ...args } = limitFromApi(l);
    const meterKey = keyOfMeter.get(meterId);
    const meter = meterKey !== undefined ? { meter: meterKey } : { meterId };
    const key = limitKey(limitryLimitKey({ ...args, ...meter }));
    limits.push(limitryLimitEntry({ ...args, adoptId: l.id }, key, meter));
  }
  return { meters, limits, customers: [] };
}

/** Keys as given, with `-2`, `-3`… for one given again. */
function uniqueKeys(): (key: string) => string {
  const taken = new Set<string>();
  return (key) => {
    let unique = key;
    for (let n = 2; taken.has(unique); n++) unique = `${key}-${n}`;
    taken.add(unique);
    return unique;
  };
}
