import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { IngestEventBodySchema } from "../../../sdk/payi/resources/ingest.js";
import type { LimitState, XproxyResult } from "../../../sdk/payi/resources/shared.js";
import type { ServiceContext } from "../../context.js";
import { badRequest, notFound } from "../../errors.js";
import { limitState } from "../../../rules/payi/spend-state.js";
import { toUsd } from "../../../rules/payi/money.js";
import { priceUnits } from "../pricing.js";
import { spendUnits } from "../repositories/limits.js";
import {
  MAX_EVENT_COST_UNITS,
  MAX_LIMIT_TOTAL_UNITS,
  MAX_LIMIT_TOTAL_USD,
  idViolations,
  propertyViolations,
} from "../storage-caps.js";
import { instantOf, rejectViolations } from "../validation.js";
import { createInstance } from "./use-case-instances.js";

/** How far in the future an event timestamp may be. */
const MAX_FUTURE_MS = 5 * 60 * 1000;

/** One event's body fields, parsed with the SDK's wire schema. */
export type IngestEvent = z.infer<typeof IngestEventBodySchema>;

/** Context Pay-i reads from `xProxy-*` headers for single ingests, and from the body for bulk. */
export interface IngestContext {
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
export function ingestEvent(ctx: ServiceContext, event: IngestEvent, context: IngestContext, requestId: string): XproxyResult {
  if (event.category.trim() === "") throw badRequest("required_field_missing", "category must not be empty");
  const now = ctx.now();
  let at = now;
  if (event.event_timestamp != null) {
    const ms = instantOf(event.event_timestamp);
    if (ms === undefined) throw badRequest("invalid_ingest_event_timestamp", "event_timestamp must be an ISO-8601 date-time");
    if (ms - Date.parse(now) > MAX_FUTURE_MS) {
      throw badRequest("invalid_ingest_event_timestamp", "event_timestamp may not be more than 5 minutes in the future");
    }
    at = new Date(ms).toISOString();
  }
  if (event.resource == null || event.resource === "") {
    throw badRequest("required_field_missing", "resource is required to price the event");
  }
  rejectViolations(idViolations("use_case_id", context.useCaseId), "invalid_use_case_id");
  rejectViolations(
    [
      ...propertyViolations("properties", event.properties),
      ...propertyViolations("use_case_properties", event.use_case_properties),
    ],
    "invalid_properties",
  );
  const priced = ctx.resources.priceFor(event.category, event.resource, at);
  if (!priced) {
    if (!ctx.resources.hasCategory(event.category)) throw notFound("category_not_found", `No category '${event.category}'`);
    throw notFound(
      "category_resource_not_found",
      `No price for resource '${event.resource}' in category '${event.category}' at ${at}`,
    );
  }

  return ctx.db.transaction((): XproxyResult => {
    const limitIds = [...new Set(context.limitIds)];
    const missing = limitIds.filter((id) => !ctx.limits.findById(id));
    if (missing.length) {
      throw badRequest(
        "invalid_limit_ids",
        `limit_ids: ${missing.map((id) => `'${id}'`).join(", ")} not found (deleted or never created)`,
      );
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
      throw badRequest(
        "invalid_units",
        `units: the event would cost $${toUsd(cost.inputUnits + cost.outputUnits)}, more than the $100000000 one event may add`,
      );
    }
    const rows = limitIds.flatMap((limitId) => ctx.limits.findById(limitId) ?? []); // a use-case limit may be deleted
    const full = rows.find((row) => spendUnits(row) + cost.inputUnits + cost.outputUnits > MAX_LIMIT_TOTAL_UNITS);
    if (full) {
      throw badRequest(
        "invalid_units",
        `units: the event would take limit '${full.limit_id}' past the $${MAX_LIMIT_TOTAL_USD} a limit may track between resets; reset it first`,
      );
    }
    const states: Record<string, { state: LimitState }> = {};
    for (const row of rows) {
      const limitId = row.limit_id;
      const after = spendUnits(row) + cost.inputUnits + cost.outputUnits;
      const state: LimitState = failed ? "failed" : limitState(after, row.max_units, row.threshold_units);
      ctx.limits.addSpend(limitId, cost.inputUnits, cost.outputUnits, state);
      states[limitId] = { state };
    }

    const result: XproxyResult = {
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
    ctx.requests.insert(
      {
        request_id: requestId,
        category: event.category,
        provider_response_id: event.provider_response_id ?? null,
        result,
        properties: event.properties ?? {},
      },
      now,
    );
    return result;
  })();
}
