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
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
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
