import { stringify } from "yaml";
import type { Payi } from "../sdk/index.js";
import { same } from "../provider/diff.js";
import {
  definitionFromApi,
  limitConfigFromApi,
  limitFromApi,
  type LimitConfigFromApi,
  type LimitFromApi,
} from "../provider/payi/wire.js";
import { effectiveThreshold } from "../rules/payi/limit.js";
import { scheduleOf } from "../rules/payi/reset.js";
import type { BudgetsFile } from "./budgets-file.js";
import { SCHEMA_PATH } from "./json-schema.js";
import { resolveLimitKeys } from "./resource-keys.js";
import { budgetsDeclarations, limitEntry, useCaseEntry } from "./vocabulary.js";

/** What `import` read from Pay-i, and what the user must know about what it left out. */
export interface ImportedBudgets {
  budgets: BudgetsFile;
  /** One line each, for stderr: limits left out and fields Pay-i did not return. */
  notes: string[];
}

/**
 * Reads every limit and use case on the service into a budgets file whose limits all carry
 * `adopt: true` and their current id, so `up` takes them over without changing them.
 *
 * Limits of use-case instances are left out: Pay-i created them, the use case's limit config creates more.
 * An instance's limit is known for certain only by the `limit_id` its instance reports, and Pay-i lists no
 * instances and names their limits its own way; so every limit holding the settings of a use case's limit
 * config (max, type, threshold, and properties where Pay-i returns them) is left out and named in a note:
 * adopting an instance's limit by mistake would let the stack delete it.
 */
export async function importBudgets(client: Payi): Promise<ImportedBudgets> {
  const budgets: BudgetsFile = { limits: [], useCases: [] };
  const configs: LimitConfigFromApi[] = [];
  for await (const d of client.useCases.definitions.list()) {
    const config = limitConfigFromApi(d);
    if (config) configs.push(config);
    budgets.useCases.push(useCaseEntry({ ...definitionFromApi(d), adopt: true }, config && { ...config, adopt: true }));
  }
  const leftOut: string[] = [];
  let unechoed = 0;
  for await (const l of client.limits.list()) {
    const limit = limitFromApi(l);
    const config = configs.find((c) => holdsConfig(limit, c));
    if (config) {
      leftOut.push(`'${limit.limitName}' (${limit.limitId}, use case '${config.useCaseName}')`);
      continue;
    }
    if (limit.properties === undefined) unechoed++;
    const properties = limit.properties ?? {};
    // The reset schedule is a reserved property on the service and its own field in the file.
    budgets.limits.push(limitEntry({ ...limit, properties, adopt: true, ...scheduleOf(properties) }));
  }
  const notes: string[] = [];
  if (leftOut.length > 0) {
    notes.push(
      `left out ${leftOut.length} limit(s) holding the settings of a use case's limit config, which may be instances' limits (Pay-i lists no instances): ${leftOut.join(", ")}; to manage one anyway, add it with its id and adopt: true`,
    );
  }
  if (unechoed > 0) {
    notes.push(
      `Pay-i returned no properties for ${unechoed} limit(s) (its Limit model has none), so their entries declare no properties or reset schedule: add any they have; up leaves the properties on the service as they are`,
    );
  }
  return { budgets, notes };
}

/** Whether a limit holds every setting of a use case's limit config (properties only where both are known). */
function holdsConfig(limit: LimitFromApi, config: LimitConfigFromApi): boolean {
  return (
    limit.max === config.max &&
    limit.limitType === config.limitType &&
    effectiveThreshold(limit.threshold) === effectiveThreshold(config.threshold) &&
    (limit.properties === undefined || same(limit.properties, config.properties ?? {}))
  );
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
