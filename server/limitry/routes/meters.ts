import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  MeterCreateParamsSchema,
  MeterQueryParamsSchema,
  MeterUpdateParamsSchema,
  type Meter,
  type MeterQueryResult,
} from "../../../sdk/limitry/resources/meters.js";
import type { DeleteResponse } from "../../../sdk/limitry/resources/shared.js";
import { dimensionViolations, meterViolations, parseTimestamp, textViolations } from "../../../rules/limitry/validation.js";
import type { LimitryContext } from "../context.js";
import { conflict, invalidField, notFound, rejectViolations } from "../errors.js";
import { applyOnce } from "../idempotency.js";
import { definitionOf, meterToWire, type MeterDefinition, type MeterRow } from "../repositories/meters.js";
import { toWirePage, type WirePage } from "../repositories/page.js";
import { ListQuerySchema, listQuery } from "./list-query.js";

const IdParams = z.object({ id: z.string() });

/** Routes for /v1/meters. */
export function meterRoutes(server: FastifyInstance, ctx: LimitryContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const mustFind = ({ id }: { id: string }): MeterRow => {
    const row = ctx.meters.find(id);
    if (!row) throw notFound("meter_not_found", `Meter '${id}' was not found`);
    return row;
  };

  app.post("/meters", { schema: { body: MeterCreateParamsSchema } }, async (request, reply): Promise<Meter> => {
    const body = request.body;
    const meter: MeterDefinition = {
      name: body.name,
      description: body.description ?? null,
      aggregation: body.aggregation,
      field: body.field,
      eventFilter: body.eventFilter ?? null,
    };
    rejectViolations(meterViolations(meter));
    return applyOnce(ctx, request, reply, 201, () => meterToWire(ctx.meters.insert(meter, now(ctx))));
  });

  app.get("/meters", { schema: { querystring: ListQuerySchema } }, async (request): Promise<WirePage<Meter>> => {
    const q = listQuery(request.query);
    return toWirePage(ctx.meters.page(q), q.size, meterToWire);
  });

  app.get(
    "/meters/:id",
    { schema: { params: IdParams } },
    async (request): Promise<Meter> => meterToWire(mustFind(request.params)),
  );

  app.put(
    "/meters/:id",
    { schema: { params: IdParams, body: MeterUpdateParamsSchema.optional() } },
    async (request, reply): Promise<Meter> => {
      const body = request.body ?? {};
      return applyOnce(ctx, request, reply, 200, () => {
        const row = mustFind(request.params);
        const current = definitionOf(row);
        const merged: MeterDefinition = {
          name: body.name ?? current.name,
          description: body.description === undefined ? current.description : body.description,
          aggregation: body.aggregation ?? current.aggregation,
          field: body.field ?? current.field,
          eventFilter: body.eventFilter === undefined ? current.eventFilter : body.eventFilter,
        };
        rejectViolations(meterViolations(merged));
        ctx.usage.forgetMeter(row.id);
        ctx.limitIndex.invalidate();
        return meterToWire(ctx.meters.update(row.id, merged, now(ctx)));
      });
    },
  );

  app.delete("/meters/:id", { schema: { params: IdParams } }, async (request, reply): Promise<DeleteResponse> => {
    return applyOnce(ctx, request, reply, 200, () => {
      const row = mustFind(request.params);
      const users = ctx.limits.usingMeter(row.id);
      if (users.length > 0) {
        throw conflict(
          "meter_in_use",
          `Meter '${row.id}' is counted by ${users.length} limit(s) (${users.map((l) => l.id).join(", ")}); delete them first`,
        );
      }
      ctx.meters.delete(row.id);
      ctx.limitIndex.invalidate();
      return { success: true };
    });
  });

  const query = { params: IdParams, body: MeterQueryParamsSchema.optional() };
  app.post("/meters/:id/query", { schema: query }, async (request): Promise<MeterQueryResult> => {
    const row = mustFind(request.params);
    const body = request.body ?? {};
    rejectViolations([...textViolations("customerId", body.customerId), ...dimensionViolations("dimensions", body.dimensions)]);
    const from = dateOf("startDate", body.startDate);
    const to = dateOf("endDate", body.endDate);
    const meter = definitionOf(row);
    const value = ctx.events.usage({
      aggregation: meter.aggregation,
      field: meter.field,
      eventFilter: meter.eventFilter,
      customerId: body.customerId ?? null,
      dimensions: body.dimensions ?? {},
      fromMs: from,
      toMs: to,
    });
    return { meterId: row.id, meterName: row.name, value, aggregation: meter.aggregation };
  });
}

function dateOf(field: string, value: string | null | undefined): number | null {
  if (value == null) return null;
  const date = parseTimestamp(value);
  if (!date) throw invalidField(field, "must be an ISO-8601 date-time with an offset", value);
  return date.getTime();
}

export function now(ctx: LimitryContext): string {
  return ctx.clock().toISOString();
}
