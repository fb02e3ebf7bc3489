import { CliError, ExitCode } from "./exit-codes.js";
import { same } from "../provider/diff.js";
import { fileKeyOf, kindOfDeclaration } from "./kinds.js";
import type { StateResource } from "./resource-keys.js";
import type { Declaration } from "./vocabulary.js";

/**
 * The entries whose key changed with no `previousKeys:` naming the old one, each as one line saying what to do.
 * The new key would be a new resource creating the object again beside the one the old resource manages, which
 * the provider refuses (a name Pay-i keeps unique, a Limitry object of the same identity this resource did not
 * make), so `up` would fail after the preview passed. A declaration counts as re-keyed when no resource of its
 * kind holds its name in the state and one the file no longer declares (nor aliases) manages the same object,
 * told by its kind's `identity` (cli/kinds.ts).
 */
export function keyChanges(declarations: Declaration[], state: StateResource[]): string[] {
  const spoken = new Set(declarations.flatMap((d) => [`${kindOfDeclaration(d).kind}:${d.name}`, ...aliasKeys(d)]));
  const lines: string[] = [];
  for (const d of declarations) {
    const kind = kindOfDeclaration(d);
    const { identity } = kind;
    if (!identity || state.some((r) => r.kind === kind.kind && r.key === d.name)) continue;
    const args: Record<string, unknown> = { ...d.args };
    const { declaredId } = identity;
    const old = state.find(
      (r) =>
        r.kind === kind.kind &&
        !spoken.has(`${r.kind}:${r.key}`) &&
        (identity.inputs.every((input) => same(unsetIfEmpty(r.inputs[input]), unsetIfEmpty(args[input]))) ||
          (declaredId !== undefined &&
            args[declaredId.input] !== undefined &&
            r.outputs[declaredId.output] === args[declaredId.input])),
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

/** An empty map is no map: the state may hold `{}` for a filter the file leaves out. */
function unsetIfEmpty(value: unknown): unknown {
  return value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0 ? undefined : value;
}
