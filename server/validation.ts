import type { z } from "zod";

/** A zod issue's message without zod's generic prefix ("Invalid input: expected number" → "expected number"). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  return issue.message.replace(/^Invalid (input|option): /, "");
}
import { badRequest } from "./errors.js";

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
