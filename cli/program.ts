import * as pulumi from "@pulumi/pulumi";
import { stackInstanceId } from "../provider/identity.js";
import { Limit, UseCaseDefinition, UseCaseLimitConfig } from "../provider/index.js";
import type { BudgetsFile } from "./budgets-file.js";
import { aliasOptions, budgetsDeclarations } from "./vocabulary.js";
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
    const declarations = budgetsDeclarations(budgets, limitKeys());
    const limitIds: Record<string, pulumi.Output<string>> = {};
    const definitions = new Map<string, UseCaseDefinition>();
    for (const d of declarations) {
      if (d.type === "Limit") {
        limitIds[d.name] = new Limit(d.name, d.args, aliasOptions(d)).limitId;
      } else if (d.type === "UseCaseDefinition") {
        definitions.set(d.name, new UseCaseDefinition(d.name, d.args));
      } else if (d.type === "UseCaseLimitConfig") {
        // Declared right after its definition (see budgetsDeclarations).
        new UseCaseLimitConfig(d.name, { useCaseName: definitions.get(d.definition)?.name ?? "", ...d.args });
      }
    }
    const limitry = budgets.limitry ? { [LIMITRY_LIMIT_IDS_OUTPUT]: declareLimitry(declarations) } : {};
    return {
      [LIMIT_IDS_OUTPUT]: limitIds,
      [USE_CASES_OUTPUT]: budgets.useCases.map((u) => u.name),
      ...limitry,
      [STACK_INSTANCE_OUTPUT]: stackInstanceId(),
    };
  };
}
