import type { Dimensions } from "../../sdk/limitry/resources/shared.js";

/** A limit's scope as the applicability rule sees it. */
export interface LimitScope {
  customerId: string | null;
  dimensionFilters: Dimensions;
}

/**
 * Whether a limit takes part in a check for `customerId` with `dimensions`:
 * - its customer is that customer, or it has none (a project-wide limit applies to every customer, each
 *   counted on its own); a check without a customer sees only project-wide limits;
 * - with `dimensions`, only limits whose dimension filters all appear in them with the same value (a limit
 *   without filters always takes part); without `dimensions`, every limit of the customer.
 */
export function limitApplies(limit: LimitScope, customerId: string | null | undefined, dimensions?: Dimensions | null): boolean {
  if (limit.customerId !== null && limit.customerId !== (customerId ?? null)) return false;
  return dimensions == null || filtersMatch(limit.dimensionFilters, dimensions);
}

/** A limit as the defaults-and-upgrades rule sees it. */
export interface LimitKind extends LimitScope {
  meterId: string;
  period: string;
}

/**
 * The limits that count for `customerId`, among those {@link limitApplies} keeps: project-wide limits are
 * defaults and a customer's own limits upgrades (Limitry's docs), so a project-wide limit is dropped for a
 * customer that has its own limit on the same meter, period and dimension filters. Without a customer, the
 * project-wide limits.
 */
export function effectiveLimits<L extends LimitKind>(limits: L[], customerId: string | null | undefined): L[] {
  if (customerId == null) return limits.filter((l) => l.customerId === null);
  const own = limits.filter((l) => l.customerId === customerId);
  return limits.filter(
    (l) =>
      l.customerId === customerId ||
      (l.customerId === null &&
        !own.some(
          (o) => o.meterId === l.meterId && o.period === l.period && sameFilters(o.dimensionFilters, l.dimensionFilters),
        )),
  );
}

function sameFilters(a: Dimensions, b: Dimensions): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/** True when every key of `filters` is in `dimensions` with the same value (ANDed; `{}` matches anything). */
export function filtersMatch(filters: Dimensions | null | undefined, dimensions: Dimensions | null | undefined): boolean {
  for (const [key, value] of Object.entries(filters ?? {})) {
    if (dimensions?.[key] !== value) return false;
  }
  return true;
}

/** A limit's standing against what its meter counted in the current window. */
export interface Standing {
  limit: number;
  used: number;
  /** `max(limit − used, 0)`: never negative, even when over. */
  remaining: number;
  /** `used ≥ limit`: "blocked when the limit is reached", so reaching it exactly counts. */
  exceeded: boolean;
}

export function standing(limit: number, used: number): Standing {
  return { limit, used, remaining: Math.max(limit - used, 0), exceeded: used >= limit };
}

/** A check's verdict: allowed unless some matching limit is exceeded (no limits: allowed). */
export function allowed(standings: Array<Pick<Standing, "exceeded">>): boolean {
  return standings.every((s) => !s.exceeded);
}

/** The alert thresholds (percent of `limit`) that `used` has reached, in the order configured. */
export function thresholdsReached(thresholds: number[] | null | undefined, limit: number, used: number): number[] {
  return (thresholds ?? []).filter((percent) => used * 100 >= percent * limit);
}

/** Limitry's webhook event for a reached threshold: `limit.exceeded` at 100 %, else `limit.threshold_reached`. */
export function alertEvent(threshold: number): "limit.exceeded" | "limit.threshold_reached" {
  return threshold >= 100 ? "limit.exceeded" : "limit.threshold_reached";
}

/** `used` as a percentage of `limit`, to two decimals. */
export function percentage(limit: number, used: number): number {
  return Math.round((used / limit) * 10_000) / 100;
}
