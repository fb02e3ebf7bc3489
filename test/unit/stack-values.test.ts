import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadBudgets } from "../../cli/budgets-file.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-vars-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function file(lines: string[]): Promise<string> {
  const name = path.join(dir, `budgets-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(name, `${lines.join("\n")}\n`);
  return name;
}

const BUDGETS = [
  "vars:",
  "  dailyMax: { default: 5, prod: 50 }",
  "  guard: { default: allow, prod: block }",
  "  team: ml-platform",
  "limits:",
  '  - { name: Daily Safety Cap, max: "${dailyMax}", type: "${guard}", threshold: 0.9 }',
  '  - name: "${stack} experiments ($${literal})"',
  "    max: 20",
  '    properties: { team: "${team}", cost-center: "cc-${team}" }',
  "useCases:",
  '  - { name: support-bot, limitConfig: { max: "${dailyMax}" } }',
];

describe("vars: values per stack in one budgets file", () => {
  test("each stack gets its own values, else the default; ${stack} is the stack's name; types are kept", async () => {
    const budgets = await file(BUDGETS);
    const prod = await loadBudgets(budgets, { stack: "acme/pulumi-limits/prod" });
    expect(prod.limits.map((l) => [l.name, l.max, l.type, l.properties])).toEqual([
      ["Daily Safety Cap", 50, "block", undefined],
      ["prod experiments (${literal})", 20, "allow", { team: "ml-platform", "cost-center": "cc-ml-platform" }],
    ]);
    expect(prod.useCases[0]?.limitConfig?.max).toBe(50);
    const dev = await loadBudgets(budgets, { stack: "dev" });
    expect(dev.limits.map((l) => [l.name, l.max, l.type])).toEqual([
      ["Daily Safety Cap", 5, "allow"],
      ["dev experiments (${literal})", 20, "allow"],
    ]);
  });

  test("a resolved value is checked as if written in place, at the line and column of the reference", async () => {
    const budgets = await file(["vars:", "  cap: { default: -1 }", "limits:", '  - { name: Cap, max: "${cap}" }']);
    await expect(loadBudgets(budgets, { stack: "dev" })).rejects.toThrow(
      `${budgets}:4:23: limits[0].max: max must be greater than 0 (got -1)`,
    );
  });

  test("an unknown variable, a stack without a value or default, and bad vars are reported once each, all in one run", async () => {
    const budgets = await file([
      "vars:",
      "  cap: { prod: 50 }",
      "  2bad: 1",
      "  nested: { prod: { a: 1 } }",
      "limits:",
      '  - { name: Cap, max: "${cap}" }',
      '  - { name: Other, max: "${capp}" }',
    ]);
    const error = await loadBudgets(budgets, { stack: "dev" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toContain(
      `${budgets}:3:9: vars.2bad: '2bad' is not a variable name: letters, digits and _, not starting with a digit`,
    );
    expect(String(error)).toContain(
      `${budgets}:4:11: vars.nested: a variable is one value (string, number or boolean), or a map of stack → value with an optional default`,
    );
    expect(String(error)).toContain(
      `${budgets}:6:23: limits[0].max: variable 'cap' has no value for stack 'dev' and no default (vars.cap names prod)`,
    );
    expect(String(error)).toContain(`${budgets}:7:25: limits[1].max: unknown variable 'capp' (vars: cap, 2bad, nested)`);
    expect(String(error)).not.toContain("must be a number");
  });

  test("${stack} in a file loaded without a stack is an error, not the text ${stack}", async () => {
    const budgets = await file(["limits:", '  - { name: "${stack} cap", max: 5 }']);
    await expect(loadBudgets(budgets)).rejects.toThrow("limits[0].name: ${stack} needs a stack: run this with --stack");
  });
});
