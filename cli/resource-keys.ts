import type * as automation from "@pulumi/pulumi/automation";
import { z } from "zod";
import { limitKey, slug, type LimitEntry } from "./budgets-file.js";
import { withResetSchedule } from "../rules/payi/reset.js";
import { upgradeState } from "../provider/state-upgrade.js";
import { kindOfToken, type ResourceKind } from "./kinds.js";
import { limitArgs } from "./vocabulary.js";

/** A resource the stack's state holds, as the CLI needs it to match file entries to it. */
export interface StateResource {
  urn: string;
  kind: ResourceKind;
  key: string;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** The part of a resource in an exported deployment the CLI reads. */
const DeployedResourceSchema = z.looseObject({
  urn: z.string(),
  type: z.string(),
  id: z.string().optional(),
  /** Set on a replaced object awaiting deletion: not the resource's current identity. */
  delete: z.boolean().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The budgets resources (every kind of cli/kinds.ts) of a stack's last deployment (empty for a new stack), in
 * today's shape whichever version wrote them (provider/state-upgrade.ts, as the provider reads them).
 */
export async function stateResources(stack: automation.Stack): Promise<StateResource[]> {
  const deployment = await stack.exportStack();
  const resources = z.array(z.unknown()).safeParse(deployment.deployment?.resources);
  const out: StateResource[] = [];
  for (const entry of resources.success ? resources.data : []) {
    const parsed = DeployedResourceSchema.safeParse(entry);
    if (!parsed.success) continue;
    const r = parsed.data;
    const kind = kindOfToken(r.type);
    if (!kind || r.delete === true) continue;
    out.push({
      urn: r.urn,
      kind: kind.kind,
      key: r.urn.slice(r.urn.lastIndexOf("::") + 2),
      id: r.id ?? "",
      inputs: upgradeState(kind.provider, r.inputs ?? {}),
      outputs: upgradeState(kind.provider, r.outputs ?? {}),
    });
  }
  return out;
}

/** Resource keys for the file's limits, and the renames they carry out in place. */
export interface ResolvedKeys {
  /** One key per `limits[]` entry, in file order. */
  keys: string[];
  /** Entries renamed in the file that keep their existing resource (and so their limit, id and spend). */
  renames: Array<{ key: string; from: string; to: string }>;
}

/**
 * Matches each limit of the file to the resource that manages it, so that renaming a limit in the file
 * renames it in place instead of deleting it (and its spend) and creating a new one:
 *
 * 1. an explicit `key` (a resource under one of its `previousKeys` is its own too: the program aliases it);
 * 2. the resource that already manages a limit of this name, or with this declared `id`;
 * 3. the one resource no entry claims any more whose every other setting (max, type, threshold,
 *    properties, reset) equals the entry's: the same limit under a new name. A limit that changes more
 *    than its name is not guessed at (it could as well be a new limit): the plan shows a delete and a
 *    create, and warns with the spend the delete discards; rename first, or pin the old `key:`;
 * 4. a slug of the name, made unique.
 */
export function resolveLimitKeys(entries: LimitEntry[], state: StateResource[]): ResolvedKeys {
  const limits = state.filter((r) => r.kind === "limit");
  const keys: Array<string | undefined> = entries.map((e) => e.key);
  // An entry's previous keys are its own: its aliases take that resource over, so no other entry may match it.
  const claimed = new Set([...keys, ...entries.flatMap((e) => e.previousKeys ?? [])].filter((k): k is string => k !== undefined));
  const free = () => limits.filter((r) => !claimed.has(r.key));
  const claim = (i: number, key: string) => {
    keys[i] = key;
    claimed.add(key);
  };

  entries.forEach((entry, i) => {
    if (keys[i] !== undefined) return;
    const match = free().find(
      (r) => r.inputs["limitName"] === entry.name || (entry.id !== undefined && r.outputs["limitId"] === entry.id),
    );
    if (match) claim(i, match.key);
  });
  const unmatched = () => [...entries.entries()].filter(([i]) => keys[i] === undefined);
  const renames: ResolvedKeys["renames"] = [];
  const rename = (i: number, entry: LimitEntry, r: StateResource) => {
    renames.push({ key: r.key, from: String(r.inputs["limitName"]), to: entry.name });
    claim(i, r.key);
  };
  for (const [i, entry] of unmatched()) {
    const [candidate, ...others] = free().filter((r) => sameSettings(r, entry));
    if (candidate && others.length === 0) rename(i, entry, candidate);
  }

  entries.forEach((entry, i) => {
    if (keys[i] !== undefined) return;
    let key = limitKey(entry);
    for (let n = 2; claimed.has(key); n++) key = `${slug(entry.name)}-${n}`;
    claim(i, key);
  });
  return { keys: keys.map((k) => k ?? ""), renames };
}

/** Whether a resource holds every setting of the entry but its name. */
function sameSettings(r: StateResource, entry: LimitEntry): boolean {
  const args = limitArgs(entry);
  // Stored inputs hold the reset schedule among the properties (see LimitInputsSchema).
  const { properties } = withResetSchedule({ properties: args.properties ?? {}, reset: args.reset });
  return (
    r.inputs["limitType"] === args.limitType &&
    (r.inputs["threshold"] ?? null) === (args.threshold ?? null) &&
    r.inputs["max"] === args.max &&
    JSON.stringify(sorted(r.inputs["properties"])) === JSON.stringify(sorted(properties))
  );
}

function sorted(value: unknown): Array<[string, unknown]> {
  return value && typeof value === "object" ? Object.entries(value).sort(([a], [b]) => a.localeCompare(b)) : [];
}
