import type { Violation } from "../violation.js";

/** Use-case names: 1–64 letters, digits, `.`, `-`, `_`. */
export const USE_CASE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** Longest use-case description. */
const DESCRIPTION_MAX_LENGTH = 1024;

/** The rules for a use-case definition's name and description (absent fields are not checked). */
export function useCaseViolations(input: {
  name?: string | null | undefined;
  description?: string | null | undefined;
}): Violation[] {
  const violations: Violation[] = [];
  if (input.name != null && !USE_CASE_NAME.test(input.name)) {
    violations.push({ field: "name", rule: "must be 1-64 characters of letters, digits, '.', '-' or '_'", value: input.name });
  }
  if (input.description != null && input.description.length > DESCRIPTION_MAX_LENGTH) {
    violations.push({
      field: "description",
      rule: `must be at most ${DESCRIPTION_MAX_LENGTH} characters`,
      value: input.description,
    });
  }
  return violations;
}

/**
 * Name the local service gives the limit an instance gets from its definition's limit config; unique per
 * instance. Pay-i's own naming is unconfirmed, so nothing outside the service relies on it.
 */
export function instanceLimitName(useCaseName: string, useCaseId: string): string {
  return `${useCaseName}/${useCaseId}`;
}
