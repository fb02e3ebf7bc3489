import * as pulumi from "@pulumi/pulumi";
import { stackInstanceId } from "../provider/identity.js";
import { Limit, UseCaseDefinition, UseCaseLimitConfig } from "../provider/index.js";
import type { BudgetsFile } from "./budgets-file.js";
import { LIMITRY_LIMIT_IDS_OUTPUT, declareLimitry } from "./limitry-program.js";

/** Stack output holding `{ [key]: limitId }` for every declared limit; `status` reads it. */
const LIMIT_IDS_OUTPUT = "limitIds";

/** Stack output holding the names of the declared use cases; `status` reads it. */
const USE_CASES_OUTPUT = "useCases";

/**
 * Stack output holding the stack instance id (see provider/identity.ts). Present once a run recorded the
 * `StackInstance`: until then a run must keep per-step checkpoints, or a killed one would lose the id its
 * objects' owner records name.
 */
export const STACK_INSTANCE_OUTPUT = "stackInstance";

/**
 * The Pulumi program a budgets file stands for: one resource per entry. `limitKeys` holds the resource
 * key of each `limits[]` entry (see `resolveLimitKeys`), read when the engine runs the program. At
 * preview it first warns `previewNotes()` (what goes with the entries the file dropped), as engine diagnostics.
 */
export function budgetsProgram(
  budgets: BudgetsFile,
  limitKeys: () => string[],
  previewNotes?: () => Promise<string[]>,
): pulumi.automation.PulumiFn {
  return async () => {
    if (previewNotes && pulumi.runtime.isDryRun()) {
      for (const note of await previewNotes()) await pulumi.log.warn(note);
    }
    const limitIds: Record<string, pulumi.Output<string>> = {};
    const keys = limitKeys();
    for (const [i, entry] of budgets.limits.entries()) {
      const key = keys[i] ?? "";
      const limit = new Limit(key, {
        limitName: entry.name,
        max: entry.max,
        limitType: entry.type,
        ...(entry.threshold !== undefined ? { threshold: entry.threshold } : {}),
        ...(entry.properties !== undefined ? { properties: entry.properties } : {}),
        ...(entry.id !== undefined ? { limitId: entry.id } : {}),
        adopt: entry.adopt,
        ...(entry.reset !== undefined ? { reset: entry.reset } : {}),
      });
      limitIds[key] = limit.limitId;
    }
    for (const entry of budgets.useCases) {
      const definition = new UseCaseDefinition(`use-case-${entry.name}`, {
        name: entry.name,
        description: entry.description,
        ...(entry.loggingEnabled !== undefined ? { loggingEnabled: entry.loggingEnabled } : {}),
        adopt: entry.adopt,
      });
      if (entry.limitConfig) {
        const c = entry.limitConfig;
        new UseCaseLimitConfig(`use-case-${entry.name}-limit`, {
          useCaseName: definition.name,
          max: c.max,
          limitType: c.type,
          ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
          ...(c.properties !== undefined ? { properties: c.properties } : {}),
          adopt: entry.adopt,
        });
      }
    }
    const limitry = budgets.limitry ? { [LIMITRY_LIMIT_IDS_OUTPUT]: declareLimitry(budgets.limitry) } : {};
    return {
      [LIMIT_IDS_OUTPUT]: limitIds,
      [USE_CASES_OUTPUT]: budgets.useCases.map((u) => u.name),
      ...limitry,
      [STACK_INSTANCE_OUTPUT]: stackInstanceId(),
    };
  };
}
