import type { Violation } from "../../rules/violation.js";
import { MONEY_UNIT_USD } from "../../rules/payi/money.js";

/**
 * Caps of this local service's storage, not Pay-i rules: money is kept in int64 units of 1e-10 USD (up to
 * ~$922M), so a max above $100M is refused before it can overflow a total; names are bounded to keep rows
 * and indexes small. The provider and the CLI never apply these (real Pay-i has its own).
 */
const MAX_LIMIT_USD = 100_000_000;
/** Longest limit name this service stores. */
const LIMIT_NAME_MAX_LENGTH = 256;
/**
 * Most a limit may track between resets, USD. Totals are int64 units of 1e-10 USD; an event that would take
 * any of its limits past this is refused with a 400 before anything is written, so totals stay exact.
 */
export const MAX_LIMIT_TOTAL_USD = 900_000_000;
/** The same ceiling in units. */
export const MAX_LIMIT_TOTAL_UNITS = 9_000_000_000_000_000_000n;
/** Most one event may cost, in units ($100M). */
export const MAX_EVENT_COST_UNITS = 1_000_000_000_000_000_000n;
/** Highest price per single unit (token) a resource version may have, USD. */
const MAX_UNIT_PRICE_USD = 1_000_000;
/** Longest caller-chosen id (`limit_id`, `use_case_id`), in characters. */
const ID_MAX_LENGTH = 128;

/** The storage caps a limit's name and max break, if any. */
export function storageViolations(input: {
  limit_name?: string | null | undefined;
  max?: number | null | undefined;
}): Violation[] {
  const violations: Violation[] = [];
  if (input.limit_name != null && input.limit_name.length > LIMIT_NAME_MAX_LENGTH) {
    violations.push({
      field: "limit_name",
      rule: `must be at most ${LIMIT_NAME_MAX_LENGTH} characters`,
      value: input.limit_name,
    });
  }
  if (input.max != null && input.max > MAX_LIMIT_USD) {
    violations.push({ field: "max", rule: `must be at most ${MAX_LIMIT_USD}`, value: input.max });
  }
  if (input.max != null && input.max > 0 && input.max < MONEY_UNIT_USD) {
    violations.push({ field: "max", rule: `must be at least ${MONEY_UNIT_USD} (the money unit)`, value: input.max });
  }
  return violations;
}

/**
 * Rules for an id a caller chooses: 1–128 characters, no commas (ingest joins limit ids with commas in one
 * header), no control characters and no surrounding whitespace (header values are trimmed).
 */
export function idViolations(field: string, id: string | null | undefined): Violation[] {
  if (id == null) return [];
  if (id.length === 0 || id.length > ID_MAX_LENGTH) return [{ field, rule: `must be 1-${ID_MAX_LENGTH} characters`, value: id }];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
  if (/[,\u0000-\u001f\u007f]/.test(id)) return [{ field, rule: "must not contain commas or control characters", value: id }];
  if (id.trim() !== id) return [{ field, rule: "must not start or end with whitespace", value: id }];
  return [];
}

/** The caps a resource version's unit prices break: each price a finite number from 0 to $1,000,000. */
export function priceViolations(
  units: Record<string, { input_price?: number | null; output_price?: number | null }>,
): Violation[] {
  const violations: Violation[] = [];
  for (const [unit, price] of Object.entries(units)) {
    for (const side of ["input_price", "output_price"] as const) {
      const value = price[side];
      if (value != null && !(value >= 0 && value <= MAX_UNIT_PRICE_USD)) {
        violations.push({ field: `units.${unit}.${side}`, rule: `must be between 0 and ${MAX_UNIT_PRICE_USD}`, value });
      }
    }
  }
  return violations;
}
