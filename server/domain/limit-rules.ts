import type { LimitType } from "../../sdk/resources/limits.js";
import { badRequest, conflict } from "../errors.js";
import { toUnits, toUsd } from "./money.js";

/** Threshold bounds from the limits docs: a fraction of max between 75% and 99%. */
export const THRESHOLD_MIN = 0.75;
export const THRESHOLD_MAX = 0.99;
/** Largest max the service accepts, USD: money is kept in int64 units of 1e-10 USD (up to ~$922M). */
export const MAX_LIMIT_USD = 100_000_000;
/** Longest limit name the service accepts. */
export const LIMIT_NAME_MAX_LENGTH = 256;

/** Settings that decide whether a create is a repeat of an earlier one. */
export interface LimitSettings {
  max: number;
  threshold: number | null;
  limit_type: LimitType;
}

/** One broken rule: the wire field and a sentence naming the rule and the value. */
export interface RuleViolation {
  field: "limit_name" | "max" | "threshold";
  reason: string;
}

/** The rules Pay-i applies to a limit's name, max and threshold. Pure: the service and the provider share it. */
export function limitViolations(input: {
  limit_name?: string | null | undefined;
  max?: number | null | undefined;
  threshold?: number | null | undefined;
}): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (input.limit_name !== undefined && input.limit_name !== null) {
    const name = input.limit_name;
    if (name.trim() === "") violations.push({ field: "limit_name", reason: "limit_name must not be empty" });
    if (name.length > LIMIT_NAME_MAX_LENGTH) {
      violations.push({ field: "limit_name", reason: `limit_name must be at most ${LIMIT_NAME_MAX_LENGTH} characters (got ${name.length})` });
    }
  }
  if (input.max !== undefined && input.max !== null) {
    if (!(input.max > 0)) violations.push({ field: "max", reason: `max must be greater than 0 (got ${input.max})` });
    else if (input.max > MAX_LIMIT_USD) violations.push({ field: "max", reason: `max must be at most ${MAX_LIMIT_USD} (got ${input.max})` });
  }
  if (input.threshold !== undefined && input.threshold !== null) {
    const t = input.threshold;
    if (!(t >= THRESHOLD_MIN && t <= THRESHOLD_MAX)) {
      violations.push({ field: "threshold", reason: `threshold must be between ${THRESHOLD_MIN} and ${THRESHOLD_MAX} (got ${t})` });
    }
  }
  return violations;
}

/** Throws a 400 with `code` for the first broken rule. */
export function checkLimitInput(input: Parameters<typeof limitViolations>[0], code: string): void {
  const [first] = limitViolations(input);
  if (first) throw badRequest(code, first.reason);
}

/** True when a create asks for exactly the settings an existing limit has (the idempotent case). */
export function sameSettings(existing: LimitSettings, wanted: LimitSettings): boolean {
  return existing.max === wanted.max && existing.threshold === wanted.threshold && existing.limit_type === wanted.limit_type;
}

/** An existing limit as the create rule sees it. */
export interface ExistingLimit extends LimitSettings {
  limit_id: string;
  limit_name: string;
}

/**
 * Pay-i's idempotent create: the same `limit_id`, or the same `limit_name` (when no id is given), with
 * identical settings returns the existing limit; any difference is a conflict naming it. Returns the
 * limit to answer with, or undefined when a new one should be created.
 */
export function idempotentCreate<T extends ExistingLimit>(
  wanted: LimitSettings & { limit_name: string; limit_id?: string | null | undefined },
  byId: T | undefined,
  byName: T | undefined,
): T | undefined {
  if (byId) {
    if (byId.limit_name === wanted.limit_name && sameSettings(byId, wanted)) return byId;
    throw conflict(
      "duplicate_limit_id",
      `A limit with limit_id '${byId.limit_id}' already exists (${describe(byId)}); create is only idempotent with identical limit_name, max, threshold and limit_type`,
    );
  }
  if (byName) {
    if (!wanted.limit_id && sameSettings(byName, wanted)) return byName;
    throw conflict("limit_name_already_exist", `A limit named '${byName.limit_name}' already exists with limit_id '${byName.limit_id}' (${describe(byName)})`);
  }
  return undefined;
}

function describe(limit: LimitSettings): string {
  return `limit_type ${limit.limit_type}, max ${limit.max}, threshold ${limit.threshold ?? "none"}`;
}

/** Pay-i refuses a max below what the limit has already tracked (`invalid_max_limit_update`). */
export function maxBelowSpend(maxUsd: number, spendUnits: bigint): boolean {
  return toUnits(maxUsd) < spendUnits;
}

/** Throws `invalid_max_limit_update` when `maxUsd` is below the spend. */
export function checkMaxUpdate(maxUsd: number, spendUnits: bigint): void {
  if (maxBelowSpend(maxUsd, spendUnits)) {
    const spend = toUsd(spendUnits);
    throw badRequest(
      "invalid_max_limit_update",
      `max ${maxUsd} is below the limit's current spend of ${spend}; reset the limit or choose a max of at least ${spend}`,
    );
  }
}
