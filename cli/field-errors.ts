import { foundValue as found } from "../rules/violation.js";

/** A zod error message that names the field, what it must be, and what was found (or that it is missing). */
export function must(field: string, what: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be ${what}, got ${found(issue.input)}`);
}
