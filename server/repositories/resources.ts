import type { Db } from "../db.js";
import type { PricedResource, UnitPrices } from "../domain/pricing.js";

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
  constructor(private readonly db: Db) {}

  insert(r: PricedResource): PricedResource {
    this.db
      .prepare(`INSERT INTO resources (resource_id, category, resource, units, max_input_units, max_output_units, max_total_units,
        start_timestamp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(r.resource_id, r.category, r.resource, JSON.stringify(r.units), r.max_input_units ?? null, r.max_output_units ?? null,
        r.max_total_units ?? null, r.start_timestamp, r.start_timestamp);
    return r;
  }

  /** Every version of one resource, oldest first. */
  versions(category: string, resource: string): PricedResource[] {
    return (this.db.prepare("SELECT * FROM resources WHERE category = ? AND resource = ? ORDER BY seq").all(category, resource) as ResourceRow[]).map(fromRow);
  }

  /** Newest version of every custom resource in a category. */
  latestIn(category: string): PricedResource[] {
    return (
      this.db
        .prepare(`SELECT * FROM resources r WHERE category = ? AND seq = (SELECT MAX(seq) FROM resources WHERE category = r.category AND resource = r.resource) ORDER BY resource`)
        .all(category) as ResourceRow[]
    ).map(fromRow);
  }

  categories(): string[] {
    return this.db.prepare("SELECT DISTINCT category FROM resources ORDER BY category").pluck().all() as string[];
  }

  findById(resourceId: string): PricedResource | undefined {
    const row = this.db.prepare("SELECT * FROM resources WHERE resource_id = ?").get(resourceId) as ResourceRow | undefined;
    return row && fromRow(row);
  }

  delete(resourceId: string): void {
    this.db.prepare("DELETE FROM resources WHERE resource_id = ?").run(resourceId);
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
