import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CustomerCreateParamsSchema, type Customer } from "../../../sdk/limitry/resources/customers.js";
import { customerViolations, parseTimestamp } from "../../../rules/limitry/validation.js";
import type { LimitryContext } from "../context.js";
import { conflict, notFound, rejectViolations } from "../errors.js";
import { applyOnce } from "../idempotency.js";
import { customerToWire } from "../repositories/customers.js";
import { now } from "./meters.js";

const IdParams = z.object({ id: z.string() });

/** Routes for /v1/customers. */
export function customerRoutes(server: FastifyInstance, ctx: LimitryContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
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

  app.get("/customers/:id", { schema: { params: IdParams } }, async (request): Promise<Customer> => {
    const { id } = request.params;
    const row = ctx.customers.find(id);
    if (!row) throw notFound("customer_not_found", `Customer '${id}' was not found`);
    return customerToWire(row);
  });
}
