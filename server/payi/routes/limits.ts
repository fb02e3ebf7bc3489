import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  LimitCreateParamsSchema,
  LimitPropertiesUpdateParamsSchema,
  LimitUpdateParamsSchema,
  type LimitHistoryResponse,
  type LimitResponse,
} from "../../../sdk/payi/resources/limits.js";
import type { DefaultResponse } from "../../../sdk/payi/resources/shared.js";
import type { ServiceContext } from "../../context.js";
import { badRequest, conflict, notFound } from "../../errors.js";
import { createDecision, maxBelowSpend } from "../../../rules/payi/limit.js";
import { toUsd } from "../../../rules/payi/money.js";
import { idViolations, propertyViolations, storageViolations, tagViolations } from "../storage-caps.js";
import { mergeProperties } from "../../../rules/payi/properties.js";
import { newLimitId, presentLimit, settingsOf, spendUnits, type LimitRow } from "../repositories/limits.js";
import { instantOf, limitSettingViolations, rejectViolations } from "../validation.js";
import { ListQuerySchema, page, paging } from "./paging.js";

const IdParams = z.object({ limit_id: z.string() });
const TagsBodySchema = z.object({ limit_tags: z.array(z.string()) });
// Pay-i's Python client sends naive datetimes as they are; those are UTC.
const ResetQuerySchema = z.looseObject({
  resetDate: z
    .string()
    .refine((text) => instantOf(text) !== undefined, "must be an ISO-8601 date-time")
    .transform((text) => new Date(instantOf(text) ?? 0).toISOString())
    .optional(),
});
const LimitListQuerySchema = ListQuerySchema.extend({ limit_name: z.string().optional() });
const invalidCreate = { invalidInput: "create_limit_validation_failed" };
const invalidUpdate = { invalidInput: "update_limit_validation_failed" };
const invalidQuery = { invalidInput: "invalid_query" };

/** Routes for /api/v1/limits. */
export function limitRoutes(server: FastifyInstance, ctx: ServiceContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db, limits, profile } = ctx;
  const toWire = (row: LimitRow) => presentLimit(row, profile);

  const mustFind = (limitId: string): LimitRow => {
    const row = limits.findById(limitId);
    if (!row) throw notFound("limit_not_found", `Limit '${limitId}' was not found`);
    return row;
  };

  app.post(
    "/limits",
    { schema: { body: LimitCreateParamsSchema }, config: invalidCreate },
    async (request): Promise<LimitResponse> => {
      const body = request.body;
      rejectViolations(
        [...idViolations("limit_id", body.limit_id), ...limitSettingViolations(body, profile), ...storageViolations(body)],
        "create_limit_validation_failed",
      );
      const wanted = { max: body.max, threshold: body.threshold ?? null, limit_type: body.limit_type ?? "allow" };
      return ctx.idempotency.once(request, () => {
        const row = db.transaction(() => {
          const byId = body.limit_id ? limits.findById(body.limit_id) : undefined;
          const byName = limits.findByName(body.limit_name);
          const decision = createDecision(
            { ...wanted, limit_name: body.limit_name, limit_id: body.limit_id },
            byId && settingsOf(byId),
            byName && settingsOf(byName),
          );
          if (decision.kind === "conflict") throw conflict(decision.code, decision.message);
          if (decision.kind === "existing") return mustFind(decision.limit.limit_id);
          return limits.insert(
            {
              limit_id: body.limit_id ?? newLimitId(limits, profile),
              limit_name: body.limit_name,
              limit_type: wanted.limit_type,
              max: body.max,
              threshold: wanted.threshold,
              properties: body.properties ?? {},
              limit_tags: body.limit_tags ?? [],
            },
            ctx.now(),
          );
        })();
        return { limit: toWire(row), request_id: request.id };
      });
    },
  );

  app.get("/limits", { schema: { querystring: LimitListQuerySchema }, config: invalidQuery }, async (request) => {
    const p = paging(request.query, profile);
    const { limit_name } = request.query;
    const rows = limits.list({ limitName: limit_name, ascending: p.ascending, afterSeq: p.afterSeq, pageSize: p.pageSize + 1 });
    return page(rows, p, toWire);
  });

  app.get("/limits/:limit_id", { schema: { params: IdParams } }, async (request): Promise<LimitResponse> => {
    return { limit: toWire(mustFind(request.params.limit_id)), request_id: request.id };
  });

  const update = { params: IdParams, body: LimitUpdateParamsSchema.optional() };
  app.put("/limits/:limit_id", { schema: update, config: invalidUpdate }, async (request): Promise<LimitResponse> => {
    const limitId = request.params.limit_id;
    const body = request.body ?? {};
    rejectViolations([...limitSettingViolations(body, profile), ...storageViolations(body)], "update_limit_validation_failed");
    return ctx.idempotency.once(request, () => {
      const row = db.transaction(() => {
        const current = mustFind(limitId);
        const now = ctx.now();
        if (body.limit_name != null && body.limit_name !== current.limit_name) {
          const holder = limits.findByName(body.limit_name);
          if (holder) {
            throw conflict(
              "limit_name_already_exist",
              `A limit named '${body.limit_name}' already exists with limit_id '${holder.limit_id}'`,
            );
          }
          limits.rename(limitId, body.limit_name, now);
        }
        if (body.max != null) {
          const spend = spendUnits(current);
          if (maxBelowSpend(body.max, spend)) {
            throw badRequest(
              "invalid_max_limit_update",
              `max ${body.max} is below the limit's current spend of ${toUsd(spend)}; reset the limit or choose a max of at least ${toUsd(spend)}`,
            );
          }
          limits.setMax(limitId, body.max, now);
        }
        return mustFind(limitId);
      })();
      return { limit: toWire(row), request_id: request.id };
    });
  });

  app.delete("/limits/:limit_id", { schema: { params: IdParams } }, async (request): Promise<DefaultResponse> => {
    const limitId = request.params.limit_id;
    return ctx.idempotency.once(request, () => {
      db.transaction(() => {
        mustFind(limitId);
        limits.delete(limitId);
      })();
      return profile.sendsDeleteMessage
        ? { request_id: request.id, message: `Limit '${limitId}' deleted` }
        : { request_id: request.id };
    });
  });

  const reset = { params: IdParams, querystring: ResetQuerySchema };
  app.post("/limits/:limit_id/reset", { schema: reset, config: invalidQuery }, async (request): Promise<LimitHistoryResponse> => {
    const limitId = request.params.limit_id;
    const { resetDate } = request.query;
    return ctx.idempotency.once(request, () => {
      const resetAt = resetDate ?? ctx.now();
      const before = db.transaction(() => {
        const row = mustFind(limitId);
        limits.reset(row, resetAt);
        return row;
      })();
      const wire = toWire(before);
      return {
        limit_history: {
          limit_id: wire.limit_id,
          limit_name: wire.limit_name,
          limit_type: wire.limit_type,
          max: wire.max,
          limit_reset_timestamp: resetAt,
          ...(profile.echoesLimitProperties ? { limit_tags: before.limit_tags } : {}),
          totals: wire.totals,
        },
        request_id: request.id,
      };
    });
  });

  const properties = { params: IdParams, body: LimitPropertiesUpdateParamsSchema };
  // Pay-i's client types this answer as a list of limit responses (here, the one limit changed); its docs
  // show `{request_id}`, which the strict profile answers.
  app.put(
    "/limits/:limit_id/properties",
    { schema: properties, config: invalidUpdate },
    async (request): Promise<LimitResponse[] | DefaultResponse> => {
      const limitId = request.params.limit_id;
      const body = request.body;
      return ctx.idempotency.once(request, () => {
        const row = db.transaction(() => {
          const current = mustFind(limitId);
          const merged = mergeProperties(current.properties, body.properties);
          rejectViolations(propertyViolations("properties", merged, true), "update_limit_validation_failed");
          return limits.setProperties(limitId, merged, ctx.now());
        })();
        return profile.answersTypedArrays ? [{ limit: toWire(row), request_id: request.id }] : { request_id: request.id };
      });
    },
  );

  // Legacy limit tags (Pay-i clients before limit properties); whether Pay-i still serves them is unknown, so
  // the strict profile does not.
  if (!profile.servesLegacyTags) return;
  const tagRoute =
    <Body>(update: (current: string[], body: Body) => string[]) =>
    async (request: { params: { limit_id: string }; body: Body }) => {
      const limitId = request.params.limit_id;
      return db.transaction(() => {
        const current = mustFind(limitId);
        const tags = update(current.limit_tags, request.body);
        rejectViolations(tagViolations("limit_tags", tags, true), "invalid_tags");
        limits.setTags(limitId, tags, ctx.now());
        return tags.map((tag, i) => ({ tag_id: i + 1, tag_name: tag, created_on: current.created_at }));
      })();
    };
  const tags = { schema: { params: IdParams } };
  const tagsWithBody = { schema: { params: IdParams, body: TagsBodySchema }, config: { invalidInput: "invalid_tags" } };
  type Tags = z.infer<typeof TagsBodySchema>;
  app.get(
    "/limits/:limit_id/tags",
    tags,
    tagRoute<unknown>((current) => current),
  );
  app.post(
    "/limits/:limit_id/tags",
    tagsWithBody,
    tagRoute<Tags>((current, add) => [...new Set([...current, ...add.limit_tags])]),
  );
  app.put(
    "/limits/:limit_id/tags",
    tagsWithBody,
    tagRoute<Tags>((_current, replace) => [...new Set(replace.limit_tags)]),
  );
  app.delete(
    "/limits/:limit_id/tags",
    tags,
    tagRoute<unknown>(() => []),
  );
  app.patch(
    "/limits/:limit_id/tags/remove",
    tagsWithBody,
    tagRoute<Tags>((current, remove) => current.filter((t) => !remove.limit_tags.includes(t))),
  );
}
