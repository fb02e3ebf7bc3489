import { stringify } from "yaml";
import type { Payi } from "../sdk/index.js";
import { withoutOwner } from "../provider/ownership.js";
import { definedProperties } from "../rules/payi/properties.js";
import { RESET_PROPERTY, isResetSchedule, withoutResetMarker } from "../rules/payi/reset.js";
import { instanceLimitName } from "../rules/payi/use-case.js";
import { limitKey, type BudgetsFile } from "./budgets-file.js";
import { SCHEMA_PATH } from "./json-schema.js";

/**
 * Reads every limit and use case on the service into a budgets file whose limits all carry
 * `adopt: true` and their current id, so `up` takes them over without changing them. Limits that
 * belong to use-case instances are left out: the use case's limitConfig creates those.
 */
export async function importBudgets(client: Payi): Promise<BudgetsFile> {
  const budgets: BudgetsFile = { limits: [], useCases: [] };
  for await (const d of client.useCases.definitions.list()) {
    const c = d.limit_config;
    budgets.useCases.push({
      name: d.name,
      description: d.description,
      ...(d.logging_enabled != null ? { loggingEnabled: d.logging_enabled } : {}),
      ...(c
        ? {
            limitConfig: {
              max: c.max,
              type: c.limit_type ?? "allow",
              ...(c.threshold != null ? { threshold: c.threshold } : {}),
              ...(Object.keys(withoutOwner(definedProperties(c.properties))).length
                ? { properties: withoutOwner(definedProperties(c.properties)) }
                : {}),
            },
          }
        : {}),
      adopt: true,
    });
  }
  const instancePrefixes = budgets.useCases.map((u) => instanceLimitName(u.name, ""));
  for await (const l of client.limits.list()) {
    if (instancePrefixes.some((prefix) => l.limit_name.startsWith(prefix))) continue;
    // The reset schedule is a reserved property on the service and its own field in the file.
    const { [RESET_PROPERTY]: reset, ...properties } = withoutOwner(withoutResetMarker(definedProperties(l.properties)));
    budgets.limits.push({
      name: l.limit_name,
      max: l.max,
      type: l.limit_type,
      ...(l.threshold != null ? { threshold: l.threshold } : {}),
      ...(Object.keys(properties).length ? { properties } : {}),
      id: l.limit_id,
      adopt: true,
      ...(isResetSchedule(reset) ? { reset } : {}),
    });
  }
  return budgets;
}

/** budgets.yaml text for an imported set, with a header saying where it came from. */
export function budgetsYaml(budgets: BudgetsFile, source: string): string {
  const header = `# yaml-language-server: $schema=./node_modules/pulumi-limits/${SCHEMA_PATH}\n# Imported from ${source} by \`pulumi-limits import\`.\n# Every limit has adopt: true: \`pulumi-limits up\` takes it over without changing it.\n`;
  return header + stringify(budgets, { lineWidth: 0 });
}

/**
 * The same set as a TypeScript Pulumi program: every field the YAML carries, and the resource names the
 * CLI gives the same entries (a slug of each limit's name, `use-case-<name>`), so either form manages
 * the same resources.
 */
export function budgetsProgramSource(budgets: BudgetsFile): string {
  const lines = [
    'import { Limit, UseCaseDefinition, UseCaseLimitConfig } from "pulumi-limits";',
    "",
    "// Imported by `pulumi-limits import`: adopt takes the existing limits over without changing them.",
  ];
  const keys = new Set<string>();
  for (const l of budgets.limits) {
    let key = limitKey(l);
    for (let n = 2; keys.has(key); n++) key = `${limitKey(l)}-${n}`;
    keys.add(key);
    const args = {
      limitName: l.name,
      max: l.max,
      limitType: l.type,
      ...(l.threshold !== undefined ? { threshold: l.threshold } : {}),
      ...(l.properties ? { properties: l.properties } : {}),
      ...(l.id !== undefined ? { limitId: l.id } : {}),
      adopt: l.adopt,
      ...(l.reset !== undefined ? { reset: l.reset } : {}),
    };
    lines.push(`new Limit(${JSON.stringify(key)}, ${JSON.stringify(args, null, 2)});`);
  }
  for (const u of budgets.useCases) {
    const definition = {
      name: u.name,
      description: u.description,
      ...(u.loggingEnabled !== undefined ? { loggingEnabled: u.loggingEnabled } : {}),
      adopt: u.adopt,
    };
    lines.push(
      `const ${identifier(u.name)} = new UseCaseDefinition(${JSON.stringify(`use-case-${u.name}`)}, ${JSON.stringify(definition, null, 2)});`,
    );
    if (u.limitConfig) {
      const c = u.limitConfig;
      const args = {
        max: c.max,
        limitType: c.type,
        ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
        ...(c.properties ? { properties: c.properties } : {}),
        adopt: u.adopt,
      };
      lines.push(
        `new UseCaseLimitConfig(${JSON.stringify(`use-case-${u.name}-limit`)}, { useCaseName: ${identifier(u.name)}.name, ...${JSON.stringify(args)} });`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

function identifier(name: string): string {
  return `useCase_${name.replace(/\W/g, "_")}`;
}
