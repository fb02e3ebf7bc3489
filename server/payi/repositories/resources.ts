import type { Db } from "../../db.js";
import { SYSTEM_RESOURCES, type PricedResource, type UnitPrices } from "../pricing.js";

interface ResourceRow {
  seq: bigint;
  resource_id: string;
  category: string;
  resource: string;
  units: string;
  max_input_units: bigint | null;
  max_output_units: bigint | null;
  max_total_units: bigint | null;
  start_timestamp: string;
}

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
    return (this.#versions.all(category, resource) as ResourceRow[]).map(fromRow);
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
    return (this.#latestIn.all(category) as ResourceRow[]).map(fromRow);
  }

  categories(): string[] {
    return this.#categories.all() as string[];
  }

  findById(resourceId: string): PricedResource | undefined {
    const row = this.#byId.get(resourceId) as ResourceRow | undefined;
    return row && fromRow(row);
  }

  delete(resourceId: string): void {
    this.#latest.clear();
    this.#delete.run(resourceId);
  }
}

function fromRow(row: ResourceRow): PricedResource {
  const int = (v: bigint | null) => (v === null ? null : Number(v));
  return {
    category: row.category,
    resource: row.resource,
    resource_id: row.resource_id,
    units: JSON.parse(row.units) as UnitPrices,
    start_timestamp: row.start_timestamp,
    max_input_units: int(row.max_input_units),
    max_output_units: int(row.max_output_units),
    max_total_units: int(row.max_total_units),
  };
}
