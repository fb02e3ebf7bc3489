import type * as pulumi from "@pulumi/pulumi";
import { failure, userError } from "../errors.js";
import { APIError, AuthenticationError, NotFoundError, Payi } from "../../sdk/payi/index.js";

/**
 * Credentials, read once in `configure()`: stack config `payi:apiKey` (secret) and `payi:baseUrl`, with
 * env `PAYI_API_KEY` / `PAYI_BASE_URL` as fallback. They live only in the provider process: never an
 * input, an output or part of the serialized provider.
 */
export function clientFromConfig(
  config: Pick<pulumi.dynamic.Config, "get"> | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Payi {
  const apiKey = config?.get("payi:apiKey") ?? env["PAYI_API_KEY"];
  const baseURL = config?.get("payi:baseUrl") ?? env["PAYI_BASE_URL"];
  if (!apiKey) {
    throw userError(
      "No Pay-i API key: set it with `pulumi config set --secret payi:apiKey <key>` or the PAYI_API_KEY environment variable.",
    );
  }
  return new Payi({ apiKey, baseURL });
}

/**
 * One cheap call (`GET /limits?limit=1`) proving that the key is accepted and the base URL serves the
 * Pay-i API, so that a wrong key or URL fails every command (a no-change `up` included) instead of a
 * later 404 being read as "already deleted".
 */
export async function verifyClient(client: Payi): Promise<void> {
  try {
    await client.limits.list({ limit: 1 });
  } catch (error) {
    const where = client.baseURL;
    if (error instanceof AuthenticationError) {
      throw failure(
        `Pay-i at ${where} rejected the API key: set a valid one in PAYI_API_KEY or the provider's payi:apiKey config (in a program, refresh and destroy use the key recorded by the last up: after a rotation, run up once first)`,
        error,
      );
    }
    if (error instanceof NotFoundError) {
      throw failure(
        `${where} does not serve the Pay-i API (payi:baseUrl or PAYI_BASE_URL; give the server's root, without /api/v1)`,
        error,
      );
    }
    throw failure(`cannot reach Pay-i at ${where}`, error);
  }
}

/**
 * True only when the service says the object itself does not exist (its own code, e.g. `limit_not_found`).
 * Any other 404 (a wrong base URL gives `route_not_found`) is a failure, never "already deleted".
 */
export function isGone(error: unknown, code: string): boolean {
  return error instanceof APIError && error.code === code;
}
