/**
 * A plugin's start: the engine runs `pulumi-resource-<name> [flags] <engine address>`; the plugin reads its
 * schema from beside its bundle (scripts/plugins.sh puts it there) and prints the port it serves on.
 */
import { dirname, join } from "node:path";
import type { PluginPackage } from "./server.js";
import { serve } from "./server.js";

/** Runs the plugin of `pkg` (given the directory of its files) until the engine stops it. */
export function main(pkg: (schemaPath: string) => PluginPackage): void {
  // stdout carries the port and nothing else: the engine reads it.
  console.log = console.error;
  const engineAddress = process.argv.slice(2).findLast((arg) => /^[\w.-]+:\d+$/.test(arg));
  const schemaPath = join(dirname(process.argv[1] ?? "."), "schema.json");
  serve(pkg(schemaPath), engineAddress).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
