import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";

const BIN = path.resolve(__dirname, "..", "..", "bin", "pulumi-limits.js");

export interface ServiceProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Starts `pulumi-limits serve` as its own process (the built CLI) and waits for its URL. */
export async function spawnService(dataDir: string, apiKey: string): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--data-dir", dataDir, "--api-key", apiKey]);
  let output = "";
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then(() => reject(new Error(`service exited before listening:\n${output}`)));
  });
  return { url, child, output: () => output, exited };
}
