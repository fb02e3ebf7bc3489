/**
 * The reset schedules and the types a program sees on a `Limit` (its `resetRequest` input and `lastReset`
 * output), written out without zod: the package's public declarations must not load zod's own typings, which
 * a `pulumi new typescript` program made before March 2026 (commonjs, no `esModuleInterop`) cannot compile.
 * `reset.ts` checks its schemas against them.
 */

/** The schedules, in the order the docs list them. */
export const RESET_SCHEDULES = ["daily", "weekly", "monthly"] as const;
/** How often a limit's spend starts again from zero. */
export type ResetSchedule = (typeof RESET_SCHEDULES)[number];

/** A reset of one period asked of a `Limit` by `pulumi-limits reset --due` (its `resetRequest` input). */
export interface ResetRequestArgs {
  /** Start of the period to reset for (ISO 8601). */
  period: string;
  /** The run asking: only the run that claimed a period applies its reset. */
  run: string;
  /** false (the default): claim the period (record it, nothing reset yet); true: apply the reset this run claimed. */
  apply?: boolean | undefined;
}

/** A reset request as the provider reads it. */
export interface ResetRequest extends ResetRequestArgs {
  apply: boolean;
}

/** A `Limit`'s `lastReset` output: since when its tracked spend counts, and the claim behind it. */
export interface ResetRecord {
  /**
   * Start of the period the limit was last reset for; or when the stack created or took the limit, or set
   * or changed its schedule (a new limit, or a new schedule, starts its period).
   */
  since: string;
  /** The `reset --due` run that claimed the period `since`; absent when no reset was claimed. */
  run?: string | undefined;
  claimedAt?: string | undefined;
  /** When that run's reset was applied; absent while claimed only (running, failed or interrupted). */
  appliedAt?: string | undefined;
  /** Spend the reset cleared, USD. */
  spendClearedUsd?: number | undefined;
}
