import { withoutOwner } from "../../provider/ownership.js";
import type { Payi } from "../../sdk/index.js";

/**
 * What each live limit holds, by id, apart from the owner record adoption writes (see provider/ownership.ts):
 * to check that an `up` of imported entries changed nothing on the service.
 */
export async function liveLimitSettings(client: Payi): Promise<Map<string, string>> {
  const settings = new Map<string, string>();
  for await (const l of client.limits.list()) {
    settings.set(l.limit_id, JSON.stringify([l.limit_name, l.max, l.limit_type, l.threshold, withoutOwner(l.properties ?? {})]));
  }
  return settings;
}
