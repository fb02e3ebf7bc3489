import { isGone } from "../provider/limitry/client.js";
import type { Limitry } from "../sdk/limitry/index.js";
import type { BudgetsFile, ReferenceProblem } from "./budgets-file.js";
import type { CliEnvironment } from "./environment.js";
import { limitryClient } from "./limitry-status.js";

/**
 * The existing meters the file's Limitry limits name by `meterId`, each looked up once: a missing one is a
 * problem at its `meterId`. Checked before preview and up run: the engine would only find it when creating
 * that limit, after applying the rest of the file.
 */
async function limitryReferenceProblems(client: Limitry, budgets: BudgetsFile): Promise<ReferenceProblem[]> {
  const byMeter = new Map<string, number[]>();
  (budgets.limitry?.limits ?? []).forEach((limit, i) => {
    if (limit.meterId !== undefined) byMeter.set(limit.meterId, [...(byMeter.get(limit.meterId) ?? []), i]);
  });
  const problems: ReferenceProblem[] = [];
  for (const [meterId, limits] of byMeter) {
    const found = await client.meters.retrieve(meterId).then(
      () => true,
      // Only Limitry saying the meter does not exist; any other failure (a wrong base URL too) is not a verdict.
      (error: unknown) => (isGone(error, "meter_not_found") ? false : Promise.reject(error)),
    );
    if (found) continue;
    for (const i of limits)
      problems.push({
        path: ["limitry", "limits", i, "meterId"],
        message: `no meter '${meterId}' in Limitry (meterId names an existing meter; for one of this file, write meter: <its key>)`,
      });
  }
  return problems;
}

/**
 * `loadBudgets`'s `references` for commands that apply or preview the file: Limitry's meters checked when a limit
 * names one by id. Without `LIMITRY_API_KEY` nothing is checked here (the run reports the missing key).
 */
export function limitryReferences(environment: CliEnvironment): (budgets: BudgetsFile) => Promise<ReferenceProblem[]> {
  return async (budgets) => {
    if (!environment.limitryApiKey || !budgets.limitry?.limits.some((l) => l.meterId !== undefined)) return [];
    const client = limitryClient(environment);
    try {
      return await limitryReferenceProblems(client, budgets);
    } finally {
      await client.close();
    }
  };
}
