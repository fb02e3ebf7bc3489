import type * as pulumi from "@pulumi/pulumi";
import { Payi } from "../sdk/index.js";

/**
 * Credentials, read once in `configure()`: stack config `payi:apiKey` (secret) and `payi:baseUrl`, with
 * env `PAYI_API_KEY` / `PAYI_BASE_URL` as fallback. They live only in the provider process: never an
 * input, an output or part of the serialized provider.
 */
export function clientFromConfig(config: pulumi.dynamic.Config | undefined, env: NodeJS.ProcessEnv = process.env): Payi {
  const apiKey = config?.get("payi:apiKey") ?? env["PAYI_API_KEY"];
  const baseURL = config?.get("payi:baseUrl") ?? env["PAYI_BASE_URL"];
  if (!apiKey) {
    throw new Error(
      "No Pay-i API key: set it with `pulumi config set --secret payi:apiKey <key>` or the PAYI_API_KEY environment variable.",
    );
  }
  return new Payi({ apiKey, baseURL });
}

/** Prefixes a failure with the object it concerns, keeping the cause. */
export function failure(what: string, cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new Error(`${what}: ${message}`, { cause });
}

/**
 * A warning shown in the engine's output. Dynamic providers cannot reach the engine's log service,
 * so this goes to stderr, which the engine prints as the provider's diagnostics.
 */
export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
