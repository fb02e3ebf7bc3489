import { configChangeNote, useCaseGoneNote } from "../provider/payi/use-case-impact.js";
import { Payi } from "../sdk/payi/index.js";
import type { BudgetsFile } from "./budgets-file.js";
import type { StateResource } from "./resource-keys.js";

/**
 * What goes with the use cases and limit configs the stack holds but the file no longer declares (a use
 * case removed or renamed, a `limitConfig` removed), in the provider's words. The provider says it at
 * `up`, just before each delete; Pulumi never calls a provider for a delete at preview
 * (pulumi/pulumi#13576), so the CLI's program says it at preview.
 */
export async function droppedUseCaseNotes(
  state: StateResource[],
  budgets: BudgetsFile,
  service: { apiKey: string; baseURL: string | undefined },
): Promise<string[]> {
  const held = (kind: StateResource["kind"], key: string) =>
    state.flatMap((r) => (r.kind === kind && typeof r.outputs[key] === "string" ? [String(r.outputs[key])] : []));
  const declared = new Map(budgets.useCases.map((u) => [u.name, u]));
  const droppedDefinitions = held("useCase", "name").filter((name) => !declared.has(name));
  const droppedConfigs = held("useCaseLimitConfig", "useCaseName").filter(
    (name) => declared.has(name) && !declared.get(name)?.limitConfig,
  );
  if (droppedDefinitions.length + droppedConfigs.length === 0) return [];

  const client = new Payi({ apiKey: service.apiKey, baseURL: service.baseURL });
  try {
    const notes = [];
    for (const name of droppedDefinitions) notes.push(await useCaseGoneNote(client, name));
    for (const name of droppedConfigs) notes.push(configChangeNote(name, { kind: "delete" }));
    return notes.filter((note) => note !== undefined);
  } finally {
    await client.close();
  }
}
