import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CustomerCreateParamsSchema,
  CustomerUpdateParamsSchema,
  type Customer,
} from "../../../sdk/limitry/resources/customers.js";
import type { DeleteResponse } from "../../../sdk/limitry/resources/shared.js";
import { customerViolations, parseTimestamp } from "../../../rules/limitry/validation.js";
import type { LimitryContext } from "../context.js";
import { conflict, notFound, rejectViolations } from "../errors.js";
import { applyOnce } from "../idempotency.js";
import { customerToWire, type CustomerRow } from "../repositories/customers.js";
import { now } from "./meters.js";

const IdParams = z.object({ id: z.string() });

/** Routes for /v1/customers. */
export function customerRoutes(server: FastifyInstance, ctx: LimitryContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const mustFind = (id: string): CustomerRow => {
    const row = ctx.customers.find(id);
    if (!row) throw notFound("customer_not_found", `Customer '${id}' was not found`);
    return row;
  };
  app.post("/customers", { schema: { body: CustomerCreateParamsSchema } }, async (request, reply): Promise<Customer> => {
    const body = request.body;
    rejectViolations(customerViolations(body));
    return applyOnce(ctx, request, reply, 201, () => {
      const existing = ctx.customers.findByExternalId(body.externalId);
      if (existing) {
        throw conflict(
          "customer_already_exists",
          `A customer with externalId '${body.externalId}' already exists (${existing.id})`,
        );
      }
      const at = now(ctx);
      // Limitry's docs: billingCycleStart defaults to now. Stored normalised to UTC ISO.
      const cycle = body.billingCycleStart == null ? at : (parseTimestamp(body.billingCycleStart)?.toISOString() ?? at);
      return customerToWire(ctx.customers.insert({ ...body, billingCycleStart: cycle }, at));
    });
  });

  // A partial update (the local service's extension): omitted fields keep their value, null clears;
  // billingCycleStart cleared means calendar months. The windows move, so running usage is recomputed.
  app.put(
    "/customers/:id",
    { schema: { params: IdParams, body: CustomerUpdateParamsSchema.optional() } },
    async (request, reply): Promise<Customer> => {
      const body = request.body ?? {};
      return applyOnce(ctx, request, reply, 200, () => {
        const row = mustFind(request.params.id);
        const current = customerToWire(row);
        const merged = {
          externalId: row.external_id,
          name: body.name === undefined ? current.name : body.name,
          email: body.email === undefined ? current.email : body.email,
          timezone: body.timezone === undefined ? current.timezone : body.timezone,
          billingCycleStart: body.billingCycleStart === undefined ? current.billingCycleStart : body.billingCycleStart,
          metadata: body.metadata === undefined ? current.metadata : body.metadata,
        };
        rejectViolations(customerViolations(merged));
        const cycle = merged.billingCycleStart == null ? null : (parseTimestamp(merged.billingCycleStart)?.toISOString() ?? null);
        ctx.usage.forgetCustomer(row.external_id);
        return customerToWire(ctx.customers.update(row, { ...merged, billingCycleStart: cycle }, now(ctx)));
      });
    },
  );

  // The customer record only (the local service's extension): its events and limits stay, and its next event
  // creates it again as a new customer (UTC, billing cycle from then).
  app.delete("/customers/:id", { schema: { params: IdParams } }, async (request, reply): Promise<DeleteResponse> => {
    return applyOnce(ctx, request, reply, 200, () => {
      const row = mustFind(request.params.id);
      ctx.customers.delete(row);
      ctx.usage.forgetCustomer(row.external_id);
      return { success: true };
    });
  });

  app.get("/customers/:id", { schema: { params: IdParams } }, async (request): Promise<Customer> => {
    return customerToWire(mustFind(request.params.id));
  });
}
