import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { version } from "../../package.json";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");

/** The plugins' version: package.json's, as scripts/plugins.sh stamps them. */
export const PLUGIN_VERSION = version;

/** A plugin's tarball, built by `make plugins`. */
export function pluginTarball(name: "payi" | "limitry"): string {
  const tarball = path.join(root, "dist/plugins", `pulumi-resource-${name}-v${PLUGIN_VERSION}-linux-amd64.tar.gz`);
  if (!existsSync(tarball)) throw new Error(`${tarball} is missing: run \`make plugins\` first`);
  return tarball;
}

/**
 * A fresh PULUMI_HOME with both plugins installed from their tarballs, as a user installs them
 * (`pulumi plugin install resource <name> <version> --file <tarball>`); the language hosts come from the CLI's
 * own directory on PATH. `remove()` deletes it.
 */
export async function pluginHome(): Promise<{ home: string; remove(): Promise<void> }> {
  const home = await mkdtemp(path.join(tmpdir(), "pulumi-limits-plugins-"));
  for (const name of ["payi", "limitry"] as const) {
    await run("pulumi", ["plugin", "install", "resource", name, PLUGIN_VERSION, "--file", pluginTarball(name)], {
      env: { ...process.env, PULUMI_HOME: home },
    });
  }
  return { home, remove: () => rm(home, { recursive: true, force: true }) };
}
