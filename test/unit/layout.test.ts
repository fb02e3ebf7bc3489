import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { z } from "zod";

const root = resolve(__dirname, "../..");

/** Every .ts file under `dir`, relative to the repo root. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(dir, file));
}

/** The repo-relative targets of a file's relative imports (and the bare package names it imports). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
  return importedFiles.map(({ fileName }) =>
    fileName.startsWith(".") ? relative(root, resolve(root, dirname(file), fileName)) : fileName,
  );
}

function crossings(dirs: string[], forbidden: (target: string, file: string) => boolean): string[] {
  return dirs.flatMap(sources).flatMap((file) =>
    importsOf(file)
      .filter((t) => forbidden(t, file))
      .map((t) => `${file} → ${t}`),
  );
}

/** The API a file belongs to: `payi` or `limitry` under sdk/, rules/, provider/ or server/; none for shared code. */
function api(path: string): string | undefined {
  return /^(?:sdk|rules|provider|server)\/(payi|limitry)\//.exec(path)?.[1];
}

describe("import boundaries", () => {
  test("the provider and the CLI never import the local service (the serve command aside)", () => {
    const found = crossings(
      ["provider", "cli"],
      (target, file) => target.startsWith("server/") && file !== "cli/serve-command.ts",
    );
    expect(found).toEqual([]);
  });

  test("the local service imports nothing of the provider or the CLI", () => {
    const found = crossings(["server"], (target) => /^(provider|cli)\//.test(target));
    expect(found).toEqual([]);
  });

  test("Limitry modules and Pay-i modules never import each other (shared code lives beside both)", () => {
    const found = crossings(["sdk", "rules", "provider", "server"], (target, file) => {
      const [from, to] = [api(file), api(target)];
      return from !== undefined && to !== undefined && from !== to;
    });
    expect(found).toEqual([]);
  });

  test("rules import nothing but other rules, SDK types and zod", () => {
    const found = crossings(
      ["rules"],
      (target) => !(target.startsWith("rules/") || target.startsWith("sdk/") || target === "zod"),
    );
    expect(found).toEqual([]);
  });

  test("the SDK imports nothing of the provider, the CLI, the rules or the service", () => {
    const found = crossings(["sdk"], (target) => /^(provider|cli|rules|server)\//.test(target));
    expect(found).toEqual([]);
  });

  test("the policy pack imports nothing but itself, rules and @pulumi/policy (it runs in the engine's pack process)", () => {
    const found = crossings(
      ["policy"],
      (target) => !(target.startsWith("policy/") || target.startsWith("rules/") || target === "@pulumi/policy"),
    );
    expect(found).toEqual([]);
  });

  test("the boundary check sees a crossing when there is one", () => {
    expect(importsOf("cli/serve-command.ts")).toContain("server/serve.js");
    // The service's files are read, and a Pay-i one's import of Pay-i's SDK is seen as one.
    expect(crossings(["server"], (target) => target.startsWith("sdk/"))).not.toEqual([]);
    expect(crossings(["server"], (target, file) => api(file) === "payi" && api(target) === "payi")).not.toEqual([]);
  });
});

describe("the packed package", () => {
  test(
    "ships the library, the CLI and the service (with its migrations), not the demo, bench or test harness",
    { timeout: 60_000 },
    () => {
      const [pack] = z
        .array(z.object({ files: z.array(z.object({ path: z.string() })) }))
        .parse(
          JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" })),
        );
      const files = pack?.files.map((f) => f.path) ?? [];
      expect(files).toEqual(
        expect.arrayContaining(["dist/index.js", "dist/provider/runtime.js", "dist/sdk/payi/index.js", "bin/pulumi-limits.js"]),
      );
      // The policy pack directory `pulumi-limits policy-pack` prints: the pack, its project file and its version.
      expect(files).toEqual(
        expect.arrayContaining(["dist/policy/index.js", "dist/policy/PulumiPolicy.yaml", "dist/policy/package.json"]),
      );
      expect(files.some((f) => f.startsWith("server/migrations/") && f.endsWith(".sql"))).toBe(true);
      expect(files.filter((f) => /^dist\/(demo|bench|test)\/|serve-process/.test(f))).toEqual([]);
    },
  );
});
