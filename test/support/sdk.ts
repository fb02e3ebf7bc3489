import { execFile } from "node:child_process";
import { copyFile, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { expect } from "vitest";
import { afterAll, beforeAll } from "vitest";
import type { ServiceFixture } from "./service.js";
import { packageRoot } from "../../cli/node-path.js";
import type { CliResult } from "./cli.js";
import { pluginHome } from "./plugins.js";
import type { TempBackend } from "./pulumi.js";

// Programs that use the provider plugins through SDKs generated from schema/payi.json, as a user of the plugins
// would: no dynamic provider, nothing of this checkout on NODE_PATH.

/** Runs the `pulumi` CLI on PATH (scripts/env.sh puts the pinned one first) in `cwd`; never rejects. */
export function pulumiCli(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      "pulumi",
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * `pulumi import payi:index:Limit <name> <limitId>` into stack `test` of the project in `cwd`, writing the code
 * the language host generates to `out` (relative to `cwd`). `--protect=false`: import protects what it imports
 * by default, and the tests destroy it afterwards.
 */
export function importLimit(name: string, limitId: string, out: string, options: { cwd: string; env: Record<string, string> }) {
  const args = ["import", "payi:index:Limit", name, limitId, "--stack", "test", "--yes", "--protect=false", "--out", out];
  return pulumiCli(args, options);
}

/** Runs `command` in `cwd`, rejecting with its output when it fails. */
function mustRun(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed:\n${stdout}${stderr}`, { cause: error }));
      else resolve();
    });
  });
}

/**
 * Generates the Pay-i SDK for `language` from schema/payi.json into `<into>/<language>` and returns that
 * directory. `--language` is always passed: without it gen-sdk generates every language, Go and .NET too.
 */
export async function generatePayiSdk(language: "python" | "nodejs", into: string): Promise<string> {
  await mkdir(into, { recursive: true });
  await mustRun(
    "pulumi",
    ["package", "gen-sdk", path.join(packageRoot(), "schema", "payi.json"), "--language", language, "-o", into],
    into,
  );
  return path.join(into, language);
}

/**
 * Compiles a generated Node.js SDK (TypeScript sources, `tsc` into `bin/`) and returns the directory to install
 * as the package: `bin/` with the package.json copied in, as Pulumi's own provider builds publish it (the
 * generated package.json has no `main`, so only that layout resolves). The SDK's dependencies are this
 * checkout's node_modules (a link): the same @pulumi/pulumi as the CLI (3.259.0), TypeScript and @types/node,
 * with no install from the registry.
 */
export async function buildNodeSdk(sdkDir: string): Promise<string> {
  await symlink(path.join(packageRoot(), "node_modules"), path.join(sdkDir, "node_modules"), "dir");
  await mustRun(process.execPath, [path.join(packageRoot(), "node_modules", "typescript", "bin", "tsc"), "-p", sdkDir], sdkDir);
  const bin = path.join(sdkDir, "bin");
  await copyFile(path.join(sdkDir, "package.json"), path.join(bin, "package.json"));
  return bin;
}

/**
 * A Python Pulumi project in `dir` running `program` (its `__main__.py`) in a virtualenv `venv` that `up`/`preview`
 * create (about 25 s, from PyPI): `pulumi` pinned to the CLI's version and the generated SDK installed from its
 * directory (its pyproject needs setuptools ≥ 61, which pip fetches for the build).
 */
export async function pythonProject(dir: string, name: string, sdkDir: string, program: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n`);
  await writeFile(path.join(dir, "requirements.txt"), `pulumi==3.259.0\n${sdkDir}\n`);
  await writeFile(path.join(dir, "__main__.py"), program);
  return dir;
}

/**
 * A TypeScript Pulumi project in `dir` running `program` (its `index.ts`, type-stripped by Node as the examples
 * are) with the built SDK `sdkPackage` installed as `@pulumi-limits/payi` and @pulumi/pulumi from this
 * checkout (links: both resolve to one copy of @pulumi/pulumi, which the SDK's resources need).
 */
export async function nodeProject(dir: string, name: string, sdkPackage: string, program: string): Promise<string> {
  await mkdir(path.join(dir, "node_modules", "@pulumi-limits"), { recursive: true });
  await symlink(sdkPackage, path.join(dir, "node_modules", "@pulumi-limits", "payi"), "dir");
  await symlink(path.join(packageRoot(), "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
  await writeFile(
    path.join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.ts\n`,
  );
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ name, private: true, main: "index.ts" }));
  await writeFile(path.join(dir, "index.ts"), program);
  return dir;
}

/**
 * For an e2e file: a PULUMI_HOME with the payi and limitry plugins installed from their tarballs (`make plugins`),
 * shared by its tests and removed after them.
 */
export function usePluginHome(): () => string {
  let installed: Awaited<ReturnType<typeof pluginHome>> | undefined;
  beforeAll(async () => {
    installed = await pluginHome();
  });
  afterAll(async () => {
    await installed?.remove();
  });
  return () => {
    if (!installed) throw new Error("the plugin home is only available inside tests");
    return installed.home;
  };
}

/**
 * Environment of a program run with the plugins: `backend`'s file backend and passphrase, and `home` as
 * PULUMI_HOME. Not the NODE_PATH and NODE_OPTIONS of `backend.envVars`: those serve the dynamic providers, and
 * a plugin must not need them.
 */
export function pluginEnv(backend: TempBackend, home: string): Record<string, string> {
  const keep = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_SKIP_UPDATE_CHECK"];
  return {
    ...Object.fromEntries(Object.entries(backend.envVars).filter(([key]) => keep.includes(key))),
    PULUMI_HOME: home,
  };
}

/** Records the steps the engine plans or takes for each resource (by name), in order, in one preview or update. */
export function stepRecorder() {
  const steps: Array<[string, string]> = [];
  return {
    onEvent(event: EngineEvent) {
      const metadata = event.resourcePreEvent?.metadata;
      if (metadata) steps.push([metadata.urn.split("::").at(-1) ?? "", metadata.op]);
    },
    /** The steps of the resource named `name`. */
    of(name: string): string[] {
      return steps.filter(([n]) => n === name).map(([, op]) => op);
    },
  };
}

interface StateResource {
  type: string;
  urn: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The resources of an exported deployment (`pulumi stack export`). */
export function stateResources(deployment: { deployment: { resources?: unknown[] } }): StateResource[] {
  return (deployment.deployment.resources ?? []) as StateResource[];
}

/** How Pulumi writes a secret value in exported state: a signature key and the ciphertext. */
export const SECRET_IN_STATE = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/** The files under `dir` (state, history, backups: all of a file backend) whose text contains `text`. */
export async function filesContaining(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if ((await readFile(file, "utf8")).includes(text)) found.push(path.relative(dir, file));
  }
  return found;
}

/**
 * The program of an SDK test (one per language): a limit `team` named "Search team", its max and threshold read
 * from stack config, its id exported as `teamLimitId`; `same` is how many other resources the previews count.
 */
export interface TeamLimitProgram {
  stack: Stack;
  service: ServiceFixture;
  same: number;
}

/** The id of the program's `team` limit (its `teamLimitId` output). */
export async function teamLimitId(stack: Stack): Promise<string> {
  return String((await stack.outputs())["teamLimitId"]?.value);
}

/** A new max (150) previews as an update of `team` only, and is applied in place: the same limit id. */
export async function expectMaxUpdatedInPlace(program: TeamLimitProgram): Promise<void> {
  const { stack, service, same } = program;
  const before = await teamLimitId(stack);
  await stack.setConfig("max", { value: "150" });
  const planned = stepRecorder();
  const preview = await stack.preview({ onEvent: planned.onEvent });
  expect(preview.changeSummary).toEqual({ same, update: 1 });
  expect(planned.of("team")).toEqual(["update"]);
  await stack.up();
  expect(await teamLimitId(stack)).toBe(before);
  expect((await service.client.limits.retrieve(before)).limit).toMatchObject({ max: 150, threshold: 0.8 });
}

/**
 * A new threshold (0.9) replaces `team`: the old limit goes first (the replacement keeps its name, which Pay-i
 * keeps unique), the new one has a new id and the declared settings, and the old one is gone.
 */
export async function expectThresholdReplaces(program: TeamLimitProgram): Promise<void> {
  const { stack, service, same } = program;
  const before = await teamLimitId(stack);
  await stack.setConfig("threshold", { value: "0.9" });
  const planned = stepRecorder();
  const preview = await stack.preview({ onEvent: planned.onEvent });
  expect(preview.changeSummary).toEqual({ same, replace: 1 });
  expect(planned.of("team")).toEqual(["delete-replaced", "replace", "create-replacement"]);
  await stack.up();
  const after = await teamLimitId(stack);
  expect(after).not.toBe(before);
  expect((await service.client.limits.retrieve(after)).limit).toMatchObject({
    limit_name: "Search team",
    max: 150,
    threshold: 0.9,
  });
  await expect(service.client.limits.retrieve(before)).rejects.toMatchObject({ status: 404 });
}
