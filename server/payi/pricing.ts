import { z } from "zod";
import { costUnits } from "../../rules/payi/money.js";

/** USD per single unit (per token for text), per unit type. */
export const UnitPricesSchema = z.record(
  z.string(),
  z.object({ input_price: z.number().nullish(), output_price: z.number().nullish() }),
);
export type UnitPrices = z.infer<typeof UnitPricesSchema>;

/** A priced resource version, built in or created through the API. */
export interface PricedResource {
  category: string;
  resource: string;
  resource_id: string;
  units: UnitPrices;
  start_timestamp: string;
  max_input_units?: number | null;
  max_output_units?: number | null;
  max_total_units?: number | null;
}

const perMillion = (usd: number): number => usd / 1_000_000;
const text = (input: number, output: number, cachedInput?: number): UnitPrices => ({
  text: { input_price: perMillion(input), output_price: perMillion(output) },
  ...(cachedInput === undefined ? {} : { text_cache_read: { input_price: perMillion(cachedInput) } }),
});

/** When the built-in price table took effect. */
const SYSTEM_PRICES_SINCE = "2024-01-01T00:00:00.000Z";

/**
 * Pay-i-managed (`system.*`) prices per million tokens: public list prices, except where the seed documents
 * print costs that imply another price. The seeds win, so their samples print what they promise:
 * - `gpt-4o-2024-05-13` at $2.50 / $10: seed 001, 3 × (100 in + 150 out) = $0.00525, and its five heavy
 *   requests ($0.26589 … $0.30888).
 * - `gpt-4-0125-preview` at $30 / $60 (list price $10 / $30): seed 001's "Understanding Limit States" and
 *   reset sections add $0.033 for 500 in + 300 out ($1.29089 → $1.32389, $1.29614 → $1.32914).
 * - `gpt-5.5` at $1.25 / $10 (the GPT-5 family's list price): all eight costs of seed 002's two runs are a
 *   28-token prompt at $1.25 plus whole output tokens at $10 (e.g. $0.012305 = 28 in + 1,227 out).
 */
export const SYSTEM_RESOURCES: readonly PricedResource[] = [
  ["system.openai", "gpt-4o-2024-05-13", text(2.5, 10, 1.25)],
  ["system.openai", "gpt-4o", text(2.5, 10, 1.25)],
  ["system.openai", "gpt-4o-mini", text(0.15, 0.6, 0.075)],
  ["system.openai", "gpt-4-0125-preview", text(30, 60)],
  ["system.openai", "gpt-5.5", text(1.25, 10, 0.125)],
  ["system.openai", "gpt-4-turbo", text(10, 30)],
  ["system.openai", "gpt-3.5-turbo", text(0.5, 1.5)],
  ["system.azureopenai", "gpt-4o-2024-05-13", text(2.5, 10, 1.25)],
  ["system.anthropic", "claude-3-opus-20240229", text(15, 75)],
  ["system.anthropic", "claude-3-5-sonnet-20240620", text(3, 15)],
  ["system.anthropic", "claude-3-haiku-20240307", text(0.25, 1.25)],
  ["system.google.vertex", "gemini-1.5-pro", text(1.25, 5)],
  ["system.google.vertex", "gemini-1.5-flash", text(0.075, 0.3)],
  ["system.aws.bedrock", "anthropic.claude-3-opus-20240229-v1:0", text(15, 75)],
].map(([category, resource, units]) => ({
  category: category as string,
  resource: resource as string,
  resource_id: `sys_${(category as string).replace(/^system\./, "").replace(/\W+/g, "_")}_${(resource as string).replace(/\W+/g, "_")}`,
  units: units as UnitPrices,
  start_timestamp: SYSTEM_PRICES_SINCE,
}));

export interface PricedUnits {
  inputUnits: bigint;
  outputUnits: bigint;
  /** Unit types the resource has no price for. */
  unknown: Record<string, { input?: number | null | undefined; output?: number | null | undefined }>;
}

/**
 * Prices ingested units: for each unit type, count × per-unit price, input and output separately, each
 * side summed exactly and rounded once to the money unit.
 */
export function priceUnits(
  prices: UnitPrices,
  units: Record<string, { input?: number | null | undefined; output?: number | null | undefined }>,
): PricedUnits {
  const input: Array<{ count: number; price: number }> = [];
  const output: Array<{ count: number; price: number }> = [];
  const unknown: PricedUnits["unknown"] = {};
  for (const [unitType, counts] of Object.entries(units)) {
    const price = prices[unitType];
    if (!price) {
      unknown[unitType] = counts;
      continue;
    }
    input.push({ count: counts.input ?? 0, price: price.input_price ?? 0 });
    output.push({ count: counts.output ?? 0, price: price.output_price ?? 0 });
  }
  return { inputUnits: costUnits(input), outputUnits: costUnits(output), unknown };
}
