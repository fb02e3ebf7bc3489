import type { LimitCheckEntry, LimitCheckResult } from "../../../sdk/limitry/resources/limits.js";
import type { Dimensions } from "../../../sdk/limitry/resources/shared.js";
import { allowed, effectiveLimits, limitApplies, standing } from "../../../rules/limitry/check.js";
import { resetSeconds, windowAt, type Window, type WindowAnchor } from "../../../rules/limitry/window.js";
import type { LimitryContext } from "../context.js";
import type { CustomerRow } from "../repositories/customers.js";
import { limitDefinitionOf, type LimitRow } from "../repositories/limits.js";
import { definitionOf } from "../repositories/meters.js";

/** The customer's timezone and billing cycle, or nothing (UTC, calendar) for a customer not on file. */
function anchorOf(ctx: LimitryContext, customerId: string | null): WindowAnchor {
  const customer = customerId === null ? undefined : ctx.customers.findByExternalId(customerId);
  return customer ? anchorOfRow(customer) : {};
}

/** What decides a customer's windows. */
export function anchorOfRow(customer: CustomerRow): WindowAnchor {
  return {
    timezone: customer.timezone,
    billingCycleStart: customer.billing_cycle_start === null ? null : new Date(customer.billing_cycle_start),
  };
}

/**
 * What a limit's meter counted for `customerId` (every customer when null) in `window`: events matching
 * the meter's event filter and the limit's dimension filters.
 */
function usedIn(ctx: LimitryContext, limit: LimitRow, customerId: string | null, window: Window): number {
  const meterRow = ctx.meters.find(limit.meter_id);
  if (!meterRow) return 0;
  const meter = definitionOf(meterRow);
  return ctx.events.usage({
    aggregation: meter.aggregation,
    field: meter.field,
    eventFilter: meter.eventFilter,
    customerId,
    dimensions: limitDefinitionOf(limit).dimensionFilters,
    fromMs: window.start?.getTime() ?? null,
    toMs: window.end?.getTime() ?? null,
  });
}

/**
 * `POST /limits/check`: every applicable limit's standing in its current window. Counts nothing. A check
 * without a customer sees the project-wide limits, counted over every customer's events.
 */
export function check(ctx: LimitryContext, customerId: string | null, dimensions: Dimensions | null): LimitCheckResult {
  const now = ctx.clock();
  const anchor = anchorOf(ctx, customerId);
  const limits: LimitCheckEntry[] = effectiveLimits(ctx.limits.applicableTo(customerId).map(limitDefinitionAndRow), customerId)
    .filter((limit) => limitApplies(limit, customerId, dimensions))
    .map(({ row, ...definition }) => {
      const window = windowAt(definition.period, now, anchor);
      return {
        id: row.id,
        name: definition.name,
        meterId: definition.meterId,
        period: definition.period,
        ...standing(definition.limitValue, usedIn(ctx, row, customerId, window)),
        reset: resetSeconds(window),
      };
    });
  // Limitry's errors page: a denied check says why.
  return allowed(limits) ? { allowed: true, limits } : { allowed: false, reason: "limit_exceeded", limits };
}

function limitDefinitionAndRow(row: LimitRow) {
  return { row, ...limitDefinitionOf(row) };
}
