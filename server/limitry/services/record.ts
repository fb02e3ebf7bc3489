import { alertEvent, percentage, standing, thresholdsReached } from "../../../rules/limitry/check.js";
import type { Period } from "../../../sdk/limitry/resources/limits.js";
import { windowAt, type Window, type WindowAnchor } from "../../../rules/limitry/window.js";
import type { LimitryContext } from "../context.js";
import type { NewEvent } from "../repositories/events.js";
import type { RunningUsage } from "../repositories/usage.js";
import type { IndexedLimit } from "./limit-index.js";
import { anchorOfRow } from "./usage.js";

/** A limit an event of this call counted towards, for one customer, with its running usage. */
interface Touched {
  entry: IndexedLimit;
  customerId: string;
  window: Window;
  usage: RunningUsage;
}

/**
 * Stores events (creating unknown customers) and fires the alerts they cause, in the caller's transaction.
 * Each event costs O(limits that can match it): the limit index finds the limits with alert thresholds it
 * counts towards, and their running usage in the current window (`limitry_usage`) is updated by the event's
 * value instead of re-aggregating the window's events. For each limit and customer touched, every configured
 * threshold that usage has reached fires once per (limit, customer, window, threshold). An event outside the
 * current window (backdated into a past one) fires nothing.
 */
export function recordEvents(ctx: LimitryContext, events: NewEvent[], at: string): string[] {
  const now = ctx.clock();
  const touched = new Map<string, Touched>();
  const ids = events.map((event) => {
    const anchor = anchorOfRow(ctx.customers.ensure(event.customerId, at));
    for (const entry of ctx.limitIndex.alertCandidates(event)) {
      const window = currentWindow(entry.limit.period, now, anchor);
      if (!within(window, event.timestampMs)) continue;
      const key = `${entry.id}\u0000${event.customerId}`;
      // Read (or recompute) the running usage before this event is stored: it must count it exactly once.
      const seen = touched.get(key) ?? {
        entry,
        customerId: event.customerId,
        window,
        usage: runningUsage(ctx, entry, event.customerId, window),
      };
      touched.set(key, { ...seen, usage: counted(entry, seen.usage, event) });
    }
    return ctx.events.insert(event, at);
  });
  for (const { entry, customerId, window, usage } of touched.values()) {
    ctx.usage.put(entry.id, customerId, usage);
    fire(ctx, entry, customerId, window, usage.used, now.toISOString());
  }
  return ids;
}

/** Recent windows by period and anchor: they stay current until `now` leaves them. */
const windows = new Map<string, Window>();
const WINDOWS_KEPT = 10_000;

/** `windowAt`, remembered: a window is the same for every event of a customer until it ends. */
function currentWindow(period: Period, now: Date, anchor: WindowAnchor): Window {
  const key = `${period}\u0000${anchor.timezone ?? ""}\u0000${anchor.billingCycleStart?.getTime() ?? ""}`;
  const known = windows.get(key);
  if (known && within(known, now.getTime())) return known;
  const window = windowAt(period, now, anchor);
  if (windows.size >= WINDOWS_KEPT) windows.clear();
  windows.set(key, window);
  return window;
}

function within(window: Window, ms: number): boolean {
  return !((window.start && ms < window.start.getTime()) || (window.end && ms >= window.end.getTime()));
}

/** The stored running usage when it is for `window`, else the window's events aggregated once. */
function runningUsage(ctx: LimitryContext, { id, limit, meter }: IndexedLimit, customerId: string, window: Window): RunningUsage {
  const windowStart = window.start?.toISOString() ?? "";
  const stored = ctx.usage.get(id, customerId);
  if (stored?.windowStart === windowStart) return stored;
  const query = {
    aggregation: meter.aggregation,
    field: meter.field,
    eventFilter: meter.eventFilter,
    customerId,
    dimensions: limit.dimensionFilters,
    fromMs: window.start?.getTime() ?? null,
    toMs: window.end?.getTime() ?? null,
  };
  return {
    windowStart,
    used: ctx.events.usage(query),
    latestTs: meter.aggregation === "latest" ? ctx.events.latestTs(query) : null,
  };
}

/** `usage` with one more matching event counted, by the meter's aggregation (values are never negative). */
function counted({ meter }: IndexedLimit, usage: RunningUsage, event: NewEvent): RunningUsage {
  const value = meter.field === "*" ? undefined : event.values[meter.field.slice("values.".length)];
  if (meter.aggregation === "count")
    return meter.field === "*" || value !== undefined ? { ...usage, used: usage.used + 1 } : usage;
  if (value === undefined) return usage;
  switch (meter.aggregation) {
    case "sum":
      return { ...usage, used: usage.used + value };
    case "max":
      return { ...usage, used: Math.max(usage.used, value) };
    case "latest":
      // Ties go to the later recorded event, as the aggregation over stored events orders them.
      return usage.latestTs === null || event.timestampMs >= usage.latestTs
        ? { ...usage, used: value, latestTs: event.timestampMs }
        : usage;
  }
}

function fire(
  ctx: LimitryContext,
  { id, limit }: IndexedLimit,
  customerId: string,
  window: Window,
  used: number,
  at: string,
): void {
  for (const threshold of thresholdsReached(limit.alertThresholds, limit.limitValue, used)) {
    const fired = ctx.alerts.fire(
      {
        event: alertEvent(threshold),
        timestamp: at,
        data: {
          customerId,
          limitId: id,
          limitName: limit.name,
          threshold,
          limit: limit.limitValue,
          currentUsage: used,
          percentage: percentage(limit.limitValue, used),
          remaining: standing(limit.limitValue, used).remaining,
          period: limit.period,
          windowStart: window.start?.toISOString() ?? null,
          windowEnd: window.end?.toISOString() ?? null,
        },
      },
      window.start?.toISOString() ?? "",
      at,
    );
    if (fired) {
      ctx.log(
        `limitry alert ${fired.event}: limit ${id} (${limit.name}) customer ${customerId} ` +
          `reached ${threshold}% (${used}/${limit.limitValue}, ${limit.period} window ending ${fired.data.windowEnd ?? "never"})`,
      );
    }
  }
}
