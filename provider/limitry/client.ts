import type * as pulumi from "@pulumi/pulumi";
import { APIError, Limitry } from "../../sdk/limitry/index.js";
import { userError } from "../errors.js";

/**
 * Limitry credentials, read in `configure()`: stack config `limitry:apiKey` (secret) and `limitry:baseUrl`,
 * with env `LIMITRY_API_KEY` / `LIMITRY_BASE_URL` as fallback. They live only in the provider process:
 * never an input, an output or part of the serialized provider.
 */
export function limitryClientFromConfig(
  config: pulumi.dynamic.Config | undefined,
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
 * True only when Limitry says the object itself does not exist (`limit_not_found`, `meter_not_found`).
 * Any other 404, such as a base URL that serves no Limitry API, is a failure, never "already deleted".
 */
export function isGone(error: unknown, code: "limit_not_found" | "meter_not_found"): boolean {
  return error instanceof APIError && error.status === 404 && error.code === code;
}
