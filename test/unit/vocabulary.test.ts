import { describe, expect, test } from "vitest";
import { BudgetsFileSchema } from "../../cli/budgets-file.js";
import {
  FILE_FIELDS,
  budgetsDeclarations,
  limitEntry,
  limitryLimitEntry,
  limitryMeterEntry,
  useCaseEntry,
} from "../../cli/vocabulary.js";

/** Every field of every section (with the defaults the schema fills in). */
const budgets = BudgetsFileSchema.parse({
  limits: [
    {
      name: "Daily Cap",
      max: 25,
      type: "block",
      threshold: 0.9,
      properties: { team: "ml" },
      id: "daily-cap",
      adopt: true,
      reset: "daily",
    },
  ],
  useCases: [
    {
      name: "summarize",
      description: "Summaries",
      loggingEnabled: false,
      limitConfig: { max: 0.1, type: "block", threshold: 0.8, properties: { tier: "free" } },
      adopt: true,
    },
  ],
  limitry: {
    meters: [
      {
        key: "tokens",
        name: "Total Tokens",
        aggregation: "sum",
        field: "values.tokens",
        description: "LLM tokens",
        eventFilter: { eventType: "llm.completion", dimensions: { env: "prod" } },
        adoptId: "mtr_1",
      },
    ],
    limits: [
      {
        key: "daily-tokens",
        name: "Daily tokens",
        meter: "tokens",
        limitValue: 100000,
        period: "day",
        customerId: "cust_1",
        dimensionFilters: { model: "gpt-4" },
        alertThresholds: [50, 80],
        adoptId: "lmt_1",
      },
    ],
  },
});

describe("budgets.yaml ↔ Pulumi arguments", () => {
  test("every entry maps to arguments that map back to the same entry", () => {
    const declarations = budgetsDeclarations(budgets, ["daily-cap"]);
    expect(declarations.map((d) => [d.type, d.name])).toEqual([
      ["Limit", "daily-cap"],
      ["UseCaseDefinition", "use-case-summarize"],
      ["UseCaseLimitConfig", "use-case-summarize-limit"],
      ["limitry.Meter", "limitry-meter-tokens"],
      ["limitry.Limit", "limitry-limit-daily-tokens"],
    ]);
    const [limit, definition, config, meter, limitryLimit] = declarations;
    if (limit?.type !== "Limit" || definition?.type !== "UseCaseDefinition" || config?.type !== "UseCaseLimitConfig")
      throw new Error("Pay-i declarations out of order");
    if (meter?.type !== "limitry.Meter" || limitryLimit?.type !== "limitry.Limit")
      throw new Error("Limitry declarations out of order");
    expect(limitEntry(limit.args)).toEqual(budgets.limits[0]);
    expect(useCaseEntry(definition.args, config.args)).toEqual(budgets.useCases[0]);
    expect(limitryMeterEntry(meter.args, meter.key)).toEqual(budgets.limitry?.meters[0]);
    expect(limitryLimitEntry(limitryLimit.args, limitryLimit.key, { meter: "tokens" })).toEqual(budgets.limitry?.limits[0]);
    expect(limitryLimit.meter).toEqual({ declared: "limitry-meter-tokens" });
  });

  test("a plan names each argument by the file field it came from", () => {
    const [limit, definition, config] = budgetsDeclarations(budgets, ["daily-cap"]);
    const entry = budgets.limits[0] ?? {};
    const useCase = budgets.useCases[0] ?? {};
    const pairs = [
      [FILE_FIELDS.limit, limit?.args, entry],
      [FILE_FIELDS.useCase, definition?.args, useCase],
      [FILE_FIELDS.useCaseLimitConfig, config?.args, budgets.useCases[0]?.limitConfig],
    ] as const;
    for (const [fields, args, fileEntry] of pairs) {
      for (const [input, field] of Object.entries(fields)) {
        expect([input, Object.entries(args ?? {}).find(([k]) => k === input)?.[1]]).toEqual([
          input,
          Object.entries(fileEntry ?? {}).find(([k]) => k === field)?.[1],
        ]);
      }
    }
  });
});
