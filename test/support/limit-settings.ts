import path from "node:path";
import Database from "better-sqlite3";
import { z } from "zod";
import { withoutOwner } from "../../provider/ownership.js";
import type { ServiceFixture } from "./service.js";

const StoredRowsSchema = z.array(z.object({ limit_id: z.string(), properties: z.string() }));
const PropertiesSchema = z.record(z.string(), z.string().nullable());

/**
 * What each live limit holds, by id, apart from the owner record adoption writes (see provider/ownership.ts):
 * to check that an `up` of imported entries changed nothing on the service. Properties are read from the
 * service's database, since the strict profile does not return them (as Pay-i's `Limit` model has none).
 */
export async function liveLimitSettings(service: Pick<ServiceFixture, "client" | "dataDir">): Promise<Map<string, string>> {
  const stored = storedProperties(service.dataDir);
  const settings = new Map<string, string>();
  for await (const l of service.client.limits.list()) {
    const properties = withoutOwner(stored.get(l.limit_id) ?? {});
    settings.set(l.limit_id, JSON.stringify([l.limit_name, l.max, l.limit_type, l.threshold, properties]));
  }
  return settings;
}

/** A limit's property bag as the service stores it (the strict profile returns none); empty for no such limit. */
export function storedLimitProperties(service: Pick<ServiceFixture, "dataDir">, limitId: string): Record<string, string | null> {
  return storedProperties(service.dataDir).get(limitId) ?? {};
}

/** Each limit's property bag as the service stores it, by limit id. */
function storedProperties(dataDir: string): Map<string, Record<string, string | null>> {
  const db = new Database(path.join(dataDir, "payi.sqlite"), { readonly: true });
  try {
    const rows = StoredRowsSchema.parse(db.prepare("SELECT limit_id, properties FROM limits").all());
    return new Map(rows.map((r) => [r.limit_id, PropertiesSchema.parse(JSON.parse(r.properties))]));
  } finally {
    db.close();
  }
}
