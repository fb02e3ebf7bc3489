import type { LimitState } from "../../sdk/resources/shared.js";
import { UNITS_PER_USD } from "./money.js";

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
