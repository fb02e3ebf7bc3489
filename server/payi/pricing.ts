import { z } from "zod";
import { toUnits } from "../../rules/payi/money.js";

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
 * Pay-i-managed (`system.*`) prices: public list prices per million tokens. `gpt-4o-2024-05-13` is fixed
 * at $2.50 / $10 by the worked example in the limits guide (3 × (100 in + 150 out) = $0.00525).
 */
export const SYSTEM_RESOURCES: readonly PricedResource[] = [
  ["system.openai", "gpt-4o-2024-05-13", text(2.5, 10, 1.25)],
  ["system.openai", "gpt-4o", text(2.5, 10, 1.25)],
  ["system.openai", "gpt-4o-mini", text(0.15, 0.6, 0.075)],
  ["system.openai", "gpt-4-0125-preview", text(10, 30)],
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

/** Prices ingested units: for each unit type, count × per-unit price, input and output separately. */
export function priceUnits(
  prices: UnitPrices,
  units: Record<string, { input?: number | null | undefined; output?: number | null | undefined }>,
): PricedUnits {
  let inputUnits = 0n;
  let outputUnits = 0n;
  const unknown: PricedUnits["unknown"] = {};
  for (const [unitType, counts] of Object.entries(units)) {
    const price = prices[unitType];
    if (!price) {
      unknown[unitType] = counts;
      continue;
    }
    inputUnits += BigInt(counts.input ?? 0) * toUnits(price.input_price ?? 0);
    outputUnits += BigInt(counts.output ?? 0) * toUnits(price.output_price ?? 0);
  }
  return { inputUnits, outputUnits, unknown };
}
