import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../../cli/node-path.js";

/**
 * What `npm install pulumi-limits` gives a user, for a program in this checkout (an example): the package
 * in the program's node_modules, here a link to the checkout. Used by the demo and the tests.
 */
export function linkPackage(programDir: string): void {
  const dir = path.join(programDir, "node_modules");
  mkdirSync(dir, { recursive: true });
  rmSync(path.join(dir, "pulumi-limits"), { force: true, recursive: true });
  symlinkSync(packageRoot(), path.join(dir, "pulumi-limits"), "dir");
}
