import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BudgetsFileSchema, LimitEntrySchema, loadBudgets } from "../../cli/budgets-file.js";
import { keyChanges } from "../../cli/key-changes.js";
import { previousKeyProblems } from "../../cli/previous-keys.js";
import { resolveLimitKeys, type StateResource } from "../../cli/resource-keys.js";
import { aliasOptions, budgetsDeclarations } from "../../cli/vocabulary.js";

const state = (kind: StateResource["kind"], key: string, inputs: Record<string, unknown>): StateResource => ({
  urn: `urn:pulumi:dev::pulumi-limits::${kind}::${key}`,
  kind,
  key,
  id: `id-${key}`,
  inputs,
  outputs: {},
});

const METER = { name: "Tokens", aggregation: "sum", field: "values.tokens" };

describe("previousKeys: the keys an entry had before", () => {
  test("become the aliases of its resource (its resource name, prefixed for Limitry), never its current key", () => {
    const budgets = BudgetsFileSchema.parse({
      limits: [{ name: "Cap", key: "new-cap", previousKeys: ["old-cap", "new-cap"], max: 5 }],
      limitry: {
        meters: [{ key: "tokens", previousKeys: ["tok"], ...METER }],
        limits: [{ key: "daily", name: "Daily", meter: "tokens", limitValue: 10, period: "day" }],
        customers: [{ key: "acme", previousKeys: ["acme-old"], externalId: "cust_1" }, "cust_2"],
      },
    });
    const declarations = budgetsDeclarations(budgets, ["new-cap"]);
    expect(declarations.map((d) => [d.name, aliasOptions(d)])).toEqual([
      ["new-cap", { aliases: [{ name: "old-cap" }] }],
      ["limitry-meter-tokens", { aliases: [{ name: "limitry-meter-tok" }] }],
      ["limitry-customer-acme", { aliases: [{ name: "limitry-customer-acme-old" }] }],
      ["limitry-limit-daily", {}],
    ]);
  });

  test("are claimed by their entry: no other entry takes that resource by its name or settings", () => {
    const entries = [
      LimitEntrySchema.parse({ name: "Cap", key: "new-cap", previousKeys: ["old-cap"], max: 5 }),
      LimitEntrySchema.parse({ name: "Other", max: 5 }),
    ];
    const held = [state("limit", "old-cap", { limitName: "Other", limitType: "allow", max: 5, properties: {} })];
    expect(resolveLimitKeys(entries, held)).toEqual({ keys: ["new-cap", "other"], renames: [] });
  });

  test("a previous key in use, or claimed twice, is refused naming the entries", () => {
    const label = (i: number) => `limits[${i}]`;
    expect(
      previousKeyProblems(
        [
          { key: "a", previousKeys: ["a"] },
          { key: "b", previousKeys: ["a", "old"] },
          { key: "c", previousKeys: ["old", 5] },
        ],
        label,
      ),
    ).toEqual([
      { path: [0, "previousKeys", 0], message: "'a' is this entry's own key" },
      { path: [1, "previousKeys", 0], message: "'a' is the key of limits[0]: a key is either in use or previous" },
      { path: [2, "previousKeys", 0], message: "'old' is also a previous key of limits[1]: one entry takes an old key" },
    ]);
  });
});

describe("budgets.yaml checks previousKeys with line and column", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "previous-keys-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("type, characters and keys in use, in every keyed section", async () => {
    const file = path.join(dir, "budgets.yaml");
    await writeFile(
      file,
      [
        "limits:",
        "  - { name: A, max: 1, previousKeys: [b] }",
        "  - { name: B, max: 1, previousKeys: old }",
        "limitry:",
        "  meters:",
        "    - { key: m, previousKeys: ['bad key'], name: M, aggregation: count, field: '*' }",
        "  customers:",
        "    - { key: c1, externalId: x }",
        "    - { key: c2, externalId: y, previousKeys: [c1] }",
        "",
      ].join("\n"),
    );
    const error = await loadBudgets(file).then(
      () => "",
      (e: unknown) => String(e),
    );
    expect(error.split("\n").slice(1)).toEqual([
      `${file}:2:39: limits[0].previousKeys[0]: 'b' is the key of limits[1]: a key is either in use or previous`,
      `${file}:3:38: limits[1].previousKeys: previousKeys must be a list of keys, got the string "old"`,
      `${file}:6:32: limitry.meters[0].previousKeys[0]: a previous key may contain letters, digits, '.', '-' and '_'`,
      `${file}:9:48: limitry.customers[1].previousKeys[0]: 'c1' is the key of limitry.customers[0]: a key is either in use or previous`,
    ]);
  });
});

describe("an entry whose key changed without previousKeys", () => {
  test("is found when the resource under its old key, no longer declared, manages the same object", () => {
    const budgets = BudgetsFileSchema.parse({
      limits: [{ name: "Cap", key: "new-cap", max: 5 }],
      limitry: {
        meters: [{ key: "tokens", ...METER }],
        customers: [{ key: "acme", externalId: "cust_1" }],
      },
    });
    const held = [
      state("limit", "old-cap", { limitName: "Cap", max: 1 }),
      state("limitryMeter", "limitry-meter-tok", { ...METER, eventFilter: {} }),
      state("limitryCustomer", "limitry-customer-cust-1", { externalId: "cust_1" }),
    ];
    expect(keyChanges(budgetsDeclarations(budgets, ["new-cap"]), held)).toEqual([
      "limits: limit 'Cap' changed its key from 'old-cap' to 'new-cap': add `previousKeys: [old-cap]` to its entry, and the limit the key 'old-cap' manages stays (same id, changed in place) under the new key. A new key alone is a new resource: up would fail creating the limit again.",
      "limitry.meters: Limitry meter 'Tokens' changed its key from 'tok' to 'tokens': add `previousKeys: [tok]` to its entry, and the Limitry meter the key 'tok' manages stays (same id, changed in place) under the new key. A new key alone is a new resource: up would fail creating the Limitry meter again.",
      "limitry.customers: Limitry customer 'cust_1' changed its key from 'cust-1' to 'acme': add `previousKeys: [cust-1]` to its entry, and the Limitry customer the key 'cust-1' manages stays (same id, changed in place) under the new key. A new key alone is a new resource: up would fail creating the Limitry customer again.",
    ]);
  });

  test("is found by a limit's declared id too (a renamed limit at the id its old key holds), and for Limitry limits", () => {
    const budgets = BudgetsFileSchema.parse({
      limits: [{ name: "Renamed", key: "new-cap", id: "lim-7", max: 5 }],
      limitry: {
        meters: [{ key: "tokens", ...METER }],
        limits: [{ key: "daily", name: "Daily", meter: "tokens", limitValue: 5, period: "day" }],
      },
    });
    const held = [
      { ...state("limit", "old-cap", { limitName: "Cap" }), outputs: { limitId: "lim-7" } },
      state("limitryMeter", "limitry-meter-tokens", METER),
      state("limitryLimit", "limitry-limit-day-cap", { name: "Daily", period: "day", dimensionFilters: {} }),
    ];
    expect(keyChanges(budgetsDeclarations(budgets, ["new-cap"]), held).map((line) => line.split(":")[0])).toEqual([
      "limits",
      "limitry.limits",
    ]);
  });

  test("is not one when previousKeys names the old key, the old key is still declared, or the object differs", () => {
    const held = [
      state("limit", "old-cap", { limitName: "Cap", max: 1 }),
      state("limitryMeter", "limitry-meter-tok", { ...METER, field: "values.other" }),
    ];
    const aliased = BudgetsFileSchema.parse({ limits: [{ name: "Cap", key: "new-cap", previousKeys: ["old-cap"], max: 5 }] });
    expect(keyChanges(budgetsDeclarations(aliased, ["new-cap"]), held)).toEqual([]);
    const both = BudgetsFileSchema.parse({
      limits: [
        { name: "Cap", key: "new-cap", max: 5 },
        { name: "Other", key: "old-cap", max: 1 },
      ],
    });
    expect(keyChanges(budgetsDeclarations(both, ["new-cap", "old-cap"]), held)).toEqual([]);
    const counted = BudgetsFileSchema.parse({ limitry: { meters: [{ key: "tokens", ...METER }] } });
    expect(keyChanges(budgetsDeclarations(counted, []), held)).toEqual([]);
    // Use cases have no key of their own: a new name is a new use case.
    const useCase = BudgetsFileSchema.parse({ useCases: [{ name: "chat2" }] });
    expect(keyChanges(budgetsDeclarations(useCase, []), [state("useCase", "use-case-chat", { name: "chat" })])).toEqual([]);
  });
});
