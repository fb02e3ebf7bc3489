import type { LimitState } from "../../sdk/payi/resources/shared.js";
import { UNITS_PER_USD, toUnits } from "./money.js";

/**
 * The state a limit is in at a given spend: `overrun` at or above max, `exceeded` from threshold × max,
 * `ok` below. A limit without a threshold uses 1.0, so it goes from ok straight to overrun.
 * (Seed 001 shows a `block` limit reporting `overrun` through ingest; blocking only happens in proxy mode.)
 */
export function limitState(spend: bigint, max: bigint, threshold: bigint | null): LimitState {
  if (spend >= max) return "overrun";
  const fraction = threshold ?? UNITS_PER_USD;
  // spend >= max × threshold, compared without dividing.
  if (spend * UNITS_PER_USD >= max * fraction) return "exceeded";
  return "ok";
}

/** The state a limit's spend puts it in, from USD amounts as the API returns them (for reports and outputs). */
export function spendState(
  spendUsd: number,
  maxUsd: number,
  threshold: number | null | undefined,
): "ok" | "exceeded" | "overrun" {
  const state = limitState(toUnits(spendUsd), toUnits(maxUsd), threshold == null ? null : toUnits(threshold));
  return state === "exceeded" || state === "overrun" ? state : "ok";
}
