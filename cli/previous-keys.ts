import { z } from "zod";
import { must } from "./field-errors.js";

/**
 * `previousKeys:` of an entry: the keys it had before. The program declares them as Pulumi `aliases`, so an
 * entry whose key changes keeps its resource and the object it manages (an in-place update, or nothing to do)
 * instead of a new resource that would create the object again beside the old one.
 */
export const PreviousKeysSchema = z
  .array(
    z
      .string({ error: must("a previous key", "a string") })
      .regex(/^[A-Za-z0-9._-]+$/, "a previous key may contain letters, digits, '.', '-' and '_'"),
    { error: must("previousKeys", "a list of keys") },
  )
  .optional()
  .describe(
    "Keys this entry had before (resource keys). Changing `key:` keeps the resource and what it manages when the old key is listed here; without it the change is refused at preview.",
  );

/** One entry of a section as the file writes it: its key (declared or derived) and its previous keys, if well-typed. */
export interface KeyedEntry {
  key: string | undefined;
  previousKeys: unknown;
}

/** A problem at a path relative to the section (`[i, "previousKeys", j]`). */
export interface KeyProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * The previous keys of one section that cannot be aliases: a key some entry of the section holds now (its own
 * or another's), or one two entries both claim. `label(i)` names entry `i` (`limits[2]`).
 */
export function previousKeyProblems(entries: KeyedEntry[], label: (i: number) => string): KeyProblem[] {
  const current = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.key !== undefined && !current.has(e.key)) current.set(e.key, i);
  });
  const claimed = new Map<string, number>();
  const problems: KeyProblem[] = [];
  entries.forEach((e, i) => {
    if (!Array.isArray(e.previousKeys)) return;
    e.previousKeys.forEach((previous: unknown, j) => {
      if (typeof previous !== "string") return;
      const path = [i, "previousKeys", j];
      const holder = current.get(previous);
      const other = claimed.get(previous);
      if (holder === i) problems.push({ path, message: `'${previous}' is this entry's own key` });
      else if (holder !== undefined)
        problems.push({ path, message: `'${previous}' is the key of ${label(holder)}: a key is either in use or previous` });
      else if (other !== undefined && other !== i)
        problems.push({ path, message: `'${previous}' is also a previous key of ${label(other)}: one entry takes an old key` });
      claimed.set(previous, i);
    });
  });
  return problems;
}
