import type { Aggregation, EventFilter } from "../../sdk/limitry/resources/meters.js";
import type { Period } from "../../sdk/limitry/resources/limits.js";
import type { Violation } from "../violation.js";
import { isKnownTimezone } from "./window.js";

/** Dimension keys: letters, digits and underscores, 1–64 characters (Limitry's docs). */
const DIMENSION_KEY = /^[A-Za-z0-9_]{1,64}$/;
/** Longest dimension value, in characters (Limitry's docs). */
const DIMENSION_VALUE_MAX = 256;
/** Longest name, id or event type we store, in characters. */
const TEXT_MAX = 256;
/** A meter's `field`: `values.<key>` with a dimension-style key. */
const VALUE_FIELD = /^values\.[A-Za-z0-9_]{1,64}$/;
/** Most events in one batch. */
const BATCH_MAX = 1000;

/** A meter as the rules see it; absent (or unknown, at preview) fields are not checked. */
export interface MeterFields {
  name?: string | undefined;
  aggregation?: Aggregation | undefined;
  field?: string | undefined;
  description?: string | null | undefined;
  eventFilter?: EventFilter | null | undefined;
}

/** Limitry's rules for a meter: a name, `values.<key>` as field (`*` only with `count`), a sane filter. */
export function meterViolations(meter: MeterFields): Violation[] {
  const out: Violation[] = [];
  text(out, "name", meter.name);
  if (meter.field !== undefined) {
    if (meter.field === "*") {
      if (meter.aggregation !== undefined && meter.aggregation !== "count") {
        out.push({
          field: "field",
          rule: `may be '*' only with aggregation count (aggregation is ${meter.aggregation})`,
          value: meter.field,
        });
      }
    } else if (!VALUE_FIELD.test(meter.field)) {
      out.push({
        field: "field",
        rule: "must be 'values.<key>' (key: letters, digits, _; up to 64) or '*' with count",
        value: meter.field,
      });
    }
  }
  if (meter.eventFilter) {
    const { eventType, dimensions } = meter.eventFilter;
    if (eventType != null) text(out, "eventFilter.eventType", eventType);
    out.push(...dimensionViolations("eventFilter.dimensions", dimensions));
  }
  return out;
}

/** A limit as the rules see it; absent (or unknown) fields are not checked. */
export interface LimitFields {
  name?: string | undefined;
  meterId?: string | undefined;
  limitValue?: number | undefined;
  period?: Period | undefined;
  customerId?: string | null | undefined;
  dimensionFilters?: Record<string, string> | null | undefined;
  alertThresholds?: number[] | null | undefined;
}

/** Limitry's rules for a limit: limitValue an integer > 0, thresholds distinct integers 1–100, sane filters. */
export function limitViolations(limit: LimitFields): Violation[] {
  const out: Violation[] = [];
  text(out, "name", limit.name);
  text(out, "meterId", limit.meterId);
  if (limit.customerId != null) text(out, "customerId", limit.customerId);
  const value = limit.limitValue;
  if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
    out.push({ field: "limitValue", rule: "must be an integer greater than 0", value });
  }
  out.push(...dimensionViolations("dimensionFilters", limit.dimensionFilters));
  const seen = new Set<number>();
  (limit.alertThresholds ?? []).forEach((t, i) => {
    if (!(Number.isInteger(t) && t >= 1 && t <= 100)) {
      out.push({ field: `alertThresholds[${i}]`, rule: "must be an integer between 1 and 100", value: t });
    } else if (seen.has(t)) {
      out.push({ field: `alertThresholds[${i}]`, rule: "must not repeat an earlier threshold", value: t });
    }
    seen.add(t);
  });
  return out;
}

/** An event as the rules see it. */
export interface EventFields {
  customerId: string;
  eventType: string;
  values?: Record<string, number> | null | undefined;
  dimensions?: Record<string, string> | null | undefined;
  timestamp?: string | null | undefined;
}

/** Limitry's rules for an event; `prefix` names its place in a batch (`events[3].`). */
export function eventViolations(event: EventFields, prefix = ""): Violation[] {
  const out: Violation[] = [];
  text(out, `${prefix}customerId`, event.customerId);
  text(out, `${prefix}eventType`, event.eventType);
  for (const [key, value] of Object.entries(event.values ?? {})) {
    if (!DIMENSION_KEY.test(key))
      out.push({ field: `${prefix}values`, rule: "keys must be letters, digits or _, up to 64", value: key });
    else if (!Number.isFinite(value)) out.push({ field: `${prefix}values.${key}`, rule: "must be a finite number", value });
  }
  out.push(...dimensionViolations(`${prefix}dimensions`, event.dimensions));
  if (event.timestamp != null && parseTimestamp(event.timestamp) === undefined) {
    out.push({ field: `${prefix}timestamp`, rule: "must be an ISO-8601 date-time with an offset", value: event.timestamp });
  }
  return out;
}

/** A customer as the rules see it. */
export interface CustomerFields {
  externalId: string;
  email?: string | null | undefined;
  timezone?: string | null | undefined;
  billingCycleStart?: string | null | undefined;
}

export function customerViolations(customer: CustomerFields): Violation[] {
  const out: Violation[] = [];
  text(out, "externalId", customer.externalId);
  if (customer.email != null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(customer.email)) {
    out.push({ field: "email", rule: "must be an email address", value: customer.email });
  }
  if (customer.timezone != null && !isKnownTimezone(customer.timezone)) {
    out.push({ field: "timezone", rule: "must be an IANA timezone name such as Europe/Paris", value: customer.timezone });
  }
  if (customer.billingCycleStart != null && parseTimestamp(customer.billingCycleStart) === undefined) {
    out.push({
      field: "billingCycleStart",
      rule: "must be an ISO-8601 date-time with an offset",
      value: customer.billingCycleStart,
    });
  }
  return out;
}

/** Event batches hold 1 to 1000 events. */
export function batchViolations(count: number): Violation[] {
  return count >= 1 && count <= BATCH_MAX ? [] : [{ field: "events", rule: `must hold 1 to ${BATCH_MAX} events`, value: count }];
}

/**
 * An ISO-8601 date-time with its offset (`Z` or `±hh:mm`; a date alone means its UTC midnight), or undefined.
 * A time without an offset is refused: it would mean the server's local time.
 */
export function parseTimestamp(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function text(out: Violation[], field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value.trim() === "") out.push({ field, rule: "must not be empty", value });
  else if (value.length > TEXT_MAX) out.push({ field, rule: `must be at most ${TEXT_MAX} characters`, value });
}

function dimensionViolations(field: string, dimensions: Record<string, string> | null | undefined): Violation[] {
  const out: Violation[] = [];
  for (const [key, value] of Object.entries(dimensions ?? {})) {
    if (!DIMENSION_KEY.test(key)) out.push({ field, rule: "keys must be letters, digits or _, up to 64", value: key });
    else if (value.length > DIMENSION_VALUE_MAX)
      out.push({ field: `${field}.${key}`, rule: `must be at most ${DIMENSION_VALUE_MAX} characters`, value });
  }
  return out;
}
