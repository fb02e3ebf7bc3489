import Table from "cli-table3";
import { z } from "zod";
import {
  APIConnectionError,
  AuthenticationError,
  NotFoundError,
  type Limit,
  type Payi,
  type UseCaseDefinition,
} from "../sdk/index.js";
import { declaredThreshold } from "../rules/payi/limit.js";
import { spendState } from "../rules/payi/spend-state.js";
import { RESET_PROPERTY, isResetSchedule, nextPeriodStart, type ResetSchedule } from "../rules/payi/reset.js";
import { isGone } from "../provider/payi/client.js";
import { limitConfigFromApi } from "../provider/payi/wire.js";
import type { StateResource } from "./resource-keys.js";

/** One limit row of the budget status report. */
export interface LimitStatus {
  kind: "limit";
  key: string;
  limitId: string;
  name: string;
  type: string;
  spendUsd: number;
  max: number;
  usedPercent: number;
  threshold: number | null;
  state: "ok" | "exceeded" | "overrun";
  /** Declared reset schedule (stored on the limit), and when the next reset falls due (ISO, UTC). */
  reset: ResetSchedule | null;
  nextReset: string | null;
}

/** A limit the stack manages that the service no longer has (deleted out of band): `up` recreates it. */
export interface MissingLimitStatus {
  kind: "limit";
  key: string;
  limitId: string;
  name: string;
  state: "missing";
}

/** One use case the stack manages, with the limit each of its instances gets. */
export interface UseCaseStatus {
  kind: "useCase";
  key: string;
  name: string;
  description: string;
  /** The limit config on the service; null when it has none. */
  limitConfig: { max: number; type: string; threshold: number | null } | null;
  /** `missing` when the definition, or the limit config the stack declares, is gone from the service. */
  state: "ok" | "missing";
}

export type StatusRow = LimitStatus | MissingLimitStatus | UseCaseStatus;

/**
 * Reads every limit and use case the stack manages from the service. One deleted out of band is a
 * `missing` row, never a failure of the whole report.
 */
export async function stackStatus(client: Payi, state: StateResource[], now: Date = new Date()): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  const configs = new Set(state.filter((r) => r.kind === "useCaseLimitConfig").map((r) => String(r.inputs["useCaseName"])));
  for (const r of state) {
    if (r.kind === "limit") {
      const limit = await orMissing(
        client.limits.retrieve(r.id).then((res) => res.limit),
        "limit_not_found",
      );
      rows.push(
        limit
          ? limitStatus(r.key, limit, now, stringMap(r.inputs["properties"]))
          : { kind: "limit", key: r.key, limitId: r.id, name: String(r.inputs["limitName"]), state: "missing" },
      );
    } else if (r.kind === "useCase") {
      const name = String(r.inputs["name"]);
      const definition = await orMissing(client.useCases.definitions.retrieve(name), "use_case_not_found");
      rows.push(useCaseStatus(r.key, name, definition, configs.has(name)));
    }
  }
  return rows;
}

/**
 * The object, or undefined when Pay-i says it does not exist. Decided by the error's code: Pay-i documents
 * only "a 4xx" for a missing object (the strict profile answers 400), and a 404 with another code (a wrong
 * base URL's `route_not_found`) is a failure, never a missing object.
 */
async function orMissing<T>(read: PromiseLike<T>, code: "limit_not_found" | "use_case_not_found"): Promise<T | undefined> {
  return Promise.resolve(read).catch((error: unknown) => (isGone(error, code) ? undefined : Promise.reject(error)));
}

function useCaseStatus(
  key: string,
  name: string,
  definition: UseCaseDefinition | undefined,
  declaresConfig: boolean,
): UseCaseStatus {
  const c = definition && limitConfigFromApi(definition);
  return {
    kind: "useCase",
    key,
    name,
    description: definition?.description ?? "",
    limitConfig: c ? { max: c.max, type: c.limitType, threshold: c.threshold ?? null } : null,
    state: definition && (c || !declaresConfig) ? "ok" : "missing",
  };
}

/**
 * A limit's row. Its reset schedule is a property of the limit; where Pay-i returns none (its `Limit` model
 * has no properties), the properties the stack's state says it declared (`declared`) tell it.
 */
export function limitStatus(
  key: string,
  limit: Limit,
  now: Date = new Date(),
  declared: Record<string, string> = {},
): LimitStatus {
  const spend = limit.totals.cost.total.base;
  const threshold = declaredThreshold(limit.threshold) ?? null;
  const schedule = (limit.properties ?? declared)[RESET_PROPERTY];
  const reset = isResetSchedule(schedule) ? schedule : null;
  return {
    kind: "limit",
    key,
    limitId: limit.limit_id,
    name: limit.limit_name,
    type: limit.limit_type,
    spendUsd: spend,
    max: limit.max,
    usedPercent: limit.max > 0 ? (spend / limit.max) * 100 : 0,
    threshold,
    state: spendState(spend, limit.max, threshold),
    reset,
    nextReset: reset ? nextPeriodStart(reset, now).toISOString() : null,
  };
}

/**
 * Why Pay-i's part of a report could not be read, in one line naming what to fix: the key (`PAYI_API_KEY`),
 * or the base URL (`PAYI_BASE_URL` or `--base-url`, the server's root without /api/v1).
 */
export function payiFailure(error: unknown, baseURL: string): string {
  if (error instanceof AuthenticationError) return `Pay-i at ${baseURL} rejected the API key: check PAYI_API_KEY`;
  if (error instanceof NotFoundError) {
    return `${baseURL} does not serve the Pay-i API: PAYI_BASE_URL (or --base-url) must be the server's root, without /api/v1`;
  }
  if (error instanceof APIConnectionError) {
    return `cannot reach Pay-i at ${baseURL}: check PAYI_BASE_URL or --base-url (${error.message})`;
  }
  return `Pay-i at ${baseURL} failed: ${error instanceof Error ? error.message : String(error)}`;
}

function stringMap(value: unknown): Record<string, string> {
  const parsed = z.record(z.string(), z.string()).safeParse(value);
  return parsed.success ? parsed.data : {};
}

const BAR_WIDTH = 20;

/** `[██████░░░░░░░░░░░░░░]`, with `|` where the threshold sits; full when overrun. */
export function usageBar(usedPercent: number, threshold: number | null): string {
  const filled = Math.min(BAR_WIDTH, Math.round((usedPercent / 100) * BAR_WIDTH));
  const cells: string[] = Array.from({ length: BAR_WIDTH }, (_, i) => (i < filled ? "█" : "░"));
  if (threshold !== null) {
    const mark = Math.min(BAR_WIDTH - 1, Math.round(threshold * BAR_WIDTH));
    if (mark >= filled) cells[mark] = "|";
  }
  return `[${cells.join("")}]`;
}

/** The budget status report, money with 5 decimals for spend and 2 for budgets as the limits guide advises. */
export function statusTable(rows: Array<LimitStatus | MissingLimitStatus>): string {
  const table = new Table({
    head: ["Limit", "Type", "Spend", "Max", "Used", "Threshold", "State", "Usage", "Next reset"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "left", "right", "right", "right", "right", "left", "left", "left"],
  });
  for (const r of rows) {
    if (r.state === "missing") {
      table.push([r.name, "-", "-", "-", "-", "-", "MISSING", "deleted on the service; `up` recreates it", "-"]);
      continue;
    }
    table.push([
      r.name,
      r.type,
      `$${r.spendUsd.toFixed(5)}`,
      `$${r.max.toFixed(2)}`,
      `${r.usedPercent.toFixed(1)}%`,
      r.threshold === null ? "-" : `${Math.round(r.threshold * 100)}%`,
      r.state === "ok" ? "ok" : r.state.toUpperCase(),
      usageBar(r.usedPercent, r.threshold),
      r.nextReset ? `${r.nextReset.slice(0, 16).replace("T", " ")} UTC (${r.reset})` : "-",
    ]);
  }
  return table.toString();
}

/** Use cases and the limit each of their instances gets. */
export function useCaseTable(rows: UseCaseStatus[]): string {
  const table = new Table({
    head: ["Use case", "Instance limit", "Type", "Threshold", "State"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "right", "left", "right", "left"],
  });
  for (const r of rows) {
    const c = r.limitConfig;
    table.push([
      r.name,
      c ? `$${c.max.toFixed(2)}` : "-",
      c ? c.type : "-",
      c && c.threshold !== null ? `${Math.round(c.threshold * 100)}%` : "-",
      r.state === "ok" ? "ok" : "MISSING",
    ]);
  }
  return table.toString();
}
