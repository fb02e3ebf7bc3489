import { z } from "zod";
import type { Db } from "../../db.js";
import { jsonColumn, rowDecoder } from "../../rows.js";
import { SYSTEM_RESOURCES, UnitPricesSchema, type PricedResource } from "../pricing.js";

const optionalCount = z.bigint().nullable().transform((v) => (v === null ? null : Number(v)));

/** A custom resource version as stored, decoded into the priced resource it describes. */
const ResourceRowSchema = z
  .object({
    resource_id: z.string(),
    category: z.string(),
    resource: z.string(),
    units: jsonColumn(UnitPricesSchema),
    max_input_units: optionalCount,
    max_output_units: optionalCount,
    max_total_units: optionalCount,
    start_timestamp: z.string(),
  })
  .transform((row): PricedResource => row);
const rows = rowDecoder(ResourceRowSchema);

/** SQL for custom pricing versions (system prices are built in). */
export class ResourcesRepository {
  readonly #insert;
  readonly #versions;
  readonly #latestIn;
  readonly #categories;
  readonly #byId;
  readonly #delete;
  /** Newest version per `category\u0000resource`; this process is the only writer, so writes just clear it. */
  readonly #latest = new Map<string, PricedResource | null>();

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO resources (resource_id, category, resource, units, max_input_units, max_output_units,
      max_total_units, start_timestamp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#versions = db.prepare("SELECT * FROM resources WHERE category = ? AND resource = ? ORDER BY seq");
    this.#latestIn = db.prepare(`SELECT * FROM resources r WHERE category = ?
      AND seq = (SELECT MAX(seq) FROM resources WHERE category = r.category AND resource = r.resource) ORDER BY resource`);
    this.#categories = db.prepare("SELECT DISTINCT category FROM resources ORDER BY category").pluck();
    this.#byId = db.prepare("SELECT * FROM resources WHERE resource_id = ?");
    this.#delete = db.prepare("DELETE FROM resources WHERE resource_id = ?");
  }

  insert(r: PricedResource): PricedResource {
    this.#latest.clear();
    this.#insert.run(r.resource_id, r.category, r.resource, JSON.stringify(r.units), r.max_input_units ?? null, r.max_output_units ?? null,
        r.max_total_units ?? null, r.start_timestamp, r.start_timestamp);
    return r;
  }

  /** Every version of one resource, oldest first. */
  versions(category: string, resource: string): PricedResource[] {
    return rows.all(this.#versions.all(category, resource));
  }

  /** The version new events are priced with (ingest asks this for every event). */
  latest(category: string, resource: string): PricedResource | undefined {
    const key = `${category}\u0000${resource}`;
    let found = this.#latest.get(key);
    if (found === undefined) {
      found = this.versions(category, resource).at(-1) ?? null;
      this.#latest.set(key, found);
    }
    return found ?? undefined;
  }

  /** The price that applies to new events: the newest custom version, else the built-in system price. */
  priceFor(category: string, resource: string): PricedResource | undefined {
    return this.latest(category, resource) ?? SYSTEM_RESOURCES.find((r) => r.category === category && r.resource === resource);
  }

  /** Newest version of every custom resource in a category. */
  latestIn(category: string): PricedResource[] {
    return rows.all(this.#latestIn.all(category));
  }

  categories(): string[] {
    return z.array(z.string()).parse(this.#categories.all());
  }

  findById(resourceId: string): PricedResource | undefined {
    return rows.one(this.#byId.get(resourceId));
  }

  delete(resourceId: string): void {
    this.#latest.clear();
    this.#delete.run(resourceId);
  }
}
