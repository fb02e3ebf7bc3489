import type { Violation } from "../../rules/violation.js";

/**
 * Caps of this local service's storage, not Pay-i rules: money is kept in int64 units of 1e-10 USD (up to
 * ~$922M), so a max above $100M is refused before it can overflow a total; names are bounded to keep rows
 * and indexes small. The provider and the CLI never apply these (real Pay-i has its own).
 */
export const MAX_LIMIT_USD = 100_000_000;
/** Longest limit name this service stores. */
export const LIMIT_NAME_MAX_LENGTH = 256;

/** The storage caps a limit's name and max break, if any. */
export function storageViolations(input: { limit_name?: string | null | undefined; max?: number | null | undefined }): Violation[] {
  const violations: Violation[] = [];
  if (input.limit_name != null && input.limit_name.length > LIMIT_NAME_MAX_LENGTH) {
    violations.push({ field: "limit_name", rule: `must be at most ${LIMIT_NAME_MAX_LENGTH} characters`, value: input.limit_name });
  }
  if (input.max != null && input.max > MAX_LIMIT_USD) {
    violations.push({ field: "max", rule: `must be at most ${MAX_LIMIT_USD}`, value: input.max });
  }
  return violations;
}
