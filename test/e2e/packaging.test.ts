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

/** The tsconfig.json that `pulumi new typescript` writes (pulumi/templates, typescript/tsconfig.json). */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
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

test("the packed package compiles under the `pulumi new typescript` tsconfig and shares the program's @pulumi/pulumi", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-pack-"));
  dirs.push(dir);
  await run("npm", ["pack", "--pack-destination", dir], { cwd: ROOT });
  const [tarball] = (await readdir(dir)).filter((f) => f.endsWith(".tgz"));
  expect(tarball).toBeDefined();

  const manifest = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8"));
  // A provider package leaves the SDK to the program, so that one copy is loaded.
  expect(manifest.peerDependencies["@pulumi/pulumi"]).toBe("^3");
  expect(manifest.dependencies["@pulumi/pulumi"]).toBeUndefined();

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
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(dir, tarball ?? "")], {
    cwd: program,
    maxBuffer: 16 * 1024 * 1024,
  });

  expect(existsSync(path.join(program, "node_modules", "pulumi-limits", "node_modules", "@pulumi", "pulumi"))).toBe(false);
  const tsc = await run(process.execPath, [
    path.join(program, "node_modules", "typescript", "bin", "tsc"),
    "--noEmit",
    "--pretty",
    "false",
    "-p",
    program,
  ]).then(
    () => "",
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(tsc).toBe("");
}, 300_000);
