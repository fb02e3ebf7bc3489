import type { Payi } from "../../sdk/payi/index.js";
import { isGone } from "./client.js";

/**
 * Pay-i has no call that lists a use case's instances (an instance is found only by its `use_case_id`, and
 * its limit by the `limit_id` the instance reports), and the names it gives instance limits are its own. So
 * the notes never count instances or sum their spend, which would read as "0 instances, $0" where the real
 * number is unknown: they say what happens to instances started before, and that they are not counted.
 */
const UNCOUNTED = "Pay-i lists no instances of a use case, so they are not counted here";

/** How a change reaches a use case's limit config. */
export type ConfigChange = { kind: "replace" | "update"; fields: readonly string[] } | { kind: "delete" };

/**
 * The preview note for a change of a use case's limit config: Pay-i applies a config only to instances
 * created afterwards, so the existing ones keep their limits and spend.
 */
export function configChangeNote(useCaseName: string, change: ConfigChange): string {
  const what =
    change.kind === "delete"
      ? `deleting the limit config of use case '${useCaseName}': new instances get no limit`
      : `${change.kind === "replace" ? "replacing" : "updating"} the limit config of use case '${useCaseName}' to change ${change.fields.join(", ")}: only new instances get the new settings`;
  return `${what}; instances started before keep their current limits and spend (${UNCOUNTED})`;
}

/**
 * The note for a use-case definition that goes away (deleted, or renamed, which replaces it): Pay-i deletes
 * its limit config and instances with it, while the limits instances got stay as ordinary limits. Pay-i
 * created those limits, not this provider, so it leaves them alone and says so.
 */
export function definitionGoneNote(useCaseName: string, hasConfig: boolean, newName?: string): string {
  const lead =
    newName === undefined
      ? `deleting use case '${useCaseName}' deletes`
      : `renaming use case '${useCaseName}' to '${newName}' replaces it: this deletes`;
  const goes = hasConfig ? "its limit config and its instances" : "its instances";
  const kept = hasConfig ? "the limits its instances got" : "any limits its instances got from a limit config";
  return `${lead} ${goes} with it; ${kept} stay in Pay-i with their spend, as ordinary limits (${UNCOUNTED}: find each by the limit_id its instance reported, and delete it there if unwanted)`;
}

/**
 * {@link definitionGoneNote} for the use case as the service has it now. Undefined when the use case is
 * already gone.
 */
export async function useCaseGoneNote(api: Payi, useCaseName: string, newName?: string): Promise<string | undefined> {
  const definition = await api.useCases.definitions
    .retrieve(useCaseName)
    .catch((error: unknown) => (isGone(error, "use_case_not_found") ? undefined : Promise.reject(error)));
  if (!definition) return undefined;
  return definitionGoneNote(useCaseName, definition.limit_config != null, newName);
}
