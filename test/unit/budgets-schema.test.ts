import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadBudgets } from "../../cli/budgets-file.js";
import { CliError } from "../../cli/exit-codes.js";
import { SCHEMA_PATH, budgetsJsonSchemaText } from "../../cli/json-schema.js";
import { LimitrySectionSchema } from "../../cli/limitry-file.js";
import { limitryCustomers } from "../../cli/limitry-status.js";
import { budgetsDeclarations, limitryCustomerEntry } from "../../cli/vocabulary.js";

const ROOT = path.resolve(__dirname, "..", "..");

describe("budgets.yaml JSON Schema", () => {
  test("the shipped schema is the one generated from the zod schema (regenerate: node bin/pulumi-limits.js schema > schema/budgets.schema.json)", () => {
    expect(readFileSync(path.join(ROOT, SCHEMA_PATH), "utf8")).toBe(budgetsJsonSchemaText());
  });

  test("the package ships it and the budgets.yaml example points editors at it", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("schema");
    const example = readFileSync(path.join(ROOT, "examples", "budgets-yaml", "budgets.yaml"), "utf8");
    expect(example.split("\n")[0]).toBe("# yaml-language-server: $schema=../../schema/budgets.schema.json");
  });
});

describe("limitry.customers in budgets.yaml", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-customers-"));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function load(name: string, lines: string[]) {
    const file = path.join(dir, name);
    await writeFile(file, `${lines.join("\n")}\n`);
    return { file, loaded: loadBudgets(file) };
  }

  test("a map is a managed limitry.Customer, a plain id only a customer status reports on", async () => {
    const { loaded } = await load("customers.yaml", [
      "limitry:",
      "  customers:",
      "    - cust_watch",
      "    - key: acme",
      "      externalId: cust_123",
      "      name: Acme",
      "      timezone: America/New_York",
      "      billingCycleStart: 2026-01-15T00:00:00Z",
      "      metadata: { plan: pro, seats: 5 }",
      "      adopt: true",
      "    - externalId: Cust 7",
    ]);
    const budgets = await loaded;
    const declarations = budgetsDeclarations(budgets, []);
    expect(declarations).toEqual([
      {
        type: "limitry.Customer",
        key: "acme",
        name: "limitry-customer-acme",
        args: {
          externalId: "cust_123",
          name: "Acme",
          timezone: "America/New_York",
          billingCycleStart: "2026-01-15T00:00:00Z",
          metadata: { plan: "pro", seats: 5 },
          adopt: true,
        },
      },
      { type: "limitry.Customer", key: "cust-7", name: "limitry-customer-cust-7", args: { externalId: "Cust 7" } },
    ]);
    const first = declarations[0];
    if (first?.type !== "limitry.Customer") throw new Error("no customer declared");
    expect(limitryCustomerEntry(first.args, first.key)).toEqual(budgets.limitry?.customers[1]);
    expect(limitryCustomers(budgets.limitry ?? LimitrySectionSchema.parse({}), undefined)).toEqual([
      "cust_watch",
      "cust_123",
      "Cust 7",
    ]);
  });

  test("a file holding only a managed customer is not empty; one with only plain ids is", async () => {
    await expect((await load("one.yaml", ["limitry:", "  customers: [{ externalId: c1 }]"])).loaded).resolves.toBeDefined();
    await expect((await load("none.yaml", ["limitry:", "  customers: [c1]"])).loaded).rejects.toThrow("declares no limits");
  });

  test("any empty section says 'none' on purpose, as limits: [] does", async () => {
    for (const lines of [["limits: []"], ["useCases: []"], ["limitry:", "  limits: []"], ["limitry:", "  meters: []"]]) {
      await expect((await load("explicit.yaml", lines)).loaded).resolves.toBeDefined();
    }
    await expect((await load("blank.yaml", ["# nothing yet"])).loaded).rejects.toThrow(
      "Write an empty section (`limits: []` or `useCases: []`) in the file to mean that, or pass --allow-empty.",
    );
  });

  async function problems(name: string, lines: string[]): Promise<string[]> {
    const { file, loaded } = await load(name, lines);
    const error = await loaded.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    return String((error as CliError).message)
      .split("\n")
      .slice(1)
      .map((line) => line.replace(`${file}:`, ""));
  }

  test("a customer of the wrong shape is named by its field, at its line and column", async () => {
    expect(
      await problems("types.yaml", [
        "limitry:",
        "  customers:",
        "    - 42",
        "    - externalId: 0123",
        "    - externalId: cust_1",
        "      tz: UTC",
        "      metadata: [a]",
      ]),
    ).toEqual([
      "3:7: limitry.customers[0]: a customer must be an external id or a map with externalId, got the number 42",
      "4:19: limitry.customers[1].externalId: externalId must be a string (quote ids that look like numbers), got the number 123",
      "6:11: limitry.customers[2].tz: unknown field 'tz' (expected one of: key, previousKeys, externalId, name, timezone, billingCycleStart, metadata, adopt)",
      "7:17: limitry.customers[2].metadata: metadata must be a map, got a list",
    ]);
  });

  test("Limitry's rules for customers are checked at load: IANA timezone, ISO-8601 billing cycle, external ids, duplicates", async () => {
    expect(
      await problems("rules.yaml", [
        "limitry:",
        "  customers:",
        "    - externalId: cust_1",
        "      timezone: Mars/Olympus",
        "      billingCycleStart: '2026-01-15 00:00'",
        "    - externalId: ' '",
        "    - externalId: cust_1",
        "    - { key: k, externalId: a }",
        "    - { key: k, externalId: b }",
        "    - ''",
        "    - externalId: cust_2",
        "      billingCycleStart: 2026-02-30T00:00:00Z",
        "      timezone: europe/paris",
      ]),
    ).toEqual([
      "4:17: limitry.customers[0].timezone: timezone must be an IANA timezone name such as Europe/Paris (got 'Mars/Olympus')",
      "5:26: limitry.customers[0].billingCycleStart: billingCycleStart must be an ISO-8601 date-time with an offset (got '2026-01-15 00:00')",
      "6:19: limitry.customers[1].externalId: externalId must not be empty (got ' ')",
      "7:19: limitry.customers[2].externalId: duplicate customer 'cust_1' (also limitry.customers[0])",
      "9:14: limitry.customers[4].key: duplicate customer key 'k' (also limitry.customers[3]); set a distinct key",
      "10:7: limitry.customers[5]: externalId must not be empty (got '')",
      "12:26: limitry.customers[6].billingCycleStart: billingCycleStart must be an ISO-8601 date-time with an offset (got '2026-02-30T00:00:00Z')",
    ]);
  });

  test("an enum error (period: daily) hides none of the file's other problems: all are reported at once", async () => {
    expect(
      await problems("all.yaml", [
        "limits:",
        "  - { name: Cap, max: -1 }",
        "limitry:",
        "  meters:",
        "    - key: tokens",
        "      name: Total Tokens",
        "      aggregation: total",
        "      field: tokens",
        "  limits:",
        "    - name: Daily",
        "      meter: tokenz",
        "      limitValue: 0",
        "      period: daily",
        "      alertThresholds: [50, 120]",
        "    - { name: Daily, meter: tokens, meterId: mtr_1, limitValue: 5, period: day }",
        "  customers:",
        "    - { externalId: c1, timezone: Mars/Olympus, adopt: yes }",
      ]),
    ).toEqual([
      "2:23: limits[0].max: max must be greater than 0 (got -1)",
      '7:20: limitry.meters[0].aggregation: aggregation must be sum, count, max, latest, got the string "total"',
      "8:14: limitry.meters[0].field: field must be 'values.<key>' (key: letters, digits, _; up to 64) or '*' with count (got 'tokens')",
      "11:14: limitry.limits[0].meter: no meter with key 'tokenz' in limitry.meters (keys: tokens)",
      "12:19: limitry.limits[0].limitValue: limitValue must be an integer greater than 0 (got 0)",
      '13:15: limitry.limits[0].period: period must be hour, day, week, month, annual, all_time, got the string "daily"',
      "14:29: limitry.limits[0].alertThresholds[1]: alertThresholds[1] must be an integer between 1 and 100 (got 120)",
      "15:7: limitry.limits[1]: give exactly one of meter (a key of limitry.meters) or meterId (an existing meter's id)",
      "15:15: limitry.limits[1].name: duplicate limit key 'daily' (also limitry.limits[0]); set a distinct key",
      "17:35: limitry.customers[0].timezone: timezone must be an IANA timezone name such as Europe/Paris (got 'Mars/Olympus')",
      '17:56: limitry.customers[0].adopt: adopt must be true or false, got the string "yes"',
    ]);
  });
});
