import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  LimitCheckParamsSchema,
  LimitCreateParamsSchema,
  LimitUpdateParamsSchema,
  type Limit,
  type LimitCheckResult,
} from "../../../sdk/limitry/resources/limits.js";
import type { DeleteResponse } from "../../../sdk/limitry/resources/shared.js";
import { dimensionViolations, limitViolations, textViolations } from "../../../rules/limitry/validation.js";
import type { LimitryContext } from "../context.js";
import { notFound, rejectViolations } from "../errors.js";
import { applyOnce } from "../idempotency.js";
import { limitDefinitionOf, limitToWire, type LimitDefinition, type LimitRow } from "../repositories/limits.js";
import { toWirePage, type WirePage } from "../repositories/page.js";
import { check } from "../services/usage.js";
import { ListQuerySchema, listQuery } from "./list-query.js";
import { now } from "./meters.js";

const IdParams = z.object({ id: z.string() });

/** Routes for /v1/limits, including `POST /v1/limits/check`. */
export function limitRoutes(server: FastifyInstance, ctx: LimitryContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const mustFind = ({ id }: { id: string }): LimitRow => {
    const row = ctx.limits.find(id);
    if (!row) throw notFound("limit_not_found", `Limit '${id}' was not found`);
    return row;
  };
  const mustHaveMeter = (meterId: string): void => {
    if (!ctx.meters.find(meterId)) throw notFound("meter_not_found", `meterId: meter '${meterId}' was not found`);
  };

  app.post("/limits", { schema: { body: LimitCreateParamsSchema } }, async (request, reply): Promise<Limit> => {
    const body = request.body;
    const limit: LimitDefinition = {
      name: body.name,
      meterId: body.meterId,
      limitValue: body.limitValue,
      period: body.period,
      customerId: body.customerId ?? null,
      dimensionFilters: body.dimensionFilters ?? {},
      alertThresholds: body.alertThresholds ?? null,
    };
    rejectViolations(limitViolations(limit));
    return applyOnce(ctx, request, reply, 201, () => {
      mustHaveMeter(limit.meterId);
      ctx.limitIndex.invalidate();
      return limitToWire(ctx.limits.insert(limit, now(ctx)));
    });
  });

  app.get("/limits", { schema: { querystring: ListQuerySchema } }, async (request): Promise<WirePage<Limit>> => {
    const q = listQuery(request.query);
    return toWirePage(ctx.limits.page(q, q.customerId), q.size, limitToWire);
  });

  app.post(
    "/limits/check",
    { schema: { body: LimitCheckParamsSchema.optional() } },
    async (request): Promise<LimitCheckResult> => {
      const body = request.body ?? {};
      rejectViolations([...textViolations("customerId", body.customerId), ...dimensionViolations("dimensions", body.dimensions)]);
      return check(ctx, body.customerId ?? null, body.dimensions ?? null);
    },
  );

  app.get(
    "/limits/:id",
    { schema: { params: IdParams } },
    async (request): Promise<Limit> => limitToWire(mustFind(request.params)),
  );

  // A partial update: omitted fields keep their value; an explicit null clears customerId,
  // dimensionFilters (to {}) or alertThresholds.
  app.put(
    "/limits/:id",
    { schema: { params: IdParams, body: LimitUpdateParamsSchema.optional() } },
    async (request, reply): Promise<Limit> => {
      const body = request.body ?? {};
      return applyOnce(ctx, request, reply, 200, () => {
        const row = mustFind(request.params);
        const current = limitDefinitionOf(row);
        const merged: LimitDefinition = {
          name: body.name ?? current.name,
          meterId: body.meterId ?? current.meterId,
          limitValue: body.limitValue ?? current.limitValue,
          period: body.period ?? current.period,
          customerId: body.customerId === undefined ? current.customerId : body.customerId,
          dimensionFilters: body.dimensionFilters === undefined ? current.dimensionFilters : (body.dimensionFilters ?? {}),
          alertThresholds: body.alertThresholds === undefined ? current.alertThresholds : body.alertThresholds,
        };
        rejectViolations(limitViolations(merged));
        if (merged.meterId !== current.meterId) mustHaveMeter(merged.meterId);
        // What it counts may have changed: its running usage is recomputed at the next event.
        ctx.usage.forgetLimit(row.id);
        ctx.limitIndex.invalidate();
        return limitToWire(ctx.limits.update(row.id, merged, now(ctx)));
      });
    },
  );

  app.delete("/limits/:id", { schema: { params: IdParams } }, async (request, reply): Promise<DeleteResponse> => {
    return applyOnce(ctx, request, reply, 200, () => {
      const { id } = mustFind(request.params);
      ctx.limits.delete(id);
      ctx.usage.forgetLimit(id);
      ctx.limitIndex.invalidate();
      return { success: true };
    });
  });
}
