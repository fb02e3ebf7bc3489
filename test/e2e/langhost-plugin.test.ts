import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, expect, test } from "vitest";
import { packageRoot } from "../../cli/node-path.js";
import { tempBackend, type TempBackend } from "../support/pulumi.js";

// The language host's RunPlugin beyond policy packs: a resource provider written in Node.js (a directory with
// PulumiPlugin.yaml, runtime nodejs) is started through @pulumi/pulumi's cmd/run-plugin, as Pulumi's host does.
const dirs: string[] = [];
let backend: TempBackend | undefined;
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await backend?.dispose();
});

function directory(root: string, name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  symlinkSync(path.join(packageRoot(), "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

test("a Node.js provider plugin (PulumiPlugin.yaml) runs through the host and serves a program's resource", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "pulumi-limits-plugin-"));
  dirs.push(root);
  backend = await tempBackend();
  directory(root, "provider", {
    "PulumiPlugin.yaml": "runtime: nodejs\n",
    "package.json": JSON.stringify({ name: "pulumi-resource-trial", version: "0.0.1", main: "index.js" }),
    "index.js": `require("@pulumi/pulumi/provider").main({
  version: "0.0.1",
  async create(urn, inputs) { return { id: "thing-1", outs: { ...inputs, seenArgs: process.argv.length - 2, cwd: process.cwd() } }; },
}, process.argv.slice(2));
`,
  });
  const program = directory(root, "program", {
    "Pulumi.yaml":
      "name: plugin-trial\nruntime: nodejs\nmain: index.js\nplugins:\n  providers:\n    - name: trial\n      path: ../provider\n",
    "package.json": JSON.stringify({ name: "plugin-trial", private: true, main: "index.js" }),
    "index.js": `const pulumi = require("@pulumi/pulumi");
const thing = new pulumi.CustomResource("trial:index:Thing", "thing", { size: 3, seenArgs: undefined, cwd: undefined });
module.exports = { size: thing.size, seenArgs: thing.seenArgs, cwd: thing.cwd };
`,
  });
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: "dev", workDir: program },
    { envVars: backend.envVars },
  );
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  // The engine's address reaches the provider as its one argument; it runs in the program's directory.
  expect(Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]))).toEqual({
    size: 3,
    seenArgs: 1,
    cwd: program,
  });
  await stack.destroy();
});
