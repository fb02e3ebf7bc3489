import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  BulkIngestEventSchema,
  IngestEventBodySchema,
  type BulkIngestResponse,
  type IngestResponse,
} from "../../sdk/resources/ingest.js";
import type { LimitState, XproxyResult } from "../../sdk/resources/shared.js";
import type { ServiceContext } from "../app.js";
import { ServiceError, badRequest, envelope, notFound } from "../errors.js";
import { limitState } from "../domain/limit-state.js";
import { toUsd } from "../domain/money.js";
import { priceUnits } from "../domain/pricing.js";
import { spendUnits } from "../repositories/limits.js";
import { parseInput } from "../validation.js";
import { findPrice } from "./categories.js";
import { createInstance } from "./use-cases.js";

/** Largest cost one event may add, in 1e-10 USD units ($100M): keeps every total inside int64. */
const MAX_EVENT_COST_UNITS = 100_000_000n * 10_000_000_000n;

/** How far in the future an event timestamp may be. */
const MAX_FUTURE_MS = 5 * 60 * 1000;

type IngestEvent = z.infer<typeof IngestEventBodySchema>;

/** Context Pay-i reads from `xProxy-*` headers for single ingests, and from the body for bulk. */
interface IngestContext {
  limitIds: string[];
  useCaseName?: string | undefined;
  useCaseId?: string | undefined;
  useCaseStep?: string | undefined;
  userId?: string | undefined;
  accountName?: string | undefined;
}

/**
 * Prices one event and charges it to every named limit and to its use-case instance's limit, in one
 * transaction so concurrent events never lose an update.
 */
function ingestEvent(ctx: ServiceContext, event: IngestEvent, context: IngestContext, requestId: string): XproxyResult {
  if (event.category.trim() === "") throw badRequest("required_field_missing", "category must not be empty");
  if (event.event_timestamp != null) {
    const at = Date.parse(event.event_timestamp);
    if (Number.isNaN(at)) throw badRequest("invalid_ingest_event_timestamp", "event_timestamp must be an ISO-8601 date-time");
    if (at - Date.parse(ctx.now()) > MAX_FUTURE_MS) {
      throw badRequest("invalid_ingest_event_timestamp", "event_timestamp may not be more than 5 minutes in the future");
    }
  }
  if (event.resource == null || event.resource === "") {
    throw badRequest("required_field_missing", "resource is required to price the event");
  }
  const priced = findPrice(ctx, event.category, event.resource);
  if (!priced) {
    throw notFound("category_resource_not_found", `No resource '${event.resource}' in category '${event.category}'`);
  }

  return ctx.db.transaction((): XproxyResult => {
    const limitIds = [...new Set(context.limitIds)];
    const missing = limitIds.filter((id) => !ctx.limits.findById(id));
    if (missing.length) {
      throw badRequest("invalid_limit_ids", `limit_ids: ${missing.map((id) => `'${id}'`).join(", ")} not found (deleted or never created)`);
    }

    let useCaseId = context.useCaseId;
    if (context.useCaseName !== undefined) {
      const def = ctx.useCases.findDefinition(context.useCaseName);
      if (!def) throw notFound("use_case_not_found", `Use case '${context.useCaseName}' was not found`);
      const instance =
        (useCaseId !== undefined ? ctx.useCases.findInstance(def.name, useCaseId) : undefined) ??
        createInstance(ctx, def, useCaseId ?? randomUUID());
      useCaseId = instance.use_case_id;
      if (instance.limit_id !== null && !limitIds.includes(instance.limit_id)) limitIds.push(instance.limit_id);
    }

    const failed = event.http_status_code != null && event.http_status_code >= 400;
    const cost = failed ? { inputUnits: 0n, outputUnits: 0n, unknown: {} } : priceUnits(priced.units, event.units);
    if (cost.inputUnits + cost.outputUnits > MAX_EVENT_COST_UNITS) {
      throw badRequest("invalid_units", `units: the event would cost $${toUsd(cost.inputUnits + cost.outputUnits)}, more than the $100000000 one event may add`);
    }
    const states: Record<string, { state: LimitState }> = {};
    for (const limitId of limitIds) {
      const row = ctx.limits.findById(limitId);
      if (!row) continue; // the use-case limit was deleted out from under its instance
      const after = spendUnits(row) + cost.inputUnits + cost.outputUnits;
      const state: LimitState = failed ? "failed" : limitState(after, row.max_units, row.threshold_units);
      ctx.limits.addSpend(limitId, cost.inputUnits, cost.outputUnits, state);
      states[limitId] = { state };
    }

    return {
      request_id: requestId,
      resource_id: priced.resource_id,
      cost: {
        currency: "usd",
        input: { base: toUsd(cost.inputUnits) },
        output: { base: toUsd(cost.outputUnits) },
        total: { base: toUsd(cost.inputUnits + cost.outputUnits) },
      },
      limits: states,
      ...(Object.keys(cost.unknown).length ? { unknown_units: cost.unknown } : {}),
      ...(useCaseId !== undefined ? { use_case_id: useCaseId, use_case_name: context.useCaseName } : {}),
      ...(context.useCaseStep !== undefined ? { use_case_step: context.useCaseStep } : {}),
      ...(context.userId !== undefined ? { user_id: context.userId } : {}),
      ...(context.accountName !== undefined ? { account_name: context.accountName } : {}),
    };
  })();
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(",") : value;
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

function splitIds(value: string | undefined): string[] {
  return (value ?? "").split(",").map((id) => id.trim()).filter((id) => id !== "");
}

/** Routes for /api/v1/ingest. */
export function ingestRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post("/ingest", async (request): Promise<IngestResponse> => {
    const event = parseInput(IngestEventBodySchema, request.body, "invalid_ingest_request");
    const h = request.headers;
    const context: IngestContext = {
      limitIds: splitIds(header(h, "xProxy-Limit-IDs")),
      useCaseName: header(h, "xProxy-UseCase-Name"),
      useCaseId: header(h, "xProxy-UseCase-ID"),
      useCaseStep: header(h, "xProxy-UseCase-Step"),
      userId: header(h, "xProxy-User-ID"),
      accountName: header(h, "xProxy-Account-Name"),
    };
    const result = ingestEvent(ctx, event, context, request.id);
    const now = ctx.now();
    return { request_id: request.id, event_timestamp: event.event_timestamp ?? now, ingest_timestamp: now, xproxy_result: result };
  });

  app.post("/ingest/bulk", async (request): Promise<BulkIngestResponse> => {
    const events = parseInput(z.array(z.unknown()), request.body ?? [], "invalid_ingest_request");
    const errors: NonNullable<BulkIngestResponse["errors"]> = [];
    let ingested = 0;
    events.forEach((raw, index) => {
      try {
        const event = parseInput(BulkIngestEventSchema, raw, "invalid_ingest_request", `[${index}]`);
        ingestEvent(
          ctx,
          event,
          {
            limitIds: (event.limit_ids ?? []).map((id) => id.trim()).filter(Boolean),
            useCaseName: event.use_case_name ?? undefined,
            useCaseId: event.use_case_id ?? undefined,
            useCaseStep: event.use_case_step ?? undefined,
            userId: event.user_id ?? undefined,
            accountName: event.account_name ?? undefined,
          },
          `${request.id}_${index}`,
        );
        ingested++;
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        errors.push({ item_index: index, xproxy_result: envelope(error.statusCode, error.code, error.message) });
      }
    });
    return {
      ingest_count: ingested,
      ingest_timestamp: ctx.now(),
      request_id: request.id,
      error_count: errors.length,
      item_error_count: errors.length,
      total_count: events.length,
      errors,
    };
  });
}
