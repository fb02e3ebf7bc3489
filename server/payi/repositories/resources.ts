import { z } from "zod";
import type { Db } from "../../db.js";
import { jsonColumn, rowDecoder } from "../../rows.js";
import { SYSTEM_RESOURCES, UnitPricesSchema, type PricedResource } from "../pricing.js";

const optionalCount = z
  .bigint()
  .nullable()
  .transform((v) => (v === null ? null : Number(v)));

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
  readonly #allIn;
  readonly #deleteCategory;
  readonly #deleteResource;
  readonly #hasCategory;
  /** Versions per `category\u0000resource`, oldest first; this process is the only writer, so writes just clear it. */
  readonly #byResource = new Map<string, Array<{ version: PricedResource; startsAt: number }>>();

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO resources (resource_id, category, resource, units, max_input_units, max_output_units,
      max_total_units, start_timestamp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#versions = db.prepare("SELECT * FROM resources WHERE category = ? AND resource = ? ORDER BY seq");
    this.#latestIn = db.prepare(`SELECT * FROM resources r WHERE category = ?
      AND seq = (SELECT MAX(seq) FROM resources WHERE category = r.category AND resource = r.resource) ORDER BY resource`);
    this.#categories = db.prepare("SELECT DISTINCT category FROM resources ORDER BY category").pluck();
    this.#hasCategory = db.prepare("SELECT 1 FROM resources WHERE category = ? LIMIT 1").pluck();
    this.#byId = db.prepare("SELECT * FROM resources WHERE resource_id = ?");
    this.#delete = db.prepare("DELETE FROM resources WHERE resource_id = ?");
    this.#allIn = db.prepare("SELECT * FROM resources WHERE category = ? ORDER BY seq");
    this.#deleteCategory = db.prepare("DELETE FROM resources WHERE category = ?");
    this.#deleteResource = db.prepare("DELETE FROM resources WHERE category = ? AND resource = ?");
  }

  insert(r: PricedResource): PricedResource {
    this.#byResource.clear();
    this.#insert.run(
      r.resource_id,
      r.category,
      r.resource,
      JSON.stringify(r.units),
      r.max_input_units ?? null,
      r.max_output_units ?? null,
      r.max_total_units ?? null,
      r.start_timestamp,
      r.start_timestamp,
    );
    return r;
  }

  /** Every version of one resource, oldest first. */
  versions(category: string, resource: string): PricedResource[] {
    return rows.all(this.#versions.all(category, resource));
  }

  /**
   * The version that prices an event at `at` (ISO-8601): of the versions whose start_timestamp is not after
   * `at`, the one that started last (the newer one when two start together); the built-in system price when
   * no custom version is in force yet. Ingest asks this for every event, so versions are cached per resource.
   */
  priceFor(category: string, resource: string, at: string): PricedResource | undefined {
    const key = `${category}\u0000${resource}`;
    let versions = this.#byResource.get(key);
    if (versions === undefined) {
      versions = this.versions(category, resource).map((v) => ({ version: v, startsAt: Date.parse(v.start_timestamp) }));
      this.#byResource.set(key, versions);
    }
    const when = Date.parse(at);
    let inForce: { version: PricedResource; startsAt: number } | undefined;
    for (const v of versions) if (v.startsAt <= when && (inForce === undefined || v.startsAt >= inForce.startsAt)) inForce = v;
    return inForce?.version ?? SYSTEM_RESOURCES.find((r) => r.category === category && r.resource === resource);
  }

  /** True when the category has any price, built in or custom. */
  hasCategory(category: string): boolean {
    return SYSTEM_RESOURCES.some((r) => r.category === category) || this.#hasCategory.get(category) !== undefined;
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

  /** Every custom version of every resource in a category, oldest first. */
  allIn(category: string): PricedResource[] {
    return rows.all(this.#allIn.all(category));
  }

  /** Deletes every custom version in a category, or of one resource in it. */
  deleteAll(category: string, resource?: string): void {
    this.#byResource.clear();
    if (resource === undefined) this.#deleteCategory.run(category);
    else this.#deleteResource.run(category, resource);
  }

  delete(resourceId: string): void {
    this.#byResource.clear();
    this.#delete.run(resourceId);
  }
}
