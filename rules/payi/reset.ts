/**
 * Periodic resets of a limit's spend, declared as a schedule. Both the schedule and the last reset live on
 * the limit itself in Pay-i (two reserved properties), so every runner, a second run, or a stack whose
 * state file was lost sees the same facts and never resets a limit twice in one period. Periods are
 * calendar periods in UTC: a day from 00:00, an ISO week from Monday 00:00, a month from the 1st 00:00.
 */

/** How often a limit's spend starts again from zero. */
export const RESET_SCHEDULES = ["daily", "weekly", "monthly"] as const;
export type ResetSchedule = (typeof RESET_SCHEDULES)[number];

/** Limit property holding the declared schedule (set from the `reset` input). */
export const RESET_PROPERTY = "pulumi-limits.reset";

/**
 * Limit property holding the start of the last period the limit was reset for (ISO 8601), written by
 * `pulumi-limits reset --due` before it resets. Not declared by anyone: providers leave it alone.
 */
export const LAST_RESET_PROPERTY = "pulumi-limits.last-reset";

/** Whether a value is a schedule. */
export function isResetSchedule(value: unknown): value is ResetSchedule {
  return typeof value === "string" && (RESET_SCHEDULES as readonly string[]).includes(value);
}

/** Start (UTC) of the period of `schedule` that contains `now`. */
export function periodStart(schedule: ResetSchedule, now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  if (schedule === "monthly") return new Date(Date.UTC(y, m, 1));
  if (schedule === "daily") return new Date(Date.UTC(y, m, d));
  const sinceMonday = (now.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(y, m, d - sinceMonday));
}

/** Start (UTC) of the period after the one containing `now`: when the next reset falls due. */
export function nextPeriodStart(schedule: ResetSchedule, now: Date): Date {
  const start = periodStart(schedule, now);
  if (schedule === "monthly") return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + (schedule === "daily" ? 1 : 7) * 86_400_000);
}

/**
 * Whether a limit is due: its current period began after its last reset. A limit never reset counts
 * from its creation, so one created during the current period is not due.
 */
export function resetDue(schedule: ResetSchedule, lastReset: Date, now: Date): boolean {
  return lastReset.getTime() < periodStart(schedule, now).getTime();
}

/** When a limit was last reset (or created): the reserved property when it holds a date, else `createdAt`. */
export function lastResetOf(properties: Record<string, string | null> | null | undefined, createdAt: string): Date {
  const marked = properties?.[LAST_RESET_PROPERTY];
  const date = marked ? new Date(marked) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : new Date(createdAt);
}

/** A declared property bag: the reset bookkeeping removed, since nobody declares it. */
export function withoutResetMarker(properties: Record<string, string>): Record<string, string> {
  const { [LAST_RESET_PROPERTY]: _marker, ...declared } = properties;
  return declared;
}

/** Limit inputs with the schedule stored among the properties, where it lives on the service. */
export function withResetSchedule<T extends { reset?: ResetSchedule | undefined; properties: Record<string, string> }>(
  inputs: T,
): T {
  if (inputs.reset === undefined) return inputs;
  return { ...inputs, properties: { ...inputs.properties, [RESET_PROPERTY]: inputs.reset } };
}

/** The schedule a limit's properties hold, as the `reset` input it came from (empty when none). */
export function scheduleOf(properties: Record<string, string>): { reset?: ResetSchedule } {
  const value = properties[RESET_PROPERTY];
  return isResetSchedule(value) ? { reset: value } : {};
}
