import type { LimitCheckEntry, LimitCheckResult } from "../../../sdk/limitry/resources/limits.js";
import type { Dimensions } from "../../../sdk/limitry/resources/shared.js";
import {
  alertEvent,
  allowed,
  effectiveLimits,
  filtersMatch,
  limitApplies,
  percentage,
  standing,
  thresholdsReached,
} from "../../../rules/limitry/check.js";
import { resetSeconds, windowAt, type Window, type WindowAnchor } from "../../../rules/limitry/window.js";
import type { LimitryContext } from "../context.js";
import { limitDefinitionOf, type LimitRow } from "../repositories/limits.js";
import { definitionOf } from "../repositories/meters.js";

/** The customer's timezone and billing cycle, or nothing (UTC, calendar) for a customer not on file. */
function anchorOf(ctx: LimitryContext, customerId: string | null): WindowAnchor {
  const customer = customerId === null ? undefined : ctx.customers.findByExternalId(customerId);
  if (!customer) return {};
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

/** An event as the alert rule sees it. */
export interface RecordedEvent {
  customerId: string;
  eventType: string;
  timestampMs: number;
  dimensions: Dimensions;
}

/**
 * After events are recorded (in the same transaction): for each limit an event counts towards, in the
 * current window, fire each alert threshold the usage has reached — once per limit, customer, window and
 * threshold. An event outside the current window (backdated into a past one) fires nothing.
 */
export function fireAlerts(ctx: LimitryContext, events: RecordedEvent[]): void {
  const now = ctx.clock();
  const seen = new Set<string>();
  for (const event of events) {
    const anchor = anchorOf(ctx, event.customerId);
    for (const { row, ...definition } of effectiveLimits(
      ctx.limits.applicableTo(event.customerId).map(limitDefinitionAndRow),
      event.customerId,
    )) {
      const key = `${row.id}\u0000${event.customerId}`;
      if (seen.has(key)) continue;
      if (!definition.alertThresholds?.length || !filtersMatch(definition.dimensionFilters, event.dimensions)) continue;
      const meterRow = ctx.meters.find(definition.meterId);
      const filter = meterRow ? definitionOf(meterRow).eventFilter : null;
      if (!meterRow || (filter?.eventType != null && filter.eventType !== event.eventType)) continue;
      if (!filtersMatch(filter?.dimensions, event.dimensions)) continue;
      const window = windowAt(definition.period, now, anchor);
      if (
        (window.start && event.timestampMs < window.start.getTime()) ||
        (window.end && event.timestampMs >= window.end.getTime())
      ) {
        continue;
      }
      seen.add(key);
      const used = usedIn(ctx, row, event.customerId, window);
      const at = now.toISOString();
      for (const threshold of thresholdsReached(definition.alertThresholds, definition.limitValue, used)) {
        const fired = ctx.alerts.fire(
          {
            event: alertEvent(threshold),
            timestamp: at,
            data: {
              customerId: event.customerId,
              limitId: row.id,
              limitName: definition.name,
              threshold,
              limit: definition.limitValue,
              currentUsage: used,
              percentage: percentage(definition.limitValue, used),
              remaining: standing(definition.limitValue, used).remaining,
              period: definition.period,
              windowStart: window.start?.toISOString() ?? null,
              windowEnd: window.end?.toISOString() ?? null,
            },
          },
          window.start?.toISOString() ?? "",
          at,
        );
        if (fired) {
          ctx.log(
            `limitry alert ${fired.event}: limit ${row.id} (${definition.name}) customer ${event.customerId} ` +
              `reached ${threshold}% (${used}/${definition.limitValue}, ${definition.period} window ending ${fired.data.windowEnd ?? "never"})`,
          );
        }
      }
    }
  }
}

function limitDefinitionAndRow(row: LimitRow) {
  return { row, ...limitDefinitionOf(row) };
}
