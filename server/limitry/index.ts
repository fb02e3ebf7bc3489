import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import { ServiceError } from "../errors.js";
import type { LimitryContext } from "./context.js";
import { digest } from "./edge-errors.js";
import { LimitryServiceError, limitryEnvelope } from "./errors.js";
import { bearerKey } from "./idempotency.js";
import { schemaError } from "./schema-errors.js";
import { alertRoutes } from "./routes/alerts.js";
import { customerRoutes } from "./routes/customers.js";
import { eventRoutes } from "./routes/events.js";
import { limitRoutes } from "./routes/limits.js";
import { meterRoutes } from "./routes/meters.js";

/**
 * The Limitry API (register under `/v1`): every route needs `Authorization: Bearer <key>` with a key the
 * service knows (the same keys as the Pay-i API). Routes declare their contracts as zod schemas from the SDK
 * (validated by the zod type provider, as the Pay-i routes). Errors use Limitry's envelope
 * `{error: {code, message, status, requestId}}`. Every write (POST, PUT, DELETE) honours `Idempotency-Key`
 * (see `./idempotency.ts`); `X-Workspace`, `X-Environment`, `X-Project` and `X-Stainless-*` headers are
 * accepted and ignored.
 */
export function limitryApi(apiKeys: string[], ctx: LimitryContext) {
  const keyDigests = apiKeys.map(digest);
  return async (api: FastifyInstance): Promise<void> => {
    api.setValidatorCompiler(validatorCompiler);
    api.addHook("onRequest", async (request) => {
      const key = bearerKey(request);
      if (key === undefined) {
        throw new LimitryServiceError(401, "missing_api_key", "Send the API key as 'Authorization: Bearer <key>'.");
      }
      if (!keyDigests.some((known) => timingSafeEqual(known, digest(key)))) {
        throw new LimitryServiceError(401, "invalid_api_key", "The API key is not valid.");
      }
    });

    api.setErrorHandler((error, request, reply) => {
      const { statusCode, code, message, shouldRetry } = toLimitryError(error, request);
      if (shouldRetry !== undefined) reply.header("x-should-retry", String(shouldRetry));
      if (statusCode >= 500)
        ctx.log(
          `${request.method} ${pathOf(request)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      return reply.status(statusCode).send(limitryEnvelope(statusCode, code, message, request.id));
    });

    ctx.idempotency.register(api);

    api.setNotFoundHandler((request, reply) => {
      const message = `No route for ${request.method} ${pathOf(request)}`;
      return reply.status(404).send(limitryEnvelope(404, "not_found", message, request.id));
    });

    meterRoutes(api, ctx);
    limitRoutes(api, ctx);
    eventRoutes(api, ctx);
    customerRoutes(api, ctx);
    alertRoutes(api, ctx);
  };
}

/**
 * Our own errors keep their Limitry code; a request failing its route's schema is `missing_required_field`,
 * `invalid_request` (unknown key) or `invalid_field_value` naming each field (see `schemaError`); anything else that is the caller's fault (bad JSON, too large,
 * wrong content type) is `invalid_request` with its message, and the rest a generic `internal_error`.
 */
function toLimitryError(error: unknown, request: FastifyRequest): ServiceError {
  if (error instanceof LimitryServiceError) return error;
  const violation = schemaError(error, request);
  if (violation) return violation;
  const status = error instanceof ServiceError ? error.statusCode : statusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    const message = error instanceof Error ? error.message : "Bad request";
    return new LimitryServiceError(status, "invalid_request", message);
  }
  return new LimitryServiceError(500, "internal_error", "An unexpected error occurred.");
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("statusCode" in error)) return undefined;
  return typeof error.statusCode === "number" ? error.statusCode : undefined;
}

function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf("?");
  return q === -1 ? request.url : request.url.slice(0, q);
}
