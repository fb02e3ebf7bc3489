import { z } from "zod";
import { BudgetsFileSchema } from "./budgets-file.js";
import { REFERENCE_PATTERN } from "./stack-values.js";

/** Where the shipped JSON Schema lives in the package (`schema/budgets.schema.json`). */
export const SCHEMA_PATH = "schema/budgets.schema.json";

/**
 * The JSON Schema of budgets.yaml, generated from the zod schema the CLI validates with, for editor
 * completion and hover docs (`# yaml-language-server: $schema=…`). Input form: fields with defaults are
 * optional. Top-level `x-…` keys are allowed (YAML anchors). `pulumi-limits schema` prints it.
 */
function budgetsJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(BudgetsFileSchema, { io: "input", target: "draft-07" });
  const { vars, ...sections } = (generated["properties"] ?? {}) as Record<string, unknown>;
  return {
    ...generated,
    // Every field may hold a `${name}` reference to `vars:` (whose own values are literal).
    properties: { ...allowingReferences(sections), vars },
    title: "pulumi-limits budgets file",
    description: "Budgets as code: Pay-i spending limits and use cases applied with `pulumi-limits up`.",
    patternProperties: { "^x-": { description: "Free for YAML anchors and tooling; ignored." } },
  };
}

type Json = Record<string, unknown>;

/**
 * `schema` with every field that takes something other than free text (a number, a boolean, one of a list,
 * a pattern) also accepting one `${name}` reference, which the CLI resolves before it checks the value.
 */
function allowingReferences<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(allowingReferences) as T;
  if (typeof schema !== "object" || schema === null) return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, allowingReferences(v)])) as Json;
  const constrained =
    ["number", "integer", "boolean"].includes(String(node["type"])) ||
    "enum" in node ||
    "const" in node ||
    (node["type"] === "string" && ("pattern" in node || "format" in node));
  if (!constrained) return node as T;
  const { description, ...rest } = node;
  return {
    ...(description !== undefined ? { description } : {}),
    anyOf: [rest, { type: "string", pattern: REFERENCE_PATTERN, description: "a reference to vars: (${name})" }],
  } as T;
}

/** The schema file's text, as shipped. */
export function budgetsJsonSchemaText(): string {
  return `${JSON.stringify(budgetsJsonSchema(), null, 2)}\n`;
}
