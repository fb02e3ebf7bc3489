/**
 * Money is kept as integer units of 1e-10 USD (bigint) so that totals add up exactly: per-token prices
 * such as $2.50 per million tokens are 25,000 units, and an int64 column holds up to ~$922M.
 */
export const UNITS_PER_USD = 10_000_000_000n;
const DECIMALS = 10;

/** USD as a JSON number → exact units (rounded to 1e-10 USD). */
export function toUnits(usd: number): bigint {
  const fixed = usd.toFixed(DECIMALS);
  const negative = fixed.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? fixed.slice(1) : fixed).split(".");
  const units = BigInt(whole) * UNITS_PER_USD + BigInt(fraction.padEnd(DECIMALS, "0"));
  return negative ? -units : units;
}

/** Exact units → the nearest JSON number in USD. */
export function toUsd(units: bigint): number {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const text = `${abs / UNITS_PER_USD}.${(abs % UNITS_PER_USD).toString().padStart(DECIMALS, "0")}`;
  return negative ? -Number(text) : Number(text);
}

/** `units × fraction` where the fraction (a threshold such as 0.8) is itself in units. */
export function scale(units: bigint, fractionUnits: bigint): bigint {
  return (units * fractionUnits) / UNITS_PER_USD;
}
