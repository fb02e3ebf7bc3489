import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { PropertiesUpdateParamsSchema } from "../../../sdk/payi/resources/requests.js";
import { mergeProperties } from "../../../rules/payi/properties.js";
import { propertyViolations } from "../storage-caps.js";
import { rejectViolations } from "../validation.js";
import type { ServiceContext } from "../../context.js";
import { notFound } from "../../errors.js";
import type { RequestRow } from "../repositories/requests.js";

const RequestIdParams = z.object({ request_id: z.string() });
const ResponseIdParams = z.object({ category: z.string(), provider_response_id: z.string() });
const invalidProperties = { invalidInput: "invalid_properties" };

/**
 * Routes for /api/v1/requests (`client.requests`, seed 004): a past request's result and its property bag,
 * found by Pay-i's request id or by the provider's response id within a category.
 */
export function requestRoutes(server: FastifyInstance, ctx: ServiceContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const byRequestId = ({ request_id }: z.infer<typeof RequestIdParams>): RequestRow => {
    const row = ctx.requests.findById(request_id);
    if (!row) throw notFound("request_not_found", `Request '${request_id}' was not found`);
    return row;
  };
  const byResponseId = ({ category, provider_response_id }: z.infer<typeof ResponseIdParams>): RequestRow => {
    const row = ctx.requests.findByResponseId(category, provider_response_id);
    if (!row)
      throw notFound(
        "request_not_found",
        `No request in category '${category}' has provider response id '${provider_response_id}'`,
      );
    return row;
  };
  const updateProperties = (request: FastifyRequest, find: () => RequestRow, properties: Record<string, string | null>) =>
    ctx.idempotency.once(request, () =>
      ctx.db.transaction(() => {
        const row = find();
        const merged = mergeProperties(row.properties, properties);
        rejectViolations(propertyViolations("properties", merged, true), "invalid_properties");
        ctx.requests.setProperties(row.request_id, merged);
        return { request_id: row.request_id };
      })(),
    );

  app.get("/requests/:request_id/result", { schema: { params: RequestIdParams } }, async (request) => ({
    xproxy_result: byRequestId(request.params).result,
  }));

  const byId = { schema: { params: RequestIdParams, body: PropertiesUpdateParamsSchema }, config: invalidProperties };
  app.put("/requests/:request_id/properties", byId, async (request) =>
    updateProperties(request, () => byRequestId(request.params), request.body.properties),
  );

  app.get(
    "/requests/provider/:category/:provider_response_id/result",
    { schema: { params: ResponseIdParams } },
    async (request) => ({
      xproxy_result: byResponseId(request.params).result,
    }),
  );

  const byResponse = { schema: { params: ResponseIdParams, body: PropertiesUpdateParamsSchema }, config: invalidProperties };
  app.put("/requests/provider/:category/:provider_response_id/properties", byResponse, async (request) =>
    updateProperties(request, () => byResponseId(request.params), request.body.properties),
  );
}
