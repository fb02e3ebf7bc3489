import type * as pulumi from "@pulumi/pulumi";
import { APIError, AuthenticationError, Limitry, NotFoundError } from "../../sdk/limitry/index.js";
import { failure, userError } from "../errors.js";

/**
 * Limitry credentials, read in `configure()`: stack config `limitry:apiKey` (secret) and `limitry:baseUrl`,
 * with env `LIMITRY_API_KEY` / `LIMITRY_BASE_URL` as fallback. They live only in the provider process:
 * never an input, an output or part of the serialized provider.
 */
export function limitryClientFromConfig(
  config: Pick<pulumi.dynamic.Config, "get"> | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Limitry {
  const apiKey = config?.get("limitry:apiKey") ?? env["LIMITRY_API_KEY"];
  const baseURL = config?.get("limitry:baseUrl") ?? env["LIMITRY_BASE_URL"];
  if (!apiKey) {
    throw userError(
      "No Limitry API key: set it with `pulumi config set --secret limitry:apiKey <key>` or the LIMITRY_API_KEY environment variable.",
    );
  }
  return new Limitry({ apiKey, baseURL });
}

/**
 * One cheap call (`GET /meters?limit=1`) proving that the key is accepted and the base URL serves Limitry's
 * API, so that a wrong key or URL fails with what to change, not with a bare 401 or 404 on the first write.
 */
export async function verifyLimitryClient(client: Limitry): Promise<void> {
  try {
    await client.meters.list({ limit: 1 });
  } catch (error) {
    const where = client.baseURL;
    if (error instanceof AuthenticationError) {
      throw failure(
        `Limitry at ${where} rejected the API key: set a valid one in LIMITRY_API_KEY or the provider's limitry:apiKey config (in a program, refresh and destroy use the key recorded by the last up: after a rotation, run up once first)`,
        error,
      );
    }
    if (error instanceof NotFoundError) {
      // Limitry's base URL includes the version (https://api.limitry.com/v1); Pay-i's is the server's root.
      const hint = /\/v1$/.test(where)
        ? "check LIMITRY_BASE_URL (or limitry:baseUrl)"
        : `its base URL ends in /v1: set LIMITRY_BASE_URL (or limitry:baseUrl) to ${where}/v1`;
      throw failure(`${where} does not serve the Limitry API; ${hint}`, error);
    }
    throw failure(`cannot reach Limitry at ${where}`, error);
  }
}

/**
 * True only when Limitry says the object itself does not exist (`limit_not_found`, `meter_not_found`).
 * Any other 404, such as a base URL that serves no Limitry API, is a failure, never "already deleted".
 */
export function isGone(error: unknown, code: "limit_not_found" | "meter_not_found"): boolean {
  return error instanceof APIError && error.status === 404 && error.code === code;
}
