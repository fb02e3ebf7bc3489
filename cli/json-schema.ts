import { z } from "zod";
import { BudgetsFileSchema } from "./budgets-file.js";

/** Where the shipped JSON Schema lives in the package (`schema/budgets.schema.json`). */
export const SCHEMA_PATH = "schema/budgets.schema.json";

/**
 * The JSON Schema of budgets.yaml, generated from the zod schema the CLI validates with, for editor
 * completion and hover docs (`# yaml-language-server: $schema=…`). Input form: fields with defaults are
 * optional. Top-level `x-…` keys are allowed (YAML anchors). `pulumi-limits schema` prints it.
 */
function budgetsJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(BudgetsFileSchema, { io: "input", target: "draft-07" });
  return {
    ...generated,
    title: "pulumi-limits budgets file",
    description: "Budgets as code: Pay-i spending limits and use cases applied with `pulumi-limits up`.",
    patternProperties: { "^x-": { description: "Free for YAML anchors and tooling; ignored." } },
  };
}

/** The schema file's text, as shipped. */
export function budgetsJsonSchemaText(): string {
  return `${JSON.stringify(budgetsJsonSchema(), null, 2)}\n`;
}
