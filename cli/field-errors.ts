/** What a wrong value is, as an error names it: `the string "50"`, `the number 5`, `a list`. */
function found(input: unknown): string {
  if (input === null) return "an empty value";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "string") return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  if (typeof input === "object") return "a map";
  return `the ${typeof input} ${String(input)}`;
}

/** A zod error message that names the field, what it must be, and what was found (or that it is missing). */
export function must(field: string, what: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be ${what}, got ${found(issue.input)}`);
}
