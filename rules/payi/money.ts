/**
 * Money is kept as integer units of 1e-10 USD (bigint) so that totals add up exactly: per-token prices
 * such as $2.50 per million tokens are 25,000 units, and an int64 column holds up to ~$922M.
 */
export const UNITS_PER_USD = 10_000_000_000n;
const DECIMALS = 10;

/** The smallest amount of money there is: one unit, 1e-10 USD. */
export const MONEY_UNIT_USD = 1e-10;

/** USD as a JSON number → exact units (rounded half up to 1e-10 USD). */
export function toUnits(usd: number): bigint {
  const { digits, scale } = exactDecimal(Math.abs(usd));
  const units = rescale(digits, scale);
  return usd < 0 ? -units : units;
}

/** Exact units → the nearest JSON number in USD. */
export function toUsd(units: bigint): number {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const text = `${abs / UNITS_PER_USD}.${(abs % UNITS_PER_USD).toString().padStart(DECIMALS, "0")}`;
  return negative ? -Number(text) : Number(text);
}

/**
 * A finite, non-negative JSON number as the exact decimal it was written as: `digits × 10^-scale`
 * (`1.5e-11` → 15 × 10^-12). It reads the shortest text that round-trips the number, which is what
 * a client that typed `0.000015` sent.
 */
function exactDecimal(value: number): { digits: bigint; scale: number } {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a finite non-negative amount: ${value}`);
  const [mantissa = "0", exponentText = "0"] = String(value).toLowerCase().split("e");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const exponent = Number.parseInt(exponentText, 10);
  const digits = BigInt(whole + fraction);
  const decimalScale = fraction.length - exponent;
  return decimalScale >= 0 ? { digits, scale: decimalScale } : { digits: digits * 10n ** BigInt(-decimalScale), scale: 0 };
}

/**
 * `Σ count × price` over several terms, computed exactly and rounded once (half up) to units: 1,000 tokens
 * at $1.5e-11 cost 150 units ($1.5e-8), not 1,000 × a price rounded to 0.
 */
export function costUnits(terms: ReadonlyArray<{ count: number; price: number }>): bigint {
  let commonScale = DECIMALS;
  const exact = terms.map(({ count, price }) => {
    const { digits, scale: s } = exactDecimal(price);
    commonScale = Math.max(commonScale, s);
    return { product: BigInt(count) * digits, scale: s };
  });
  let sum = 0n;
  for (const { product, scale: s } of exact) sum += product * 10n ** BigInt(commonScale - s);
  return rescale(sum, commonScale);
}

/** `digits × 10^-fromScale` USD → units, rounded half up. */
function rescale(digits: bigint, fromScale: number): bigint {
  if (fromScale <= DECIMALS) return digits * 10n ** BigInt(DECIMALS - fromScale);
  const divisor = 10n ** BigInt(fromScale - DECIMALS);
  return (digits + divisor / 2n) / divisor;
}

/**
 * USD as people read it, exact to the unit (1e-10 USD) and never rounded to fewer digits: at least cents,
 * thousands grouped, trailing zeros past the cents dropped: `$1,200.50`, `$0.05381`, `$0.0000000015`.
 */
export function formatUsd(usd: number): string {
  const units = toUnits(usd);
  const abs = units < 0n ? -units : units;
  const whole = (abs / UNITS_PER_USD).toLocaleString("en-US");
  const fraction = (abs % UNITS_PER_USD).toString().padStart(DECIMALS, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${units < 0n ? "-" : ""}$${whole}.${fraction}`;
}
