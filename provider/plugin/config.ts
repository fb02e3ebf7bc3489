/**
 * A plugin provider's configuration: `<package>:apiKey` and `<package>:baseUrl`, from the stack's config (the
 * default provider) or an explicit provider's inputs, with the environment fallbacks the clients apply
 * (../payi/client.ts, ../limitry/client.ts). Each provider instance also holds its stack instance id, minted by
 * its first check and kept in its state: the owner its resources record on what they create (../ownership.ts).
 */
import { randomUUID } from "node:crypto";

/** What a configured provider reads: a config key (`payi:apiKey`) and its stack instance. */
export interface ProviderConfig {
  get(key: string): string | undefined;
  readonly instance: string | undefined;
}

/**
 * The inputs CheckConfig answers: the news, with the API key kept secret (so the provider's state holds it
 * encrypted, whoever set it) and the stack instance the olds hold, or a new one; or why they are wrong.
 */
export function checkProviderConfig(
  pkg: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: { property: string; reason: string }[] } {
  const failures: { property: string; reason: string }[] = [];
  const baseUrl = unwrapSecret(news["baseUrl"]);
  if (baseUrl !== undefined && !isHttpUrl(baseUrl)) {
    failures.push({
      property: "baseUrl",
      reason: `${pkg}:baseUrl must be an http(s) URL (e.g. http://localhost:8787${pkg === "limitry" ? "/v1" : ""}), got ${JSON.stringify(baseUrl)}`,
    });
  }
  const apiKey = unwrapSecret(news["apiKey"]);
  if (apiKey !== undefined && (typeof apiKey !== "string" || apiKey === "")) {
    failures.push({ property: "apiKey", reason: `${pkg}:apiKey must be a non-empty string` });
  }
  const held = olds["instance"];
  const inputs = {
    ...news,
    ...(apiKey !== undefined ? { apiKey: { [SECRET_SIG_KEY]: SECRET_SIG, value: apiKey } } : {}),
    instance: typeof held === "string" && held !== "" ? held : randomUUID(),
  };
  return { inputs, failures };
}

/**
 * The configuration Configure hands over: `variables` (keyed `<package>:config:<key>`, the stack's config for
 * a default provider) first, then the provider's inputs (`args`, without the package prefix).
 */
export function providerConfig(
  pkg: string,
  variables: { get(key: string): string | undefined },
  args: Record<string, unknown>,
): ProviderConfig {
  const value = (key: string): string | undefined => {
    const variable = variables.get(`${pkg}:config:${key}`);
    if (variable !== undefined && variable !== "") return variable;
    const arg = unwrapSecret(args[key]);
    return typeof arg === "string" && arg !== "" ? arg : undefined;
  };
  return {
    get: (key) => (key.startsWith(`${pkg}:`) ? value(key.slice(pkg.length + 1)) : undefined),
    instance: value("instance"),
  };
}

/** The signature key and value of a secret the engine sends wrapped (Pulumi's property-value encoding). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A value with its secret wrapper, if any, removed. */
export function unwrapSecret(value: unknown): unknown {
  return typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
    ? (value as Record<string, unknown>)["value"]
    : value;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
