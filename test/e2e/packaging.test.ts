import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";

// Issue 10, item 12: the packed package as a `pulumi new typescript` program installs and compiles it.
const ROOT = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/**
 * The tsconfig.json that `pulumi new typescript` writes (pulumi/templates, typescript/tsconfig.json): Node's own
 * module resolution since pulumi/templates@81e6522 (March 2026; TypeScript 6 deprecates `node10`), which reads
 * the package's `exports` and turns `esModuleInterop` on.
 */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "nodenext",
    moduleResolution: "nodenext",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts", "sdk.ts"],
};

/**
 * The template's tsconfig before that (commonjs, `node10` resolution), in every program made until then: it
 * ignores `exports`, so a subpath resolves only through `typesVersions`.
 */
const LEGACY_TSCONFIG = {
  compilerOptions: { ...TEMPLATE_TSCONFIG.compilerOptions, module: "commonjs", moduleResolution: "node" },
  files: ["index.ts"],
};

/**
 * The legacy template with the SDK's subpaths: zod's own typings (which the SDK's types are built on) need
 * `esModuleInterop` or `skipLibCheck` there (colinhacks/zod#5160), as the README says.
 */
const LEGACY_SDK_TSCONFIG = {
  compilerOptions: { ...LEGACY_TSCONFIG.compilerOptions, esModuleInterop: true },
  files: ["index.ts", "sdk.ts"],
};

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { Limit, UseCaseDefinition, UseCaseLimitConfig, serve } from "pulumi-limits";

const monthly = new Limit("monthly", { limitName: "Monthly Budget", max: 1000, threshold: 0.8 });
new Limit("daily", { limitName: "Daily", max: monthly.max.apply((m) => m / 30) }, { replaceOnChanges: ["max"] });
const teachMe = new UseCaseDefinition("teach-me", { name: "teach_me" });
new UseCaseLimitConfig("teach-me-limit", { useCaseName: teachMe.name, max: 0.05, threshold: 0.8 });
export const monthlyId: pulumi.Output<string> = monthly.limitId;
export const local: typeof serve = serve;
`;

/** Every subpath the README documents, as a program imports it (issue 23: TS2307 under the template's node10 resolution). */
const SDK_PROGRAM = `import { Payi, limitry as fromRoot } from "pulumi-limits/sdk";
import { NotFoundError, PayiError, type Limit as PayiLimit } from "pulumi-limits/sdk/payi";
import { Limitry, LimitryError, type Limit as LimitryLimit } from "pulumi-limits/sdk/limitry";
import { limitry } from "pulumi-limits";

export const payi: Payi = new Payi({ apiKey: "k", baseURL: "http://127.0.0.1:1" });
export const usage: Limitry = new fromRoot.Limitry({ apiKey: "k", baseURL: "http://127.0.0.1:1/v1" });
export const names = (a: PayiLimit, b: LimitryLimit): string => a.limit_name + b.name;
export const isError = (e: unknown): boolean => e instanceof NotFoundError || e instanceof PayiError || e instanceof LimitryError;
export const Meter: typeof limitry.Meter = limitry.Meter;
`;

test("the packed package and its SDK subpaths compile under the `pulumi new typescript` tsconfigs (today's and the commonjs one before) and share the program's @pulumi/pulumi", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-pack-"));
  dirs.push(dir);
  await run("npm", ["pack", "--pack-destination", dir], { cwd: ROOT });
  const [tarball] = (await readdir(dir)).filter((f) => f.endsWith(".tgz"));
  expect(tarball).toBeDefined();

  const manifest = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8"));
  // A provider package leaves the SDK to the program, so that one copy is loaded.
  expect(manifest.peerDependencies["@pulumi/pulumi"]).toBe("^3");
  expect(manifest.dependencies["@pulumi/pulumi"]).toBeUndefined();
  // Every typed subpath of `exports` has its `typesVersions` twin, for resolutions that ignore `exports`.
  const typed = Object.entries(manifest.exports as Record<string, string | { types?: string }>).flatMap(([sub, target]) =>
    sub !== "." && typeof target === "object" && target.types ? [[sub.slice(2), [target.types.slice(2)]]] : [],
  );
  expect(manifest.typesVersions).toEqual({ "*": Object.fromEntries(typed) });

  const program = path.join(dir, "program");
  await run("mkdir", ["-p", program]);
  // The template's dependencies: the newest @pulumi/pulumi 3.x, TypeScript 5 and Node types.
  await writeFile(
    path.join(program, "package.json"),
    JSON.stringify({
      name: "program",
      private: true,
      main: "index.ts",
      dependencies: { "@pulumi/pulumi": "^3.113.0" },
      devDependencies: { typescript: "^5.0.0", "@types/node": "^22" },
    }),
  );
  await writeFile(path.join(program, "tsconfig.json"), JSON.stringify(TEMPLATE_TSCONFIG, null, 4));
  await writeFile(path.join(program, "index.ts"), PROGRAM);
  await writeFile(path.join(program, "sdk.ts"), SDK_PROGRAM);
  await writeFile(path.join(program, "tsconfig.legacy.json"), JSON.stringify(LEGACY_TSCONFIG, null, 4));
  await writeFile(path.join(program, "tsconfig.legacy-sdk.json"), JSON.stringify(LEGACY_SDK_TSCONFIG, null, 4));
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(dir, tarball ?? "")], {
    cwd: program,
    maxBuffer: 16 * 1024 * 1024,
  });

  expect(existsSync(path.join(program, "node_modules", "pulumi-limits", "node_modules", "@pulumi", "pulumi"))).toBe(false);
  const tsc = (project: string) =>
    run(process.execPath, [
      path.join(program, "node_modules", "typescript", "bin", "tsc"),
      "--noEmit",
      "--pretty",
      "false",
      "-p",
      path.join(program, project),
    ]).then(
      () => "",
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
  expect(await tsc("tsconfig.json")).toBe("");
  expect(await tsc("tsconfig.legacy.json")).toBe("");
  expect(await tsc("tsconfig.legacy-sdk.json")).toBe("");
  // The subpaths load at run time too (package.json exports), as the compiled program requires them.
  const loaded = await run(
    process.execPath,
    [
      "-e",
      'for (const p of ["sdk", "sdk/payi", "sdk/limitry"]) console.log(p, typeof require("pulumi-limits/" + p).Payi, typeof require("pulumi-limits/" + p).Limitry)',
    ],
    { cwd: program },
  );
  expect(loaded.stdout).toBe("sdk function function\nsdk/payi function undefined\nsdk/limitry undefined function\n");
}, 300_000);
