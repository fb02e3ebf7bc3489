/**
 * `--target`, `--exclude` and `--replace`: the resources a user names, as the URNs Pulumi's engine takes. A user
 * names a resource as the file does (a limit's key or name, a use case's name, a Limitry entry's key), by its
 * resource name, or by its URN.
 */
import { STACK_INSTANCE_NAME } from "../provider/identity.js";
import { typeToken } from "../provider/type-token.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { fileKeyOf, kindOf, kindOfDeclaration, type ResourceKind } from "./kinds.js";
import type { StateResource } from "./resource-keys.js";
import type { Declaration } from "./vocabulary.js";
import { PROJECT } from "./workspace.js";

/** The flags that pick resources, for the commands that take them. */
export const TARGET_FLAGS = {
  target: { type: "string", multiple: true },
  "target-dependents": { type: "boolean", default: false },
  exclude: { type: "string", multiple: true },
} as const;

/** `--replace`, for preview and up. */
export const REPLACE_FLAGS = { replace: { type: "string", multiple: true } } as const;

/** The URN of a top-level resource of a stack the CLI manages (a fully qualified stack name counts by its last part). */
export function cliUrn(stackName: string, type: string, name: string): string {
  return `urn:pulumi:${stackName.slice(stackName.lastIndexOf("/") + 1)}::${PROJECT}::${type}::${name}`;
}

/** The URN of the `StackInstance` of a stack the CLI manages. */
export function stackInstanceUrn(stackName: string): string {
  return cliUrn(stackName, typeToken("stackInstance"), STACK_INSTANCE_NAME);
}

/** A resource a flag may name: its URN and every way to write it. */
interface Candidate {
  urn: string;
  names: string[];
}

/** What the engine is told: the options of preview, up, refresh or destroy that pick resources. */
export interface Targeting {
  target?: string[];
  targetDependents?: boolean;
  exclude?: string[];
  replace?: string[];
  /**
   * False when a target is not in the state yet: Pulumi refuses to refresh before a run whose targets are not
   * all in the stack, so such a run compares with the state, as `--skip-refresh` does.
   */
  refresh?: false;
}

/** Where the names come from: the stack's state and, for a budgets file, its declarations. */
export interface TargetScope {
  stackName: string;
  state: StateResource[];
  /** The file's declarations; none for a program, whose resources are named as its state holds them. */
  declarations: Declaration[] | undefined;
  /** Whether a budgets stack's `StackInstance` goes with the targets (not for destroy: it must stay). */
  withInstance: boolean;
}

/**
 * The engine options for the flags given (`values`: the parsed flags). Each name must match a resource of the
 * state or the file: a typo is an error listing what may be named, never a run that quietly does nothing. A
 * use case's name picks its definition and its limit config. A targeted run of a budgets stack (but a destroy)
 * also targets its `StackInstance`, the id every owner record names, which a create needs (it never changes).
 */
export function targeting(values: Record<string, unknown>, scope: TargetScope): Targeting {
  const candidates = scope.declarations ? fileCandidates(scope) : stateCandidates(scope.state);
  const pick = (flag: string): string[] | undefined => {
    const given = values[flag];
    if (!Array.isArray(given) || given.length === 0) return undefined;
    return [...new Set(given.flatMap((value) => urnsNamed(flag, String(value), candidates)))];
  };
  const target = pick("target");
  const exclude = pick("exclude");
  const replace = pick("replace");
  if (values["target-dependents"] === true && !target)
    throw new CliError("--target-dependents goes with --target", ExitCode.badInput);
  const instance = scope.declarations && scope.withInstance ? [stackInstanceUrn(scope.stackName)] : [];
  // A stack that holds anything holds its StackInstance (a stack from before it gets it at its next up).
  const held = new Set([...scope.state.map((r) => r.urn), ...(scope.state.length > 0 ? instance : [])]);
  const unheld = (target ?? []).filter((urn) => !held.has(urn));
  return {
    ...(target ? { target: [...target, ...instance], targetDependents: values["target-dependents"] === true } : {}),
    ...(unheld.length > 0 ? { refresh: false as const } : {}),
    ...(exclude ? { exclude } : {}),
    ...(replace ? { replace } : {}),
  };
}

function urnsNamed(flag: string, value: string, candidates: Candidate[]): string[] {
  if (value.startsWith("urn:pulumi:")) return [value];
  const found = candidates.filter((c) => c.names.includes(value)).map((c) => c.urn);
  if (found.length > 0) return found;
  const known = [...new Set(candidates.map((c) => c.names[0] ?? ""))].sort();
  throw new CliError(
    `--${flag} '${value}': no resource of the stack or the file is named so; name one by its key or name${known.length > 0 ? ` (${known.slice(0, 20).join(", ")}${known.length > 20 ? ", …" : ""})` : ""}, or give its URN`,
    ExitCode.badInput,
  );
}

/** The ways to name a resource of kind `kind` under `resourceName` with `inputs`: key first, then name. */
function namesOf(kind: ResourceKind, resourceName: string, inputs: Record<string, unknown>): string[] {
  const objectName = inputs[kindOf(kind).nameInput];
  return [...new Set([fileKeyOf(kind, resourceName), resourceName, ...(typeof objectName === "string" ? [objectName] : [])])];
}

/** A budgets stack's resources: what the file declares, and what its state holds that the file dropped. */
function fileCandidates(scope: TargetScope): Candidate[] {
  const declared = (scope.declarations ?? []).map((d) => {
    const kind = kindOfDeclaration(d);
    return { urn: cliUrn(scope.stackName, kind.token, d.name), names: namesOf(kind.kind, d.name, { ...d.args }) };
  });
  const urns = new Set(declared.map((c) => c.urn));
  return [...declared, ...stateCandidates(scope.state).filter((c) => !urns.has(c.urn))];
}

function stateCandidates(state: StateResource[]): Candidate[] {
  return state.map((r) => ({ urn: r.urn, names: namesOf(r.kind, r.key, r.inputs) }));
}
