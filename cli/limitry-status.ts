import Table from "cli-table3";
import { Limitry } from "../sdk/limitry/index.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { customerIds, type LimitrySection } from "./limitry-file.js";

/** One row of the Limitry status report: a limit's standing for one customer in its current window. */
export interface LimitryStatusRow {
  customerId: string;
  key: string;
  limitId: string;
  name: string;
  period: string;
  used: number;
  limit: number;
  remaining: number;
  exceeded: boolean;
  /** ISO time the window ends; null for all_time. */
  reset: string | null;
}

/** The customers to report on: `--customer` (comma-separated) when given, else those the file names (managed or not). */
export function limitryCustomers(section: LimitrySection, flag: string | undefined): string[] {
  if (flag)
    return flag
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
  const named = [...customerIds(section), ...section.limits.flatMap((l) => (l.customerId ? [l.customerId] : []))];
  return [...new Set(named)];
}

/** A Limitry client from `LIMITRY_API_KEY` / `LIMITRY_BASE_URL`, or a usage error naming the variable. */
export function limitryClient(environment: CliEnvironment): Limitry {
  if (!environment.limitryApiKey)
    throw new CliError("LIMITRY_API_KEY is not set (the file has a limitry: section)", ExitCode.badInput);
  return new Limitry({ apiKey: environment.limitryApiKey, baseURL: environment.limitryBaseUrl });
}

/**
 * Each customer's standing against the stack's Limitry limits (`limitIds`: key → id), read live with
 * `limits.check`, which counts nothing. Limits of other customers, or not in the stack, are left out.
 */
export async function limitryStatusRows(
  client: Limitry,
  limitIds: Record<string, string>,
  customers: string[],
): Promise<LimitryStatusRow[]> {
  const keyOf = new Map(Object.entries(limitIds).map(([key, id]) => [id, key]));
  const rows: LimitryStatusRow[] = [];
  for (const customerId of customers) {
    const { limits } = await client.limits.check({ customerId });
    for (const entry of limits) {
      const key = keyOf.get(entry.id);
      if (key === undefined) continue;
      rows.push({
        customerId,
        key,
        limitId: entry.id,
        name: entry.name,
        period: entry.period,
        used: entry.used,
        limit: entry.limit,
        remaining: entry.remaining,
        exceeded: entry.exceeded,
        reset: entry.reset === null ? null : new Date(entry.reset * 1000).toISOString(),
      });
    }
  }
  return rows;
}

/** The Limitry part of `status`: used/limit/remaining/reset per customer. */
export function limitryStatusTable(rows: LimitryStatusRow[]): string {
  const table = new Table({
    head: ["Customer", "Limit", "Period", "Used", "Limit value", "Remaining", "Resets (UTC)", "State"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "left", "left", "right", "right", "right", "left", "left"],
  });
  for (const r of rows) {
    table.push([
      r.customerId,
      r.name,
      r.period,
      r.used.toLocaleString("en-US"),
      r.limit.toLocaleString("en-US"),
      r.remaining.toLocaleString("en-US"),
      r.reset === null ? "never" : r.reset.replace("T", " ").replace(/\.000Z$/, ""),
      r.exceeded ? "EXCEEDED" : "ok",
    ]);
  }
  return table.toString();
}
