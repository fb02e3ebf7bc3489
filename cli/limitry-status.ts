import Table from "cli-table3";
import { isGone } from "../provider/limitry/client.js";
import { APIConnectionError, AuthenticationError, Limitry, NotFoundError } from "../sdk/limitry/index.js";
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
  if (flag) return customerFlag(flag);
  const named = [...customerIds(section), ...section.limits.flatMap((l) => (l.customerId ? [l.customerId] : []))];
  return [...new Set(named)];
}

/** The customers `--customer` names (comma-separated). */
export function customerFlag(flag: string): string[] {
  return flag
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
}

/** What a command needing Limitry says without its key. */
export const NO_LIMITRY_KEY = "LIMITRY_API_KEY is not set (the file has a limitry: section)";

/** A Limitry client from `LIMITRY_API_KEY` / `LIMITRY_BASE_URL`, or a usage error naming the variable. */
export function limitryClient(environment: CliEnvironment): Limitry {
  if (!environment.limitryApiKey) throw new CliError(NO_LIMITRY_KEY, ExitCode.badInput);
  return new Limitry({ apiKey: environment.limitryApiKey, baseURL: environment.limitryBaseUrl });
}

/** A Limitry limit the stack manages that the service no longer has (deleted out of band): `up` recreates it. */
export interface MissingLimitryStatus {
  key: string;
  limitId: string;
  name: string;
  state: "missing";
}

export type LimitryStatus = LimitryStatusRow | MissingLimitryStatus;

/**
 * Each customer's standing against the stack's Limitry limits (`limitIds`: key → id), read live with
 * `limits.check`, which counts nothing; limits of other customers, or not in the stack, are left out. A limit
 * of the stack the service no longer has is a `missing` row (named by `names`: key → name, from the file).
 */
export async function limitryStatusRows(
  client: Limitry,
  limitIds: Record<string, string>,
  customers: string[],
  names: Record<string, string> = {},
): Promise<LimitryStatus[]> {
  const missing: MissingLimitryStatus[] = [];
  for (const [key, limitId] of Object.entries(limitIds)) {
    const gone = await client.limits.retrieve(limitId).then(
      () => false,
      (error: unknown) => (isGone(error, "limit_not_found") ? true : Promise.reject(error)),
    );
    if (gone) missing.push({ key, limitId, name: names[key] ?? key, state: "missing" });
  }
  const keyOf = new Map(Object.entries(limitIds).map(([key, id]) => [id, key]));
  const rows: LimitryStatus[] = [];
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
  return [...rows, ...missing];
}

/**
 * Why Limitry's part of a report could not be read, in one line naming what to fix: the key
 * (`LIMITRY_API_KEY`), or the base URL (`LIMITRY_BASE_URL`, the API root ending in `/v1`).
 */
export function limitryFailure(error: unknown, baseURL: string): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof AuthenticationError) return `Limitry at ${baseURL} rejected the API key: check LIMITRY_API_KEY`;
  if (error instanceof NotFoundError) {
    const hint = /\/v1\/?$/.test(baseURL) ? "" : " (it is missing /v1)";
    return `${baseURL} does not serve the Limitry API: LIMITRY_BASE_URL must be its root ending in /v1${hint}, e.g. https://api.limitry.com/v1`;
  }
  if (error instanceof APIConnectionError) return `cannot reach Limitry at ${baseURL}: check LIMITRY_BASE_URL (${error.message})`;
  return `Limitry at ${baseURL} failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** The Limitry part of `status`: used/limit/remaining/reset per customer. */
export function limitryStatusTable(rows: LimitryStatus[]): string {
  const table = new Table({
    head: ["Customer", "Limit", "Period", "Used", "Limit value", "Remaining", "Resets (UTC)", "State"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "left", "left", "right", "right", "right", "left", "left"],
  });
  for (const r of rows) {
    if ("state" in r) {
      table.push(["-", r.name, "-", "-", "-", "-", "deleted on the service; `up` recreates it", "MISSING"]);
      continue;
    }
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
