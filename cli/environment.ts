import { withoutSidecars } from "./file-backend.js";
import { engineExitModule, nodePathWithPackage } from "./node-path.js";

/** What the CLI takes from the environment: read once, in `main`, and passed down as values. */
export interface CliEnvironment {
  /** `PAYI_API_KEY`: one key, or comma-separated keys (`serve` accepts them all). */
  apiKeys: string[];
  /** `PAYI_BASE_URL`. */
  baseUrl: string | undefined;
  /** `PULUMI_BACKEND_URL`. */
  backend: string | undefined;
  /** `PULUMI_CONFIG_PASSPHRASE`; empty when unset (the CLI stores no secrets in its stacks). */
  passphrase: string;
  /** `NODE_PATH`, kept behind this package's own entries. */
  nodePath: string | undefined;
  /** `NODE_OPTIONS`, kept before this package's own. */
  nodeOptions: string | undefined;
  /** `LIMITRY_API_KEY` (the provider reads it from the same environment). */
  limitryApiKey: string | undefined;
  /** `LIMITRY_BASE_URL`. */
  limitryBaseUrl: string | undefined;
  /** `GITHUB_STEP_SUMMARY`: in a GitHub Actions step, the file the plan's Markdown summary is appended to. */
  stepSummary: string | undefined;
}

export function readEnvironment(env: NodeJS.ProcessEnv): CliEnvironment {
  return {
    apiKeys: (env["PAYI_API_KEY"] ?? "")
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean),
    baseUrl: env["PAYI_BASE_URL"] || undefined,
    backend: env["PULUMI_BACKEND_URL"] || undefined,
    passphrase: env["PULUMI_CONFIG_PASSPHRASE"] ?? "",
    nodePath: env["NODE_PATH"] || undefined,
    nodeOptions: env["NODE_OPTIONS"] || undefined,
    limitryApiKey: env["LIMITRY_API_KEY"] || undefined,
    limitryBaseUrl: env["LIMITRY_BASE_URL"] || undefined,
    stepSummary: env["GITHUB_STEP_SUMMARY"] || undefined,
  };
}

/**
 * The environment of every Pulumi run of this package (CLI, demo, bench, tests): a backend, the
 * passphrase for local stack secrets, no update checks, NODE_PATH so the dynamic-provider host finds
 * this package, and the Pay-i endpoint for the provider. The URL goes through the environment rather
 * than stack config because refresh reuses the provider config recorded in state, which would go
 * stale when the URL changes (a local service on a new port).
 */
export function pulumiEnv(options: {
  backend: string;
  passphrase: string;
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  nodePath?: string | undefined;
  /** `NODE_OPTIONS` to keep, before this package's own. */
  nodeOptions?: string | undefined;
  /** Limitry's key and API root, for a `limitry:` section (same reason as the Pay-i URL). */
  limitryApiKey?: string | undefined;
  limitryBaseUrl?: string | undefined;
}): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: withoutSidecars(options.backend),
    PULUMI_CONFIG_PASSPHRASE: options.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    NODE_PATH: nodePathWithPackage(options.nodePath),
    // Every dynamic-provider host the engine starts exits when the engine dies, even one it never called.
    ...nodeOptions(options.nodeOptions),
    ...(options.apiKey ? { PAYI_API_KEY: options.apiKey } : {}),
    ...(options.baseUrl ? { PAYI_BASE_URL: options.baseUrl } : {}),
    ...(options.limitryApiKey ? { LIMITRY_API_KEY: options.limitryApiKey } : {}),
    ...(options.limitryBaseUrl ? { LIMITRY_BASE_URL: options.limitryBaseUrl } : {}),
  };
}

/** NODE_OPTIONS preloading the module that ends each dynamic-provider host with its engine (kept: the caller's). */
function nodeOptions(existing: string | undefined): Record<string, string> {
  const module = engineExitModule();
  const options = [existing, module ? `--require ${JSON.stringify(module)}` : undefined].filter(Boolean).join(" ");
  return options ? { NODE_OPTIONS: options } : {};
}
