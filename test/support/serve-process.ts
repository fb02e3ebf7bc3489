import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { packageRoot } from "../../cli/node-path.js";
import { type ServiceProfileName, isServiceProfileName } from "../../server/profile.js";

/**
 * The profile of the services tests, the demo and the bench start unless they ask for one: env
 * `PULUMI_LIMITS_SERVICE_PROFILE` (`default` or `strict`; the `e2e-strict` vitest project sets `strict`).
 */
export function testProfile(): ServiceProfileName {
  const name = process.env.PULUMI_LIMITS_SERVICE_PROFILE ?? "default";
  if (!isServiceProfileName(name)) throw new Error(`PULUMI_LIMITS_SERVICE_PROFILE must be default or strict (got '${name}')`);
  return name;
}

export interface ServeProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code, or the signal's name. */
  exited: Promise<number | string>;
  /** Everything the service printed so far (its request log). */
  output(): string;
  /** SIGTERM, then the exit code (0 after a clean shutdown). */
  stop(): Promise<number | string>;
}

/**
 * Runs `pulumi-limits serve` as its own process on a free loopback port and waits for its URL. Used by
 * the demo, the benchmarks and the tests that need a real process (restart, kill -9, signals).
 * Without `apiKey`, the keys come from `env`'s PAYI_API_KEY, as they would for a user. The profile defaults to
 * `testProfile()` (env `PULUMI_LIMITS_SERVICE_PROFILE`).
 */
export async function spawnServe(options: {
  dataDir: string;
  apiKey?: string;
  env?: NodeJS.ProcessEnv;
  profile?: ServiceProfileName;
}): Promise<ServeProcess> {
  const bin = path.join(packageRoot(), "bin", "pulumi-limits.js");
  const args = [
    bin,
    "serve",
    "--port",
    "0",
    "--data-dir",
    options.dataDir,
    ...(options.apiKey ? ["--api-key", options.apiKey] : []),
    "--profile",
    options.profile ?? testProfile(),
  ];
  const child = spawn(process.execPath, args, { env: options.env ?? process.env });
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const url = await new Promise<string>((resolve, reject) => {
    // Scan only until the URL shows up; the request log keeps streaming into `output` afterwards.
    const find = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout.off("data", find);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", find);
    void exited.then((code) => reject(new Error(`the service exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    child,
    exited,
    output: () => output,
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
