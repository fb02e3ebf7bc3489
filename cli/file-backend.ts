/**
 * A file backend (`file://DIR`) that a killed run cannot leave unreadable.
 *
 * Pulumi's file backend writes each file (the stack's checkpoint, its `.bak`, the lock) through gocloud's
 * fileblob: the content goes to a temporary file renamed into place, which is atomic, but first a sidecar
 * `<file>.attrs` (content type and MD5, JSON) is rewritten in place with `os.Create` and then written. A run
 * killed between the two leaves an empty (or cut) sidecar, and every later read of the checkpoint fails with
 * `error: failed to load checkpoint: EOF` (the JSON decoder reading the empty sidecar): the stack cannot
 * load until the sidecar is removed. Pulumi never uses what the sidecars hold, and a missing one reads as
 * "no attributes".
 *
 * So the CLI (1) opens file backends with fileblob's `metadata=skip`, which writes no sidecars at all, and
 * (2) before each command removes sidecars that do not parse, left by a run of an earlier version or of plain
 * `pulumi` on the same directory.
 */
import { type Dirent, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

/** `url` with fileblob's `metadata=skip` for a file backend that does not choose its own metadata handling. */
export function withoutSidecars(url: string): string {
  if (!url.startsWith("file://") || /[?&]metadata=/.test(url)) return url;
  return `${url}${url.includes("?") ? "&" : "?"}metadata=skip`;
}

/** The directory of a `file://` backend URL, or undefined for any other backend. */
function backendDir(url: string): string | undefined {
  if (!url.startsWith("file://")) return undefined;
  const dir = url.slice("file://".length).split("?")[0] ?? "";
  return dir.startsWith("~") ? path.join(homedir(), dir.slice(1)) : dir;
}

/**
 * Removes the sidecars of a file backend's stacks, locks and metadata that are not JSON (see above); returns the
 * paths removed. Other backends, and a directory that does not exist yet, have none.
 */
export function removeTornSidecars(url: string): string[] {
  const dir = backendDir(url);
  if (dir === undefined) return [];
  const removed: string[] = [];
  const visit = (folder: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith(".attrs") && !parses(file)) {
        unlinkSync(file);
        removed.push(file);
      }
    }
  };
  for (const part of ["stacks", "locks"]) visit(path.join(dir, ".pulumi", part));
  const meta = path.join(dir, ".pulumi", "meta.yaml.attrs");
  if (!parses(meta, true)) {
    unlinkSync(meta);
    removed.push(meta);
  }
  return removed;
}

/** True when `file` holds JSON (or, with `missingIsFine`, does not exist). */
function parses(file: string, missingIsFine = false): boolean {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return missingIsFine;
  }
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
