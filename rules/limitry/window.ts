import type { Period } from "../../sdk/limitry/resources/limits.js";

/**
 * What decides a customer's windows: its IANA timezone (`day`, `week`, `month`, `annual` boundaries are
 * local midnights there; UTC when null) and its billing-cycle start (anchors `month` and `annual`;
 * calendar months and years when null).
 */
export interface WindowAnchor {
  timezone?: string | null | undefined;
  billingCycleStart?: Date | null | undefined;
}

/** A counting window: `[start, end)`. Both null for `all_time`, which never resets. */
export interface Window {
  start: Date | null;
  end: Date | null;
}

/** A calendar day in some timezone; `month` is 1–12. */
interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const HOUR_MS = 3_600_000;

/**
 * The window of `period` that contains `at` for a customer with `anchor` (no anchor: UTC, calendar).
 *
 * - `hour`: the UTC hour (Limitry's docs: "top of each hour, UTC"), whatever the customer's timezone.
 * - `day`: local midnight to local midnight (23 or 25 hours on DST change days).
 * - `week`: Monday 00:00 local to the next Monday.
 * - `month`: from the billing-cycle day of month to the same day next month; a day the month lacks is
 *   clamped to its last day (a cycle on the 31st starts on Feb 28/29, then on Mar 31).
 * - `annual`: from the billing-cycle anniversary (Feb 29 clamped to Feb 28) to the next one.
 * - `all_time`: unbounded.
 *
 * A local midnight that a DST change skips becomes the first instant of that day.
 */
export function windowAt(period: Period, at: Date, anchor: WindowAnchor = {}): Window {
  const zone = anchor.timezone ?? "UTC";
  switch (period) {
    case "all_time":
      return { start: null, end: null };
    case "hour": {
      const start = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
      return { start: new Date(start), end: new Date(start + HOUR_MS) };
    }
    case "day": {
      const today = localDate(at, zone);
      return span(today, addDays(today, 1), zone);
    }
    case "week": {
      const today = localDate(at, zone);
      const sinceMonday = (weekday(today) + 6) % 7;
      const monday = addDays(today, -sinceMonday);
      return span(monday, addDays(monday, 7), zone);
    }
    case "month": {
      const anchorDay = anchor.billingCycleStart ? localDate(anchor.billingCycleStart, zone).day : 1;
      const today = localDate(at, zone);
      let start = monthStart(today.year, today.month, anchorDay);
      if (compare(today, start) < 0) start = monthStart(...previousMonth(today.year, today.month), anchorDay);
      return span(start, monthStart(...nextMonth(start.year, start.month), anchorDay), zone);
    }
    case "annual": {
      const anchorDate = anchor.billingCycleStart ? localDate(anchor.billingCycleStart, zone) : { year: 0, month: 1, day: 1 };
      const today = localDate(at, zone);
      let start = anniversary(today.year, anchorDate);
      if (compare(today, start) < 0) start = anniversary(today.year - 1, anchorDate);
      return span(start, anniversary(start.year + 1, anchorDate), zone);
    }
  }
}

/** `reset` of a check: the window's end in Unix seconds, null when it never ends. */
export function resetSeconds(window: Window): number | null {
  return window.end === null ? null : Math.floor(window.end.getTime() / 1000);
}

/** True when `timezone` is an IANA zone name this runtime knows. */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function span(from: LocalDate, to: LocalDate, zone: string): Window {
  return { start: startOfDay(from, zone), end: startOfDay(to, zone) };
}

function monthStart(year: number, month: number, anchorDay: number): LocalDate {
  return { year, month, day: Math.min(anchorDay, daysInMonth(year, month)) };
}

function anniversary(year: number, anchor: LocalDate): LocalDate {
  return { year, month: anchor.month, day: Math.min(anchor.day, daysInMonth(year, anchor.month)) };
}

function previousMonth(year: number, month: number): [number, number] {
  return month === 1 ? [year - 1, 12] : [year, month - 1];
}

function nextMonth(year: number, month: number): [number, number] {
  return month === 12 ? [year + 1, 1] : [year, month + 1];
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function compare(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Wall-clock fields of `instant` in `zone`. */
function wallClock(instant: number, zone: string): LocalDate & { hour: number; minute: number; second: number } {
  if (zone === "UTC") {
    // Most customers have no timezone: Date's own UTC fields are a hundred times cheaper than Intl's parts.
    const d = new Date(instant);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts["year"] ?? 0,
    month: parts["month"] ?? 1,
    day: parts["day"] ?? 1,
    hour: parts["hour"] ?? 0,
    minute: parts["minute"] ?? 0,
    second: parts["second"] ?? 0,
  };
}

function localDate(at: Date, zone: string): LocalDate {
  const { year, month, day } = wallClock(at.getTime(), zone);
  return { year, month, day };
}

/** Offset of `zone` from UTC at `instant`, in ms (local wall time − UTC). */
function offsetMs(instant: number, zone: string): number {
  const w = wallClock(instant, zone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(instant / 1000) * 1000;
}

/** The first instant of `date` in `zone`: local midnight, or the end of a DST gap that swallows it. */
function startOfDay(date: LocalDate, zone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  const first = wall - offsetMs(wall, zone);
  const candidates = [first, wall - offsetMs(first, zone)];
  const onTheDay = candidates.filter((t) => compare(localDate(new Date(t), zone), date) === 0);
  const exact = onTheDay.filter((t) => {
    const w = wallClock(t, zone);
    return w.hour === 0 && w.minute === 0 && w.second === 0;
  });
  if (exact.length > 0) return new Date(Math.min(...exact));
  if (onTheDay.length > 0) return new Date(Math.min(...onTheDay));
  return new Date(Math.max(...candidates));
}
