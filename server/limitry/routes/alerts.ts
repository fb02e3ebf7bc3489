import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Alert } from "../../../sdk/limitry/resources/alerts.js";
import type { LimitryContext } from "../context.js";
import { alertToWire } from "../repositories/alerts.js";
import { toWirePage, type WirePage } from "../repositories/page.js";
import { ListQuerySchema, listQuery } from "./list-query.js";

/**
 * `GET /v1/alerts` (local service only; Limitry sends these to webhooks): fired alerts, oldest first,
 * filtered by `limitId` and `customerId`.
 */
export function alertRoutes(server: FastifyInstance, ctx: LimitryContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get("/alerts", { schema: { querystring: ListQuerySchema } }, async (request): Promise<WirePage<Alert>> => {
    const q = listQuery(request.query);
    return toWirePage(ctx.alerts.page(q, { limitId: q.limitId, customerId: q.customerId }), q.size, alertToWire);
  });
}
