import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { SCHEMA_PATH, budgetsJsonSchemaText } from "../../cli/json-schema.js";

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
