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
/**
 * Largest event value and `limitValue` (10^15, beyond any token or cent count): sums of bounded values stay
 * finite over any number of events, so usage, `remaining` and alerts are always numbers.
 */
export const VALUE_MAX = 1e15;
/** Most keys in one dimension map (an event's dimensions, a filter, a check's or query's dimensions) or `values`. */
export const DIMENSIONS_MAX = 32;
/** Longest meter description, in characters. */
const DESCRIPTION_MAX = 1024;
/** Largest `properties` of an event or `metadata` of a customer, as JSON, in bytes. */
const JSON_MAX_BYTES = 16 * 1024;

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
  if (meter.description != null && meter.description.length > DESCRIPTION_MAX) {
    out.push({ field: "description", rule: `must be at most ${DESCRIPTION_MAX} characters`, value: meter.description });
  }
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
  } else if (value !== undefined && value > VALUE_MAX) {
    out.push({ field: "limitValue", rule: `must be at most ${VALUE_MAX}`, value });
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
  properties?: Record<string, unknown> | null | undefined;
  timestamp?: string | null | undefined;
}

/** Limitry's rules for an event; `prefix` names its place in a batch (`events[3].`). */
export function eventViolations(event: EventFields, prefix = ""): Violation[] {
  const out: Violation[] = [];
  text(out, `${prefix}customerId`, event.customerId);
  text(out, `${prefix}eventType`, event.eventType);
  const values = Object.entries(event.values ?? {});
  if (values.length > DIMENSIONS_MAX) {
    out.push({ field: `${prefix}values`, rule: `must have at most ${DIMENSIONS_MAX} keys`, value: values.length });
  }
  for (const [key, value] of values.slice(0, DIMENSIONS_MAX)) {
    if (!DIMENSION_KEY.test(key))
      out.push({ field: `${prefix}values`, rule: "keys must be letters, digits or _, up to 64", value: key });
    else if (!(Number.isFinite(value) && value >= 0 && value <= VALUE_MAX)) {
      // Negative values would take usage back below a limit already reached.
      out.push({ field: `${prefix}values.${key}`, rule: `must be a number from 0 to ${VALUE_MAX}`, value });
    }
  }
  out.push(...dimensionViolations(`${prefix}dimensions`, event.dimensions));
  out.push(...jsonSizeViolations(`${prefix}properties`, event.properties));
  if (event.timestamp != null && parseTimestamp(event.timestamp) === undefined) {
    out.push({ field: `${prefix}timestamp`, rule: "must be an ISO-8601 date-time with an offset", value: event.timestamp });
  }
  return out;
}

/** A customer as the rules see it. */
export interface CustomerFields {
  externalId?: string | undefined;
  name?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
  email?: string | null | undefined;
  timezone?: string | null | undefined;
  billingCycleStart?: string | null | undefined;
}

export function customerViolations(customer: CustomerFields): Violation[] {
  const out: Violation[] = [];
  text(out, "externalId", customer.externalId);
  if (customer.name != null) text(out, "name", customer.name);
  out.push(...jsonSizeViolations("metadata", customer.metadata));
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
 * A time without an offset is refused: it would mean the server's local time. So is a day the month lacks
 * (`2026-02-30`), which `Date.parse` would roll over into the next month.
 */
export function parseTimestamp(value: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** A name or id: not blank, at most 256 characters (nothing to check when absent). */
export function textViolations(field: string, value: string | null | undefined): Violation[] {
  const out: Violation[] = [];
  if (value != null) text(out, field, value);
  return out;
}

function text(out: Violation[], field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value.trim() === "") out.push({ field, rule: "must not be empty", value });
  else if (value.length > TEXT_MAX) out.push({ field, rule: `must be at most ${TEXT_MAX} characters`, value });
}

/**
 * Limitry's rules for a dimension map (an event's dimensions, a meter's `eventFilter.dimensions`, a limit's
 * `dimensionFilters`, a check's or query's `dimensions`): at most {@link DIMENSIONS_MAX} keys, each letters,
 * digits and `_` up to 64, values up to 256 characters.
 */
export function dimensionViolations(field: string, dimensions: Record<string, string> | null | undefined): Violation[] {
  const out: Violation[] = [];
  const entries = Object.entries(dimensions ?? {});
  if (entries.length > DIMENSIONS_MAX) {
    return [{ field, rule: `must have at most ${DIMENSIONS_MAX} keys`, value: entries.length }];
  }
  for (const [key, value] of entries) {
    if (!DIMENSION_KEY.test(key)) out.push({ field, rule: "keys must be letters, digits or _, up to 64", value: key });
    else if (value.length > DIMENSION_VALUE_MAX)
      out.push({ field: `${field}.${key}`, rule: `must be at most ${DIMENSION_VALUE_MAX} characters`, value });
  }
  return out;
}

function jsonSizeViolations(field: string, value: Record<string, unknown> | null | undefined): Violation[] {
  if (value == null) return [];
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  return bytes > JSON_MAX_BYTES
    ? [{ field, rule: `must be at most ${JSON_MAX_BYTES} bytes as JSON`, value: `${bytes} bytes` }]
    : [];
}
