import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ResourceCreateParamsSchema, type CategoryResource } from "../../../sdk/payi/resources/categories.js";
import type { ServiceContext } from "../../context.js";
import { badRequest, notFound } from "../../errors.js";
import { SYSTEM_RESOURCES, type PricedResource } from "../pricing.js";
import { priceViolations } from "../storage-caps.js";
import { instantOf, rejectViolations } from "../validation.js";
import type { ServiceProfile } from "../../profile.js";
import { ListQuerySchema, paging } from "./paging.js";

const CategoryParams = z.object({ category: z.string() });
const ResourceParams = z.object({ category: z.string(), resource: z.string() });
const VersionParams = z.object({ category: z.string(), resource: z.string(), resource_id: z.string() });

function toWire(r: PricedResource): CategoryResource {
  return {
    category: r.category,
    resource: r.resource,
    resource_id: r.resource_id,
    active: true,
    proxy_allowed: r.category.startsWith("system."),
    start_timestamp: r.start_timestamp,
    units: r.units,
    max_input_units: r.max_input_units ?? null,
    max_output_units: r.max_output_units ?? null,
    max_total_units: r.max_total_units ?? null,
  };
}

/** Pages over a small in-memory list: the cursor is the offset. */
function pageOf<T>(all: T[], q: z.output<typeof ListQuerySchema>, profile: ServiceProfile) {
  const { ascending, pageSize: size } = paging({ ...q, cursor: undefined }, profile);
  const sorted = ascending ? all : [...all].reverse();
  const offset = q.cursor === undefined ? 0 : Number.parseInt(q.cursor, 10);
  if (!Number.isInteger(offset) || offset < 0) throw badRequest("invalid_cursor", "cursor is not one this service issued");
  const items = sorted.slice(offset, offset + size);
  return { items, cursor: offset + size < sorted.length ? String(offset + size) : null };
}

/** Routes for /api/v1/categories: the built-in system price table plus custom resources. */
export function categoryRoutes(server: FastifyInstance, ctx: ServiceContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const invalidQuery = { invalidInput: "invalid_query" };
  const resourcesIn = (category: string): PricedResource[] => {
    const custom = ctx.resources.latestIn(category);
    const system = SYSTEM_RESOURCES.filter((r) => r.category === category && !custom.some((c) => c.resource === r.resource));
    return [...system, ...custom];
  };

  app.get("/categories", { schema: { querystring: ListQuerySchema }, config: invalidQuery }, async (request) => {
    const names = [...new Set([...SYSTEM_RESOURCES.map((r) => r.category), ...ctx.resources.categories()])].sort();
    return pageOf(
      names.map((category) => ({ category })),
      request.query,
      ctx.profile,
    );
  });

  const inCategory = { params: CategoryParams, querystring: ListQuerySchema };
  app.get("/categories/:category/resources", { schema: inCategory, config: invalidQuery }, async (request) => {
    const { category } = request.params;
    return pageOf(resourcesIn(category).map(toWire), request.query, ctx.profile);
  });

  const create = { params: ResourceParams, body: ResourceCreateParamsSchema };
  app.post(
    "/categories/:category/resources/:resource",
    { schema: create, config: { invalidInput: "invalid_resource" } },
    async (request): Promise<CategoryResource> => {
      const { category, resource } = request.params;
      if (category.startsWith("system.")) {
        throw badRequest(
          "invalid_category",
          `category '${category}' is reserved for Pay-i-managed pricing; use a name without the 'system.' prefix`,
        );
      }
      const body = request.body;
      rejectViolations(priceViolations(body.units), "invalid_resource");
      let startTimestamp = ctx.now();
      if (body.start_timestamp != null) {
        const ms = instantOf(body.start_timestamp);
        if (ms === undefined)
          throw badRequest("invalid_resource", `start_timestamp must be an ISO-8601 date-time (got '${body.start_timestamp}')`);
        startTimestamp = new Date(ms).toISOString();
      }
      return ctx.idempotency.once(request, () =>
        toWire(
          ctx.resources.insert({
            category,
            resource,
            resource_id: randomUUID(),
            units: body.units,
            start_timestamp: startTimestamp,
            max_input_units: body.max_input_units ?? null,
            max_output_units: body.max_output_units ?? null,
            max_total_units: body.max_total_units ?? null,
          }),
        ),
      );
    },
  );

  const versions = { params: ResourceParams, querystring: ListQuerySchema };
  app.get("/categories/:category/resources/:resource", { schema: versions, config: invalidQuery }, async (request) => {
    const { category, resource } = request.params;
    const versions = ctx.resources.versions(category, resource);
    const system = SYSTEM_RESOURCES.filter((r) => r.category === category && r.resource === resource);
    const all = [...system, ...versions];
    if (all.length === 0) throw notFound("category_resource_not_found", `No resource '${resource}' in category '${category}'`);
    return pageOf(all.map(toWire), request.query, ctx.profile);
  });

  const mustFindVersion = ({ category, resource, resource_id }: z.infer<typeof VersionParams>): PricedResource => {
    const found = ctx.resources.findById(resource_id) ?? SYSTEM_RESOURCES.find((r) => r.resource_id === resource_id);
    if (!found || found.category !== category || found.resource !== resource) {
      throw notFound("category_resource_not_found", `No version '${resource_id}' of '${category}/${resource}'`);
    }
    return found;
  };

  const version = { schema: { params: VersionParams } };
  app.get("/categories/:category/resources/:resource/:resource_id", version, async (request) =>
    toWire(mustFindVersion(request.params)),
  );

  const notSystem = (category: string): void => {
    if (category.startsWith("system.")) {
      throw badRequest("invalid_category", "system resources are managed by Pay-i and cannot be deleted");
    }
  };

  app.delete("/categories/:category/resources/:resource/:resource_id", version, async (request) => {
    const found = mustFindVersion(request.params);
    notSystem(found.category);
    return ctx.idempotency.once(request, () => {
      ctx.resources.delete(found.resource_id);
      return toWire(found);
    });
  });

  // Pay-i's client types both deletes' answers as the list of versions deleted; its docs show `{request_id}`,
  // which the strict profile answers.
  const deleted = (versions: PricedResource[], requestId: string) =>
    ctx.profile.answersTypedArrays ? versions.map(toWire) : { request_id: requestId };
  app.delete("/categories/:category/resources/:resource", { schema: { params: ResourceParams } }, async (request) => {
    const { category, resource } = request.params;
    notSystem(category);
    return ctx.idempotency.once(request, () =>
      ctx.db.transaction(() => {
        const versions = ctx.resources.versions(category, resource);
        if (versions.length === 0)
          throw notFound("category_resource_not_found", `No resource '${resource}' in category '${category}'`);
        ctx.resources.deleteAll(category, resource);
        return deleted(versions, request.id);
      })(),
    );
  });

  app.delete("/categories/:category", { schema: { params: CategoryParams } }, async (request) => {
    const { category } = request.params;
    notSystem(category);
    return ctx.idempotency.once(request, () =>
      ctx.db.transaction(() => {
        const versions = ctx.resources.allIn(category);
        if (versions.length === 0) throw notFound("category_not_found", `No category '${category}'`);
        ctx.resources.deleteAll(category);
        return deleted(versions, request.id);
      })(),
    );
  });
}
