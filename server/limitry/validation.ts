import type { z } from "zod";
import { issueMessage } from "../../rules/violation.js";
import { LimitryServiceError } from "./errors.js";

/**
 * Parses a body or query with the SDK's wire schema. A missing required field is a 400
 * `missing_required_field`, any other mismatch `invalid_field_value`; the message names each field.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what = "body"): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  let missing = false;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join(".") : what;
    if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) {
      missing = true;
      return `${field}: is required`;
    }
    return `${field}: ${issueMessage(issue)}`;
  });
  throw new LimitryServiceError(400, missing ? "missing_required_field" : "invalid_field_value", problems.join("; "));
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    const next: unknown = Reflect.get(value, key);
    value = next;
  }
  return value;
}
