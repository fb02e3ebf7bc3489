import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
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
import { createDecision, limitViolations, maxBelowSpend } from "../../../rules/payi/limit.js";
import { toUsd } from "../../../rules/payi/money.js";
import { storageViolations } from "../storage-caps.js";
import { mergeProperties } from "../../../rules/payi/properties.js";
import { settingsOf, spendUnits, toWire, type LimitRow } from "../repositories/limits.js";
import { parseInput, rejectViolations } from "../validation.js";
import { page, paging } from "./paging.js";

const IdParams = z.object({ limit_id: z.string() });
const TagsBodySchema = z.object({ limit_tags: z.array(z.string()) });
const ResetQuerySchema = z.looseObject({ resetDate: z.iso.datetime({ offset: true }).optional() });
const NameQuerySchema = z.looseObject({ limit_name: z.string().optional() });

/** Routes for /api/v1/limits. */
export function limitRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db, limits } = ctx;

  const mustFind = (limitId: string): LimitRow => {
    const row = limits.findById(limitId);
    if (!row) throw notFound("limit_not_found", `Limit '${limitId}' was not found`);
    return row;
  };
  const idOf = (params: unknown) => IdParams.parse(params).limit_id;

  app.post("/limits", async (request): Promise<LimitResponse> => {
    const body = parseInput(LimitCreateParamsSchema, request.body, "create_limit_validation_failed");
    rejectViolations([...limitViolations(body), ...storageViolations(body)], "create_limit_validation_failed");
    const wanted = { max: body.max, threshold: body.threshold ?? null, limit_type: body.limit_type ?? "allow" };
    const row = db.transaction(() => {
      const byId = body.limit_id ? limits.findById(body.limit_id) : undefined;
      const byName = limits.findByName(body.limit_name);
      const decision = createDecision({ ...wanted, limit_name: body.limit_name, limit_id: body.limit_id }, byId && settingsOf(byId), byName && settingsOf(byName));
      if (decision.kind === "conflict") throw conflict(decision.code, decision.message);
      if (decision.kind === "existing") return mustFind(decision.limit.limit_id);
      return limits.insert(
        {
          limit_id: body.limit_id ?? randomUUID(),
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

  app.get("/limits", async (request) => {
    const p = paging(request.query);
    const { limit_name } = parseInput(NameQuerySchema, request.query, "invalid_query", "query");
    const rows = limits.list({ limitName: limit_name, ascending: p.ascending, afterSeq: p.afterSeq, pageSize: p.pageSize + 1 });
    return page(rows, p, toWire);
  });

  app.get("/limits/:limit_id", async (request): Promise<LimitResponse> => {
    return { limit: toWire(mustFind(idOf(request.params))), request_id: request.id };
  });

  app.put("/limits/:limit_id", async (request): Promise<LimitResponse> => {
    const limitId = idOf(request.params);
    const body = parseInput(LimitUpdateParamsSchema, request.body ?? {}, "update_limit_validation_failed");
    rejectViolations([...limitViolations(body), ...storageViolations(body)], "update_limit_validation_failed");
    const row = db.transaction(() => {
      const current = mustFind(limitId);
      const now = ctx.now();
      if (body.limit_name != null && body.limit_name !== current.limit_name) {
        const holder = limits.findByName(body.limit_name);
        if (holder) {
          throw conflict("limit_name_already_exist", `A limit named '${body.limit_name}' already exists with limit_id '${holder.limit_id}'`);
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

  app.delete("/limits/:limit_id", async (request): Promise<DefaultResponse> => {
    const limitId = idOf(request.params);
    db.transaction(() => {
      mustFind(limitId);
      limits.delete(limitId);
    })();
    return { request_id: request.id, message: `Limit '${limitId}' deleted` };
  });

  app.post("/limits/:limit_id/reset", async (request): Promise<LimitHistoryResponse> => {
    const limitId = idOf(request.params);
    const { resetDate } = parseInput(ResetQuerySchema, request.query, "invalid_query", "query");
    const before = db.transaction(() => {
      const row = mustFind(limitId);
      limits.reset(row, resetDate ?? ctx.now());
      return row;
    })();
    const wire = toWire(before);
    return {
      limit_history: {
        limit_id: wire.limit_id,
        limit_name: wire.limit_name,
        limit_type: wire.limit_type,
        max: wire.max,
        limit_reset_timestamp: resetDate ?? ctx.now(),
        limit_tags: JSON.parse(before.limit_tags) as string[],
        totals: wire.totals,
      },
      request_id: request.id,
    };
  });

  app.put("/limits/:limit_id/properties", async (request): Promise<LimitResponse> => {
    const limitId = idOf(request.params);
    const body = parseInput(LimitPropertiesUpdateParamsSchema, request.body, "update_limit_validation_failed");
    const row = db.transaction(() => {
      const current = mustFind(limitId);
      const merged = mergeProperties(JSON.parse(current.properties) as Record<string, string | null>, body.properties);
      return limits.setProperties(limitId, merged, ctx.now());
    })();
    return { limit: toWire(row), request_id: request.id };
  });

  // Legacy limit tags (Pay-i clients before limit properties).
  const tagRoute = (update: (tags: string[], body: string[]) => string[], withBody: boolean) => async (request: { params: unknown; body: unknown }) => {
    const limitId = idOf(request.params);
    const given = withBody ? parseInput(TagsBodySchema, request.body, "invalid_tags").limit_tags : [];
    return db.transaction(() => {
      const current = mustFind(limitId);
      const tags = update(JSON.parse(current.limit_tags) as string[], given);
      limits.setTags(limitId, tags, ctx.now());
      return tags.map((tag, i) => ({ tag_id: i + 1, tag_name: tag, created_on: current.created_at }));
    })();
  };
  app.get("/limits/:limit_id/tags", tagRoute((tags) => tags, false));
  app.post("/limits/:limit_id/tags", tagRoute((tags, add) => [...new Set([...tags, ...add])], true));
  app.put("/limits/:limit_id/tags", tagRoute((_tags, replace) => [...new Set(replace)], true));
  app.delete("/limits/:limit_id/tags", tagRoute(() => [], false));
  app.patch("/limits/:limit_id/tags/remove", tagRoute((tags, remove) => tags.filter((t) => !remove.includes(t)), true));
}
