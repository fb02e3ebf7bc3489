import type { z } from "zod";
import { describeViolation, issueMessage, type Violation } from "../../rules/violation.js";
import { limitViolations, THRESHOLD_MIN } from "../../rules/payi/limit.js";
import { badRequest } from "../errors.js";
import type { ServiceProfile } from "../profile.js";

/**
 * Parses a request body (or query) with a wire schema; failures become a 400 whose message names each
 * offending field and the rule it broke, e.g. `max: expected number, received string`.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, code: string, what = "body"): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.join(".") : what;
    return `${field}: ${issueMessage(issue)}`;
  });
  throw badRequest(code, problems.join("; "));
}

/** Throws a 400 with `code` naming every broken rule, in wire field names. */
export function rejectViolations(violations: Violation[], code: string): void {
  if (violations.length > 0) throw badRequest(code, violations.map((v) => describeViolation(v)).join("; "));
}

/**
 * Pay-i's documented rules for a limit's (or limit config's) name, max and threshold, as the profile reads
 * them: the strict one takes the docs' 0.75–0.99 literally and refuses the default 1.0 when it is sent.
 */
export function limitSettingViolations(input: Parameters<typeof limitViolations>[0], profile: ServiceProfile): Violation[] {
  const violations = limitViolations(input);
  if (input.threshold === 1 && !profile.acceptsDefaultThreshold) {
    violations.push({ field: "threshold", rule: `must be between ${THRESHOLD_MIN} and 0.99`, value: input.threshold });
  }
  return violations;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Milliseconds since the epoch of an ISO-8601 date-time, or undefined when `text` is not one. A time
 * without an offset is UTC: Pay-i's Python client sends naive datetimes as they are (`2025-01-01T00:00:00`).
 */
export function instantOf(text: string): number | undefined {
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}
