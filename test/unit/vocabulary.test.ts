import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, test } from "vitest";
import { BudgetsFileSchema, loadBudgets } from "../../cli/budgets-file.js";
import { resolveLimitKeys } from "../../cli/resource-keys.js";
import {
  FILE_FIELDS,
  budgetsDeclarations,
  limitEntry,
  limitryLimitEntry,
  limitryMeterEntry,
  useCaseEntry,
} from "../../cli/vocabulary.js";
import { EVERY_FIELD_YAML } from "../support/every-field.js";
import type { LimitInputs } from "../../provider/payi/inputs.js";
import { withoutOwner } from "../../provider/ownership.js";
import { LIMIT_INPUT_OF_WIRE, limitToApi } from "../../provider/payi/wire.js";

const budgets = BudgetsFileSchema.parse(parse(EVERY_FIELD_YAML));
const declarations = budgetsDeclarations(budgets, resolveLimitKeys(budgets.limits, []).keys);
const declared = (name: string) => declarations.find((d) => d.name === name);

describe("budgets.yaml ↔ Pulumi arguments", () => {
  test("every entry maps to arguments that map back to the same entry", () => {
    expect(declarations.map((d) => [d.type, d.name])).toEqual([
      ["Limit", "daily-cap"],
      ["Limit", "monthly"],
      ["Limit", "legacy-cap"],
      ["UseCaseDefinition", "use-case-summarize"],
      ["UseCaseLimitConfig", "use-case-summarize-limit"],
      ["UseCaseDefinition", "use-case-chat"],
      ["limitry.Meter", "limitry-meter-tokens"],
      ["limitry.Limit", "limitry-limit-daily-tokens"],
    ]);
    const back = declarations.flatMap((d) => (d.type === "Limit" ? [limitEntry(d.args)] : []));
    expect(back).toEqual(budgets.limits);
    for (const entry of budgets.useCases) {
      const definition = declared(`use-case-${entry.name}`);
      const config = declared(`use-case-${entry.name}-limit`);
      if (definition?.type !== "UseCaseDefinition") throw new Error(`no definition for ${entry.name}`);
      expect(useCaseEntry(definition.args, config?.type === "UseCaseLimitConfig" ? config.args : undefined)).toEqual(entry);
    }
    const meter = declared("limitry-meter-tokens");
    const limit = declared("limitry-limit-daily-tokens");
    if (meter?.type !== "limitry.Meter" || limit?.type !== "limitry.Limit") throw new Error("no Limitry declarations");
    expect(limitryMeterEntry(meter.args, meter.key)).toEqual(budgets.limitry?.meters[0]);
    expect(limit.meter).toEqual({ declared: "limitry-meter-tokens" });
    expect(limitryLimitEntry(limit.args, limit.key, { meter: "tokens" })).toEqual(budgets.limitry?.limits[0]);
  });

  test("a plan names each argument by the file field it came from", () => {
    const entryField = (entry: object | undefined, field: string) => Object.entries(entry ?? {}).find(([k]) => k === field)?.[1];
    const cases = [
      [FILE_FIELDS.limit, declared("daily-cap")?.args, budgets.limits[0]],
      [FILE_FIELDS.useCase, declared("use-case-summarize")?.args, budgets.useCases[0]],
      [FILE_FIELDS.useCaseLimitConfig, declared("use-case-summarize-limit")?.args, budgets.useCases[0]?.limitConfig],
    ] as const;
    for (const [fields, args, entry] of cases) {
      for (const [input, field] of Object.entries(fields)) {
        expect([input, entryField(args, input)]).toEqual([input, entryField(entry, field)]);
      }
    }
  });

  test("a violation of Pay-i's rules (wire names) is named by the input and the file field holding that value", () => {
    const inputs: LimitInputs = {
      limitName: "Daily Cap",
      max: 25,
      limitType: "block",
      threshold: 0.9,
      limitId: "daily-cap",
      properties: { team: "ml" },
      adopt: false,
      idSeed: "org/project/stack/daily-cap",
      instance: "instance",
    };
    const sent = limitToApi(inputs, "daily-cap", "owner record");
    const wire: Record<string, unknown> = { ...sent, properties: withoutOwner(sent.properties) };
    const entry = limitEntry(inputs);
    for (const [wireField, input] of Object.entries(LIMIT_INPUT_OF_WIRE)) {
      expect([wireField, wire[wireField]]).toEqual([wireField, inputs[input]]);
      const field = FILE_FIELDS.limit[input] ?? "";
      expect([input, Object.entries(entry).find(([k]) => k === field)?.[1]]).toEqual([input, inputs[input]]);
    }
  });

  test("budgets.yaml names a rule's violation by its own field", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-vocabulary-"));
    try {
      const file = path.join(dir, "budgets.yaml");
      await writeFile(file, 'limits:\n  - name: " "\n    max: 5\n');
      await expect(loadBudgets(file)).rejects.toThrow(`${file}:2:11: limits[0].name: name must not be empty`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
