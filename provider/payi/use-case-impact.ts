import { NotFoundError, type Payi } from "../../sdk/payi/index.js";
import { isInstanceLimitOf } from "../../rules/payi/use-case.js";
import { formatUsd, toUnits, toUsd } from "../../rules/payi/money.js";

/**
 * What a use case's existing instances hold: the limits Pay-i gave them from the limit config (found by
 * the name `<use case>/<use case id>` they get) and the spend tracked on those limits.
 */
export interface InstanceLimits {
  useCaseName: string;
  /** Instances that have a limit. */
  count: number;
  /** Sum of their spend, USD, exact to 1e-10. */
  spendUsd: number;
}

/**
 * Reads the instance limits of `useCaseName` from the service: every limit, at the service's default page
 * size (Pay-i's largest is unconfirmed).
 */
export async function instanceLimits(api: Payi, useCaseName: string): Promise<InstanceLimits> {
  let count = 0;
  let spend = 0n;
  for await (const limit of api.limits.list()) {
    if (!isInstanceLimitOf(limit.limit_name, useCaseName)) continue;
    count += 1;
    spend += toUnits(limit.totals.cost.total.base);
  }
  return { useCaseName, count, spendUsd: toUsd(spend) };
}

/** How a change reaches a use case's limit config. */
export type ConfigChange = { kind: "replace" | "update"; fields: readonly string[] } | { kind: "delete" };

/**
 * The preview note for a change of a use case's limit config: Pay-i applies a config only to instances
 * created afterwards, so the existing ones keep their limits. Undefined when there are none.
 */
export function configChangeNote(change: ConfigChange, impact: InstanceLimits): string | undefined {
  if (impact.count === 0) return undefined;
  const what =
    change.kind === "delete"
      ? `deleting the limit config of use case '${impact.useCaseName}': new instances get no limit`
      : `${change.kind === "replace" ? "replacing" : "updating"} the limit config of use case '${impact.useCaseName}' to change ${change.fields.join(", ")}: only new instances get the new settings`;
  return `${what}; its ${instances(impact.count)} ${impact.count === 1 ? "keeps its" : "keep their"} current ${plural(impact.count, "limit")} and ${formatUsd(impact.spendUsd)} of spend`;
}

/**
 * The note for a use-case definition that goes away (deleted, or renamed, which replaces it): Pay-i
 * deletes its limit config and instances with it, while the instances' limits stay as ordinary limits.
 * Pay-i created those limits, not this provider, so it leaves them alone and says where they are.
 */
export function definitionGoneNote(impact: InstanceLimits, hasConfig: boolean, newName?: string): string | undefined {
  if (impact.count === 0 && !hasConfig) return undefined;
  const name = impact.useCaseName;
  const lead =
    newName === undefined
      ? `deleting use case '${name}' deletes`
      : `renaming use case '${name}' to '${newName}' replaces it: this deletes`;
  const goes = [hasConfig ? "its limit config" : undefined, impact.count > 0 ? `its ${instances(impact.count)}` : undefined];
  const kept =
    impact.count === 0
      ? ""
      : `; ${impact.count === 1 ? "that instance's limit stays" : `those instances' ${impact.count} limits stay`} in Pay-i with ${formatUsd(impact.spendUsd)} of spend, as ${impact.count === 1 ? "an ordinary limit" : "ordinary limits"} named '${name}/<use case id>' (delete ${impact.count === 1 ? "it" : "them"} there if unwanted)`;
  return `${lead} ${goes.filter(Boolean).join(" and ")} with it${kept}`;
}

/**
 * {@link definitionGoneNote} for the use case as the service has it now: its config, its instances'
 * limits. Undefined when the use case is already gone or loses nothing.
 */
export async function useCaseGoneNote(api: Payi, useCaseName: string, newName?: string): Promise<string | undefined> {
  const definition = await api.useCases.definitions
    .retrieve(useCaseName)
    .catch((error: unknown) => (error instanceof NotFoundError ? undefined : Promise.reject(error)));
  if (!definition) return undefined;
  return definitionGoneNote(await instanceLimits(api, useCaseName), definition.limit_config != null, newName);
}

function instances(n: number): string {
  return `${n} existing ${plural(n, "instance")}`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
