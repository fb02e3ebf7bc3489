import { z } from "zod";
import type { Customer } from "../../../sdk/limitry/resources/customers.js";
import type { Db } from "../../db.js";
import { fromJson, newId } from "./json.js";

/** A customer as stored. */
export interface CustomerRow {
  seq: bigint;
  id: string;
  external_id: string;
  name: string | null;
  email: string | null;
  billing_cycle_start: string | null;
  timezone: string | null;
  metadata: string;
  created_at: string;
  updated_at: string;
}

export interface NewCustomer {
  externalId: string;
  name?: string | null | undefined;
  email?: string | null | undefined;
  billingCycleStart?: string | null | undefined;
  timezone?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

/** SQL for Limitry customers. */
export class CustomersRepository {
  readonly #byEither;
  readonly #byExternal;
  readonly #insert;
  readonly #update;
  readonly #delete;

  constructor(db: Db) {
    this.#byEither = db.prepare<{ id: string }, CustomerRow>(
      "SELECT * FROM limitry_customers WHERE id = @id OR external_id = @id ORDER BY (id = @id) DESC LIMIT 1",
    );
    this.#byExternal = db.prepare<[string], CustomerRow>("SELECT * FROM limitry_customers WHERE external_id = ?");
    this.#insert = db.prepare(`INSERT INTO limitry_customers
      (id, external_id, name, email, billing_cycle_start, timezone, metadata, created_at, updated_at)
      VALUES (@id, @externalId, @name, @email, @billingCycleStart, @timezone, @metadata, @now, @now)`);
    this.#update = db.prepare(`UPDATE limitry_customers SET name = @name, email = @email,
      billing_cycle_start = @billingCycleStart, timezone = @timezone, metadata = @metadata, updated_at = @now WHERE id = @id`);
    this.#delete = db.prepare("DELETE FROM limitry_customers WHERE id = ?");
  }

  /** By internal id (`cust_…`) or external id; the internal id wins when both match. */
  find(id: string): CustomerRow | undefined {
    return this.#byEither.get({ id });
  }

  findByExternalId(externalId: string): CustomerRow | undefined {
    return this.#byExternal.get(externalId);
  }

  insert(customer: NewCustomer, now: string): CustomerRow {
    this.#insert.run({
      id: newId("cust"),
      externalId: customer.externalId,
      name: customer.name ?? null,
      email: customer.email ?? null,
      billingCycleStart: customer.billingCycleStart ?? null,
      timezone: customer.timezone ?? null,
      metadata: JSON.stringify(customer.metadata ?? {}),
      now,
    });
    const row = this.findByExternalId(customer.externalId);
    if (!row) throw new Error(`customer ${customer.externalId} vanished after insert`);
    return row;
  }

  /** Replaces every field but the ids (the caller merged a partial update in). */
  update(row: CustomerRow, customer: NewCustomer, now: string): CustomerRow {
    this.#update.run({
      id: row.id,
      name: customer.name ?? null,
      email: customer.email ?? null,
      billingCycleStart: customer.billingCycleStart ?? null,
      timezone: customer.timezone ?? null,
      metadata: JSON.stringify(customer.metadata ?? {}),
      now,
    });
    const updated = this.find(row.id);
    if (!updated) throw new Error(`customer ${row.id} vanished after update`);
    return updated;
  }

  delete(row: CustomerRow): void {
    this.#delete.run(row.id);
  }

  /**
   * The customer an event names, created on its first event as `POST /customers` creates one without
   * options: no timezone (UTC), billing cycle starting now.
   */
  ensure(externalId: string, now: string): CustomerRow {
    return this.findByExternalId(externalId) ?? this.insert({ externalId, billingCycleStart: now }, now);
  }
}

export function customerToWire(row: CustomerRow): Customer {
  return {
    id: row.id,
    projectId: null,
    externalId: row.external_id,
    name: row.name,
    email: row.email,
    billingCycleStart: row.billing_cycle_start,
    timezone: row.timezone,
    metadata: fromJson(z.record(z.string(), z.unknown()), row.metadata) ?? {},
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
