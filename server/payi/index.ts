import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import type { ServiceContext } from "../context.js";
import { ServiceError } from "../errors.js";
import { categoryRoutes } from "./routes/categories.js";
import { ingestRoutes } from "./routes/ingest.js";
import { limitRoutes } from "./routes/limits.js";
import { requestRoutes } from "./routes/requests.js";
import { useCaseKpiRoutes } from "./routes/use-case-kpis.js";
import { useCaseRoutes } from "./routes/use-cases.js";

/**
 * The Pay-i API (register under `/api/v1`): every route needs a known key in `xProxy-api-key`.
 * Routes declare their contracts as zod schemas from the SDK (validated here, typed by the zod type
 * provider); errors use Pay-i's envelope, which the app's error handler writes.
 */
export function payiApi(apiKeys: string[], ctx: ServiceContext) {
  const keyDigests = apiKeys.map(digest);
  return async (api: FastifyInstance): Promise<void> => {
    api.setValidatorCompiler(validatorCompiler);
    api.addHook("onRequest", async (request) => {
      const presented = request.headers["xproxy-api-key"];
      const key = Array.isArray(presented) ? presented[0] : presented;
      if (!key || !keyDigests.some((known) => timingSafeEqual(known, digest(key)))) {
        throw new ServiceError(
          401,
          "invalid_api_key",
          key ? "The API key is not valid." : "The xProxy-api-key header is missing.",
        );
      }
    });
    const { notFoundStatus } = ctx.profile;
    if (notFoundStatus !== 404) {
      // The app's handler writes the envelope; this one only moves "not found" answers to the profile's status.
      api.setErrorHandler(async (error) => {
        if (error instanceof ServiceError && error.statusCode === 404) {
          throw new ServiceError(notFoundStatus, error.code, error.message, error.shouldRetry);
        }
        throw error;
      });
    }
    ctx.idempotency.register(api);
    limitRoutes(api, ctx);
    useCaseRoutes(api, ctx);
    useCaseKpiRoutes(api, ctx);
    ingestRoutes(api, ctx);
    categoryRoutes(api, ctx);
    requestRoutes(api, ctx);
  };
}

function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}
