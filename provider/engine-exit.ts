/**
 * Makes the dynamic-provider host exit when the engine that started it dies. The engine starts
 * `pulumi-resource-pulumi-nodejs` (Pulumi's shim running `@pulumi/pulumi/cmd/dynamic-provider`) in a process
 * group of its own and stops it when the run ends; a killed engine (`kill -9`, a lost CI runner) stops
 * nothing, and the host, a gRPC server, would run forever (21 of them, 2.9 GB, after a series of kills). The
 * engine holds the write end of the host's stdin pipe, so its death reads as the end of stdin here.
 *
 * Loading this module installs it. The CLI preloads it into every Node.js process the engine starts
 * (`NODE_OPTIONS=--require …/engine-exit.js`, see cli/environment.ts), so a host watches from its start, even
 * one the engine never called; elsewhere it is loaded with the provider code, at the engine's first call for
 * one of this package's resources. In any other process it does nothing.
 */
import { fstatSync } from "node:fs";

let watching = false;

/** In the engine-started dynamic-provider host, exits once the engine's end of stdin closes. */
function exitWithEngine(): void {
  if (watching || !/[\\/]cmd[\\/]dynamic-provider([\\/]|$)/.test(process.argv[1] ?? "")) return;
  try {
    if (!fstatSync(0).isFIFO()) return;
  } catch {
    return;
  }
  watching = true;
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
}

exitWithEngine();
