import type { FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { LimitryServiceError } from "./errors.js";

const WHERE: Record<string, "body" | "query" | "params"> = { body: "body", querystring: "query", params: "params" };
const SNAKE = /_([a-z0-9])/g;

/**
 * A request that failed its route's schema, in Limitry's codes: a required field that is absent is
 * `missing_required_field`, an unknown key `invalid_request` (naming it, and its camelCase spelling when it
 * was sent in snake_case), anything else `invalid_field_value`; each message names every field and its rule.
 * Undefined for any other error.
 */
export function schemaError(error: unknown, request: FastifyRequest): LimitryServiceError | undefined {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  const where = WHERE[error.validationContext ?? "body"] ?? "body";
  let code = "invalid_field_value";
  const problems = error.validation.map((issue) => {
    const path = issue.instancePath.slice(1).split("/").filter(Boolean);
    const field = path.join(".");
    if (issue.keyword === "unrecognized_keys") {
      code = "invalid_request";
      const keys = Array.isArray(issue.params["keys"]) ? issue.params["keys"].map(String) : [];
      return keys
        .map((key) => {
          const name = field ? `${field}.${key}` : key;
          const camel = key.replace(SNAKE, (_, c: string) => c.toUpperCase());
          return `${name}: unknown field${camel === key ? "" : ` (Limitry's fields are camelCase: ${camel})`}`;
        })
        .join("; ");
    }
    const missing = valueAt(request[where], path) === undefined;
    if (missing && code === "invalid_field_value") code = "missing_required_field";
    return `${field || where}: ${missing ? "is required" : (issue.message ?? "is invalid").replace(/^Invalid (input|option): /, "")}`;
  });
  return new LimitryServiceError(400, code, problems.join("; "));
}

function valueAt(root: unknown, path: string[]): unknown {
  let at: unknown = root;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = Object.hasOwn(at, key) ? Reflect.get(at, key) : undefined;
  }
  return at;
}
