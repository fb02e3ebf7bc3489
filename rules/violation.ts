import type { z } from "zod";

/**
 * One broken rule of an API's documented behaviour: the field (in the API's own wire vocabulary), the rule
 * as a phrase that completes "<field> …" (e.g. `must be between 0.75 and 0.99`) and the offending value.
 * Rules return these and throw nothing; each surface words them with {@link describeViolation} under its own
 * field names (Pulumi property, budgets.yaml path, wire field in a 4xx).
 */
export interface Violation {
  field: string;
  rule: string;
  value: unknown;
}

/** `threshold must be between 0.75 and 0.99 (got 0.5)`, with `field` renamed for the surface at hand. */
export function describeViolation(violation: Violation, field: string = violation.field): string {
  return `${field} ${violation.rule} (got ${formatValue(violation.value)})`;
}

function formatValue(value: unknown): string {
  if (typeof value === "string")
    return value.length > 40 ? `'${value.slice(0, 40)}…' (${value.length} characters)` : `'${value}'`;
  return String(value);
}

/** A zod issue's message without zod's generic prefix ("Invalid input: expected number" → "expected number"). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  return issue.message.replace(/^Invalid (input|option): /, "");
}

/** What a wrong value is, as an error names it: `the string "50"`, `the number 5`, `a list`. */
export function foundValue(input: unknown): string {
  if (input === null) return "an empty value";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "string") return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  if (typeof input === "object") return "a map";
  return `the ${typeof input} ${String(input)}`;
}
