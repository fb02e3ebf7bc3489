import { spawn } from "node:child_process";
import path from "node:path";
import { packageRoot } from "../cli/node-path.js";

export interface ServeProcess {
  url: string;
  /** SIGTERM, then the exit code (0 after a clean shutdown). */
  stop(): Promise<number | string>;
}

/** Runs `pulumi-limits serve` as a separate process on a free loopback port. */
export async function spawnServe(options: { dataDir: string; apiKey: string }): Promise<ServeProcess> {
  const bin = path.join(packageRoot(), "bin", "pulumi-limits.js");
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--data-dir", options.dataDir, "--api-key", options.apiKey], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        // From here on the request log is drained and dropped; the pipe must never fill up.
        child.stdout.off("data", onData);
        child.stdout.resume();
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    void exited.then((code) => reject(new Error(`the service exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
