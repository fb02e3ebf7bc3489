import { stringify } from "yaml";
import type { Payi } from "../sdk/index.js";
import { definitionFromApi, limitConfigFromApi, limitFromApi } from "../provider/payi/wire.js";
import { scheduleOf } from "../rules/payi/reset.js";
import { instanceLimitName } from "../rules/payi/use-case.js";
import type { BudgetsFile } from "./budgets-file.js";
import { SCHEMA_PATH } from "./json-schema.js";
import { resolveLimitKeys } from "./resource-keys.js";
import { budgetsDeclarations, limitEntry, useCaseEntry } from "./vocabulary.js";

/**
 * Reads every limit and use case on the service into a budgets file whose limits all carry
 * `adopt: true` and their current id, so `up` takes them over without changing them. Limits that
 * belong to use-case instances are left out: the use case's limitConfig creates those.
 */
export async function importBudgets(client: Payi): Promise<BudgetsFile> {
  const budgets: BudgetsFile = { limits: [], useCases: [] };
  for await (const d of client.useCases.definitions.list()) {
    const config = limitConfigFromApi(d);
    budgets.useCases.push(useCaseEntry({ ...definitionFromApi(d), adopt: true }, config && { ...config, adopt: true }));
  }
  const instancePrefixes = budgets.useCases.map((u) => instanceLimitName(u.name, ""));
  for await (const l of client.limits.list()) {
    if (instancePrefixes.some((prefix) => l.limit_name.startsWith(prefix))) continue;
    const limit = limitFromApi(l);
    const properties = limit.properties ?? {};
    // The reset schedule is a reserved property on the service and its own field in the file.
    budgets.limits.push(limitEntry({ ...limit, properties, adopt: true, ...scheduleOf(properties) }));
  }
  return budgets;
}

/** budgets.yaml text for an imported set, with a header saying where it came from. */
export function budgetsYaml(budgets: BudgetsFile, source: string): string {
  const header = `# yaml-language-server: $schema=./node_modules/pulumi-limits/${SCHEMA_PATH}\n# Imported from ${source} by \`pulumi-limits import\`.\n# Every limit has adopt: true: \`pulumi-limits up\` takes it over without changing it.\n`;
  return header + stringify(budgets, { lineWidth: 0 });
}

/**
 * The same set as a TypeScript Pulumi program: the resources the CLI's program declares for the same
 * file (`budgetsDeclarations`: every argument, under the same resource names), so either form manages
 * the same resources.
 */
export function budgetsProgramSource(budgets: BudgetsFile): string {
  const declarations = budgetsDeclarations(budgets, resolveLimitKeys(budgets.limits, []).keys);
  const lines = ['import { Limit, UseCaseDefinition, UseCaseLimitConfig } from "pulumi-limits";'];
  if (declarations.some((d) => d.type.startsWith("limitry."))) lines.push('import { limitry } from "pulumi-limits";');
  lines.push("", "// Imported by `pulumi-limits import`: adopt takes the existing limits over without changing them.");
  // Variables for the resources others refer to, by resource name.
  const variables = new Map<string, string>();
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  for (const d of declarations) {
    const name = JSON.stringify(d.name);
    if (d.type === "Limit") {
      lines.push(`new Limit(${name}, ${json(d.args)});`);
    } else if (d.type === "UseCaseDefinition") {
      const variable = identifier("useCase", d.args.name);
      variables.set(d.name, variable);
      lines.push(`const ${variable} = new UseCaseDefinition(${name}, ${json(d.args)});`);
    } else if (d.type === "UseCaseLimitConfig") {
      const useCaseName = `${variables.get(d.definition)}.name`;
      lines.push(`new UseCaseLimitConfig(${name}, { useCaseName: ${useCaseName}, ...${JSON.stringify(d.args)} });`);
    } else if (d.type === "limitry.Meter") {
      const variable = identifier("limitryMeter", d.key);
      variables.set(d.name, variable);
      lines.push(`const ${variable} = new limitry.Meter(${name}, ${json(d.args)});`);
    } else if (d.type === "limitry.Customer") {
      lines.push(`new limitry.Customer(${name}, ${json(d.args)});`);
    } else {
      const meterId = "id" in d.meter ? JSON.stringify(d.meter.id) : `${variables.get(d.meter.declared)}.id`;
      lines.push(`new limitry.Limit(${name}, { meterId: ${meterId}, ...${JSON.stringify(d.args)} });`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function identifier(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/\W/g, "_")}`;
}
