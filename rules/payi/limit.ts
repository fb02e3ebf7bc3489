import type { LimitType } from "../../sdk/payi/resources/limits.js";
import type { Violation } from "../violation.js";
import { toUnits } from "./money.js";

/** Threshold bounds from Pay-i's limits docs (seed 000): a fraction of max between 75% and 99%. */
export const THRESHOLD_MIN = 0.75;
const THRESHOLD_MAX = 0.99;
/**
 * The threshold of a limit created without one (Pay-i's reference: "threshold default 1.0"): the state turns
 * `exceeded` only at max. Declaring it is declaring no threshold, and a service may read either back.
 */
export const THRESHOLD_DEFAULT = 1;

/**
 * A threshold as it acts: unset (null, undefined) is the default. Diff, refresh and the create rule compare
 * thresholds through this, so an unset threshold read back as 1.0 is no change.
 */
export function effectiveThreshold(threshold: number | null | undefined): number {
  return threshold ?? THRESHOLD_DEFAULT;
}

/** The canonical form of a threshold: undefined when it is the default (declared or read back as 1.0). */
export function declaredThreshold(threshold: number | null | undefined): number | undefined {
  return threshold == null || threshold === THRESHOLD_DEFAULT ? undefined : threshold;
}

/** Settings that decide whether a create is a repeat of an earlier one. */
export interface LimitSettings {
  max: number;
  threshold: number | null;
  limit_type: LimitType;
}

/**
 * The rules Pay-i documents for a limit's name, max and threshold (absent fields are not checked). A threshold
 * is 0.75–0.99, or exactly 1.0, the documented default (the rule's wording names the range users choose from).
 */
export function limitViolations(input: {
  limit_name?: string | null | undefined;
  max?: number | null | undefined;
  threshold?: number | null | undefined;
}): Violation[] {
  const violations: Violation[] = [];
  if (input.limit_name != null && input.limit_name.trim() === "") {
    violations.push({ field: "limit_name", rule: "must not be empty", value: input.limit_name });
  }
  if (input.max != null && !(input.max > 0)) {
    violations.push({ field: "max", rule: "must be greater than 0", value: input.max });
  }
  const t = input.threshold;
  if (t != null && t !== THRESHOLD_DEFAULT && !(t >= THRESHOLD_MIN && t <= THRESHOLD_MAX)) {
    violations.push({ field: "threshold", rule: `must be between ${THRESHOLD_MIN} and ${THRESHOLD_MAX}`, value: t });
  }
  return violations;
}

/** True when a create asks for exactly the settings an existing limit has (the idempotent case). */
function sameSettings(existing: LimitSettings, wanted: LimitSettings): boolean {
  return (
    existing.max === wanted.max &&
    effectiveThreshold(existing.threshold) === effectiveThreshold(wanted.threshold) &&
    existing.limit_type === wanted.limit_type
  );
}

/** An existing limit as the create rule sees it. */
export interface ExistingLimit extends LimitSettings {
  limit_id: string;
  limit_name: string;
}

/** What a create should do: answer with an existing limit, create a new one, or refuse with Pay-i's code. */
export type CreateDecision<T> =
  | { kind: "existing"; limit: T }
  | { kind: "create" }
  | { kind: "conflict"; code: "duplicate_limit_id" | "limit_name_already_exist"; message: string };

/**
 * Pay-i's idempotent create: the same `limit_id`, or the same `limit_name` (when no id is given), with
 * identical settings returns the existing limit; any difference is a conflict naming it.
 */
export function createDecision<T extends ExistingLimit>(
  wanted: LimitSettings & { limit_name: string; limit_id?: string | null | undefined },
  byId: T | undefined,
  byName: T | undefined,
): CreateDecision<T> {
  if (byId) {
    if (byId.limit_name === wanted.limit_name && sameSettings(byId, wanted)) return { kind: "existing", limit: byId };
    return {
      kind: "conflict",
      code: "duplicate_limit_id",
      message: `A limit with limit_id '${byId.limit_id}' already exists (${describe(byId)}); create is only idempotent with identical limit_name, max, threshold and limit_type`,
    };
  }
  if (byName) {
    if (!wanted.limit_id && sameSettings(byName, wanted)) return { kind: "existing", limit: byName };
    return {
      kind: "conflict",
      code: "limit_name_already_exist",
      message: `A limit named '${byName.limit_name}' already exists with limit_id '${byName.limit_id}' (${describe(byName)})`,
    };
  }
  return { kind: "create" };
}

function describe(limit: LimitSettings): string {
  return `limit_type ${limit.limit_type}, max ${limit.max}, threshold ${limit.threshold ?? "none"}`;
}

/** Pay-i refuses a max below what the limit has already tracked (`invalid_max_limit_update`). */
export function maxBelowSpend(maxUsd: number, spendUnits: bigint): boolean {
  return toUnits(maxUsd) < spendUnits;
}
