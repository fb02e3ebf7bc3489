import { existsSync, mkdirSync, readlinkSync, renameSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The root of this package (where its package.json is), from dist/cli or cli/. */
export function packageRoot(): string {
  const here = __dirname;
  return path.basename(path.dirname(here)) === "dist" ? path.resolve(here, "..", "..") : path.resolve(here, "..");
}

/**
 * A directory that, on NODE_PATH, lets `require("pulumi-limits/...")` resolve to this package. Pulumi's
 * dynamic-provider host loads our provider runtime by package name; when the package is installed in a
 * node_modules this is that directory, otherwise (a checkout) a symlink in the user cache points at it.
 */
function packageNodePath(): string {
  const root = packageRoot();
  const parent = path.dirname(root);
  if (path.basename(parent) === "node_modules" && path.basename(root) === "pulumi-limits") return parent;
  const dir = path.join(os.homedir(), ".cache", "pulumi-limits", "node-path", Buffer.from(root).toString("base64url").slice(-40));
  const link = path.join(dir, "pulumi-limits");
  mkdirSync(dir, { recursive: true });
  let current: string | undefined;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== root) {
    // A new link beside it, renamed over it: two runs starting at once both succeed, and neither sees none.
    const next = `${link}.${process.pid}.${Date.now()}`;
    symlinkSync(root, next, "dir");
    renameSync(next, link);
  }
  return dir;
}

/** The node_modules directory this package loads @pulumi/pulumi from. */
function pulumiNodeModules(): string {
  const pkg = require.resolve("@pulumi/pulumi/package.json", { paths: [packageRoot()] });
  return path.resolve(path.dirname(pkg), "..", "..");
}

/**
 * NODE_PATH for Pulumi runs: this package first, then the @pulumi/pulumi it uses. The engine starts the
 * dynamic-provider host in the program's directory, which for the CLI's inline programs is a temp dir
 * with no node_modules; the host's shim and our provider stub both resolve by package name.
 */
export function nodePathWithPackage(existing: string | undefined): string {
  const entries = [packageNodePath(), pulumiNodeModules(), ...(existing ? existing.split(path.delimiter) : [])];
  return [...new Set(entries)].join(path.delimiter);
}

/**
 * The compiled module that makes a dynamic-provider host exit with its engine (provider/engine-exit.ts), or
 * undefined when it is not built (a checkout before `make build`): preloading a missing file would stop
 * every Node.js process the engine starts.
 */
export function engineExitModule(): string | undefined {
  const file = path.join(packageRoot(), "dist", "provider", "engine-exit.js");
  return existsSync(file) ? file : undefined;
}
