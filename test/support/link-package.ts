import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
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

/** Where test runs copy examples: inside the checkout (gitignored), so a copy resolves @pulumi/pulumi from its node_modules. */
const RUNS = path.join(packageRoot(), ".e2e-runs");

/**
 * A copy of `examples/<name>` of its own, with the package linked: a test runs an example there, so two runs
 * at once (the e2e suites of both service profiles) never share its stack settings file or its node_modules.
 * Remove it with `rmSync(dir, { recursive: true })` when done.
 */
export function exampleCopy(name: string): string {
  mkdirSync(RUNS, { recursive: true });
  const dir = mkdtempSync(path.join(RUNS, `${name}-`));
  cpSync(path.join(packageRoot(), "examples", name), dir, {
    recursive: true,
    filter: (source) => !/^(node_modules|Pulumi\..+\.yaml)$/.test(path.basename(source)),
  });
  linkPackage(dir);
  return dir;
}
