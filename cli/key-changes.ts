import { CliError, ExitCode } from "./exit-codes.js";
import { fileKeyOf, kindOfDeclaration, type ResourceKind } from "./kinds.js";
import type { StateResource } from "./resource-keys.js";
import type { Declaration } from "./vocabulary.js";

/**
 * The inputs that identify the object a resource of each keyed kind manages, as the service tells objects apart
 * (a Pay-i limit by its name or declared id, a customer by its external id, a Limitry meter or limit, whose names
 * are not unique, by its name and what it counts). Use cases and their configs have no key of their own: their
 * key is their name, which Pay-i cannot change.
 */
const IDENTITY: Partial<Record<ResourceKind, readonly string[]>> = {
  limit: ["limitName"],
  limitryMeter: ["name", "aggregation", "field", "eventFilter"],
  limitryLimit: ["name", "period", "customerId", "dimensionFilters"],
  limitryCustomer: ["externalId"],
};

/**
 * The entries whose key changed with no `previousKeys:` naming the old one, each as one line saying what to do.
 * The new key would be a new resource creating the object again beside the one the old resource manages, which
 * the provider refuses (a name Pay-i keeps unique, a Limitry object of the same identity this resource did not
 * make), so `up` would fail after the preview passed. A declaration counts as re-keyed when no resource of its
 * kind holds its name in the state and one the file no longer declares (nor aliases) manages the same object.
 */
export function keyChanges(declarations: Declaration[], state: StateResource[]): string[] {
  const spoken = new Set(declarations.flatMap((d) => [`${kindOfDeclaration(d).kind}:${d.name}`, ...aliasKeys(d)]));
  const lines: string[] = [];
  for (const d of declarations) {
    const kind = kindOfDeclaration(d);
    const identity = IDENTITY[kind.kind];
    if (!identity || state.some((r) => r.kind === kind.kind && r.key === d.name)) continue;
    const args: Record<string, unknown> = { ...d.args };
    const old = state.find(
      (r) =>
        r.kind === kind.kind &&
        !spoken.has(`${r.kind}:${r.key}`) &&
        (identity.every((input) => same(r.inputs[input], args[input])) ||
          (kind.kind === "limit" && args["limitId"] !== undefined && r.outputs["limitId"] === args["limitId"])),
    );
    if (!old) continue;
    const from = fileKeyOf(kind.kind, old.key);
    const to = fileKeyOf(kind.kind, d.name);
    lines.push(
      `${kind.section}: ${kind.label} '${String(args[kind.nameInput])}' changed its key from '${from}' to '${to}': add \`previousKeys: [${from}]\` to its entry, and the ${kind.label} the key '${from}' manages stays (same id, changed in place) under the new key. A new key alone is a new resource: up would fail creating the ${kind.label} again.`,
    );
  }
  return lines;
}

/** Refuses a file whose entries changed keys without `previousKeys:` (exit 2), before anything runs. */
export function refuseKeyChanges(file: string, changes: string[]): void {
  if (changes.length > 0) throw new CliError(changes.map((line) => `${file}: ${line}`).join("\n"), ExitCode.badInput);
}

function aliasKeys(d: Declaration): string[] {
  const { kind } = kindOfDeclaration(d);
  return (d.aliases ?? []).map((name) => `${kind}:${name}`);
}

/** Equal as the state stores them: unset and absent alike, maps whatever their key order. */
function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return "null";
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}
