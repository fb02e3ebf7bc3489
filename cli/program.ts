import * as pulumi from "@pulumi/pulumi";
import { Limit, UseCaseDefinition, UseCaseLimitConfig } from "../provider/index.js";
import { limitKey, type BudgetsFile } from "./budgets-file.js";

/** Stack output holding `{ [key]: limitId }` for every declared limit; `status` reads it. */
export const LIMIT_IDS_OUTPUT = "limitIds";

/**
 * The Pulumi program a budgets file stands for: one resource per entry. At preview it first warns
 * `previewNotes()` (what goes with the entries the file dropped), as engine diagnostics.
 */
export function budgetsProgram(budgets: BudgetsFile, previewNotes?: () => Promise<string[]>): pulumi.automation.PulumiFn {
  return async () => {
    if (previewNotes && pulumi.runtime.isDryRun()) {
      for (const note of await previewNotes()) await pulumi.log.warn(note);
    }
    const limitIds: Record<string, pulumi.Output<string>> = {};
    for (const entry of budgets.limits) {
      const key = limitKey(entry);
      const limit = new Limit(key, {
        limitName: entry.name,
        max: entry.max,
        limitType: entry.type,
        ...(entry.threshold !== undefined ? { threshold: entry.threshold } : {}),
        ...(entry.properties !== undefined ? { properties: entry.properties } : {}),
        ...(entry.id !== undefined ? { limitId: entry.id } : {}),
        adopt: entry.adopt,
      });
      limitIds[key] = limit.limitId;
    }
    for (const entry of budgets.useCases) {
      const definition = new UseCaseDefinition(`use-case-${entry.name}`, {
        name: entry.name,
        description: entry.description,
        ...(entry.loggingEnabled !== undefined ? { loggingEnabled: entry.loggingEnabled } : {}),
      });
      if (entry.limitConfig) {
        const c = entry.limitConfig;
        new UseCaseLimitConfig(`use-case-${entry.name}-limit`, {
          useCaseName: definition.name,
          max: c.max,
          limitType: c.type,
          ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
          ...(c.properties !== undefined ? { properties: c.properties } : {}),
        });
      }
    }
    return { [LIMIT_IDS_OUTPUT]: limitIds };
  };
}
