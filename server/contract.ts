import type { FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The API's error code for a request that fails this route's schema, e.g. `create_limit_validation_failed`. */
    invalidInput?: string;
  }
}

/** A request that failed its route's declared schema: the route's code and every field with its rule. */
export interface ContractViolation {
  code: string;
  message: string;
}

const WHERE: Record<string, string> = { body: "body", querystring: "query", params: "path", headers: "headers" };

/**
 * Reads a schema validation failure (from fastify-type-provider-zod) as `field: rule; field: rule`, e.g.
 * `max: expected number, received string`, with the route's own error code. Undefined for any other error.
 */
export function contractViolation(error: unknown, request: FastifyRequest): ContractViolation | undefined {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  const where = WHERE[error.validationContext ?? "body"] ?? "body";
  const problems = error.validation.map((issue) => {
    const field = issue.instancePath.slice(1).replaceAll("/", ".") || where;
    return `${field}: ${(issue.message ?? "is invalid").replace(/^Invalid (input|option): /, "")}`;
  });
  return { code: request.routeOptions.config.invalidInput ?? "invalid_request", message: problems.join("; ") };
}
