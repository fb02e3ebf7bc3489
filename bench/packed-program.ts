/**
 * A Pulumi program that installed pulumi-limits the way a user gets it: the `npm pack` tarball unpacked in
 * the program's own node_modules. Bench and tests measure and exercise this shape, since the serialized
 * provider is only small when the package lives inside node_modules (see `provider/stub.ts`).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { packageRoot } from "../cli/node-path.js";

/** A tarball made by `npm pack` from this checkout's build (run `make build` first). */
export interface PackedPackage {
  tarball: string;
  /** The package.json version inside the tarball. */
  version: string;
  dispose(): void;
}

/** `npm pack` of this checkout (its `dist/` as built). */
export function packPackage(): PackedPackage {
  const out = mkdtempSync(path.join(os.tmpdir(), "pulumi-limits-pack-"));
  const [info] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", out], {
      cwd: packageRoot(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as Array<{ filename: string; version: string }>;
  if (!info) throw new Error("npm pack produced no tarball");
  return {
    tarball: path.join(out, path.basename(info.filename)),
    version: info.version,
    dispose: () => rmSync(out, { recursive: true, force: true }),
  };
}

/** A program directory with Pulumi.yaml, index.js and node_modules. */
export interface PackedProgram {
  dir: string;
  /** Where the package is installed: `<dir>/node_modules/pulumi-limits`. */
  packageDir: string;
  /**
   * Replaces the installed package with `tarball`, as `npm install pulumi-limits@next` would; `edit` may
   * change the unpacked files first (tests bump the version this way).
   */
  install(tarball: string, edit?: (packageDir: string) => void): void;
  dispose(): void;
}

/**
 * A program in a temp directory whose `index.js` is `source`, with the packed package installed. Its other
 * dependencies are this checkout's node_modules, hard-linked (copied across filesystems) so that every
 * module's real path is inside the program's node_modules, as after `npm install`: the closure serializer
 * resolves the package's export paths from there.
 */
export function packedProgram(name: string, source: string, tarball: string): PackedProgram {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pulumi-limits-${name}-`));
  const nodeModules = path.join(dir, "node_modules");
  try {
    execFileSync("cp", ["-al", path.join(packageRoot(), "node_modules"), nodeModules], { stdio: "ignore" });
  } catch {
    cpSync(path.join(packageRoot(), "node_modules"), nodeModules, { recursive: true, verbatimSymlinks: true });
  }
  const packageDir = path.join(nodeModules, "pulumi-limits");
  const install = (from: string, edit?: (packageDir: string) => void) => {
    rmSync(packageDir, { recursive: true, force: true });
    mkdirSync(packageDir, { recursive: true });
    execFileSync("tar", ["-xzf", from, "-C", packageDir, "--strip-components=1"]);
    edit?.(packageDir);
  };
  install(tarball);
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name, private: true, main: "index.js", dependencies: { "pulumi-limits": "*" } }),
  );
  writeFileSync(path.join(dir, "index.js"), source);
  return { dir, packageDir, install, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Sets the version in an unpacked package's package.json. */
export function setPackageVersion(packageDir: string, version: string): void {
  const file = path.join(packageDir, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...pkg, version }, null, 2));
}
