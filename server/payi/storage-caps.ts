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

/** The storage caps a limit's (or limit config's) name, max, properties and legacy tags break, if any. */
export function storageViolations(input: {
  limit_name?: string | null | undefined;
  max?: number | null | undefined;
  properties?: Record<string, string | null> | null | undefined;
  limit_tags?: readonly string[] | null | undefined;
}): Violation[] {
  const violations: Violation[] = [
    ...propertyViolations("properties", input.properties),
    ...tagViolations("limit_tags", input.limit_tags),
  ];
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

/** Most keys one property bag (a limit's, a limit config's, an instance's, a request's) holds. */
export const PROPERTIES_MAX_KEYS = 64;
/** Longest property key, in characters. */
export const PROPERTY_KEY_MAX_LENGTH = 256;
/** Longest property value, in characters. */
export const PROPERTY_VALUE_MAX_LENGTH = 4096;
/** Largest property bag as stored (its JSON, UTF-8), in bytes. */
export const PROPERTIES_MAX_BYTES = 32 * 1024;
/** Most legacy tags a limit holds, and the longest tag, in characters. */
export const TAGS_MAX_COUNT = 64;
export const TAG_MAX_LENGTH = 256;

/**
 * The caps a property bag breaks, if any: bags are read on every ingest to their limit and listed by the
 * hundred, so unbounded ones would slow both for everyone. Checked on what would be stored, so a merge that
 * grows a bag past a cap is refused too (`merged` words the rule for it).
 */
export function propertyViolations(
  field: string,
  properties: Record<string, string | null> | null | undefined,
  merged = false,
): Violation[] {
  if (properties == null) return [];
  // A few violations name the problem; a bag of thousands of bad keys should not make a megabyte of error.
  const after = merged ? " after the merge" : "";
  const entries = Object.entries(properties);
  const violations: Violation[] = [];
  if (entries.length > PROPERTIES_MAX_KEYS) {
    violations.push({ field, rule: `must have at most ${PROPERTIES_MAX_KEYS} keys${after}`, value: entries.length });
  }
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > PROPERTY_KEY_MAX_LENGTH) {
      violations.push({ field: `${field} key`, rule: `must be 1-${PROPERTY_KEY_MAX_LENGTH} characters`, value: key });
    } else if (value != null && value.length > PROPERTY_VALUE_MAX_LENGTH) {
      violations.push({ field: `${field}.${key}`, rule: `must be at most ${PROPERTY_VALUE_MAX_LENGTH} characters`, value });
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(properties));
  if (bytes > PROPERTIES_MAX_BYTES) {
    violations.push({ field, rule: `must be at most ${PROPERTIES_MAX_BYTES} bytes as JSON${after}`, value: bytes });
  }
  return violations.slice(0, 5);
}

/** The caps a list of legacy limit tags breaks, if any (after a merge when `merged`). */
export function tagViolations(field: string, tags: readonly string[] | null | undefined, merged = false): Violation[] {
  if (tags == null) return [];
  const violations: Violation[] = [];
  if (tags.length > TAGS_MAX_COUNT) {
    violations.push({
      field,
      rule: `must have at most ${TAGS_MAX_COUNT} tags${merged ? " after the merge" : ""}`,
      value: tags.length,
    });
  }
  const long = tags.find((tag) => tag.length === 0 || tag.length > TAG_MAX_LENGTH);
  if (long !== undefined)
    violations.push({ field: `${field} entry`, rule: `must be 1-${TAG_MAX_LENGTH} characters`, value: long });
  return violations;
}
