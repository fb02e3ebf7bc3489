/**
 * Periodic resets of a limit's spend, declared as a schedule. The schedule lives on the limit (a reserved
 * property); when the limit was last reset lives in the stack's state (the `Limit`'s `lastReset` output),
 * which every runner shares through the backend, because Pay-i's `Limit` model does not return properties.
 * Periods are calendar periods in UTC: a day from 00:00, an ISO week from Monday 00:00, a month from the 1st.
 *
 * A reset is carried out in two steps, each an update of the stack under its lock: a run first *claims* the
 * period (records it in state), then *applies* the reset it claimed. A second run finds the period claimed
 * and does nothing, and a run that dies between the two, or whose reset answer is lost, leaves the period
 * claimed: at most one missed reset, reported by every later run of that period, never a second one.
 */
import { z } from "zod";
import {
  RESET_SCHEDULES,
  type ResetRecord,
  type ResetRequest,
  type ResetRequestArgs,
  type ResetSchedule,
} from "./reset-record.js";

export { RESET_SCHEDULES };
export type { ResetRecord, ResetRequest, ResetRequestArgs, ResetSchedule } from "./reset-record.js";

/** Limit property holding the declared schedule (set from the `reset` input). */
export const RESET_PROPERTY = "pulumi-limits.reset";

/**
 * Limit property in which versions before the state held the last reset wrote it (ISO 8601). Read only as a
 * fallback for a limit whose state has no `lastReset` yet, and never patched away by the provider.
 */
export const LAST_RESET_PROPERTY = "pulumi-limits.last-reset";

const Instant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

/** {@link ResetRequestArgs} as validated by `check`. */
export const ResetRequestSchema = z.object({
  period: Instant,
  run: z.string().min(1, "must not be empty"),
  apply: z.boolean().default(false),
}) satisfies z.ZodType<ResetRequest, ResetRequestArgs>;

/** {@link ResetRecord} as read back from state. */
export const ResetRecordSchema = z.object({
  since: Instant,
  run: z.string().optional(),
  claimedAt: Instant.optional(),
  appliedAt: Instant.optional(),
  spendClearedUsd: z.number().optional(),
}) satisfies z.ZodType<ResetRecord, ResetRecord>;

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
 * Whether a limit is due: its current period began after the instant its spend counts from (its last
 * reset, or its creation), so a limit created during the current period is not due.
 */
export function resetDue(schedule: ResetSchedule, since: Date, now: Date): boolean {
  return since.getTime() < periodStart(schedule, now).getTime();
}

/**
 * Since when a limit's spend counts: its recorded `lastReset`; for a state from before that record, the
 * legacy property when the service returns it and it holds a date; else its creation.
 */
export function countsSince(
  record: ResetRecord | undefined,
  properties: Record<string, string | null> | null | undefined,
  createdAt: string,
): Date {
  if (record) return new Date(record.since);
  const marked = properties?.[LAST_RESET_PROPERTY];
  const date = marked ? new Date(marked) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : new Date(createdAt);
}

/**
 * What a reset request asks of a limit whose state holds `record` (and was created at `createdAt`):
 * `claim` when the period is later than the one its spend counts from, `apply` when this very run claimed
 * the period and has not applied it, else nothing (done, claimed by another run, or an older period).
 */
export function resetStep(
  request: ResetRequest | undefined,
  record: ResetRecord | undefined,
  createdAt: string | undefined,
): "claim" | "apply" | undefined {
  if (!request) return undefined;
  if (request.apply) {
    const mine = record?.since === request.period && record.run === request.run && record.appliedAt === undefined;
    return mine ? "apply" : undefined;
  }
  const since = record?.since ?? createdAt;
  return since === undefined || Date.parse(request.period) > Date.parse(since) ? "claim" : undefined;
}

/** A declared property bag: the legacy reset bookkeeping removed, since nobody declares it. */
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
