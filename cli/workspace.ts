import { mkdirSync } from "node:fs";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import type { BudgetsFile } from "./budgets-file.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { nodePathWithPackage } from "./node-path.js";
import { budgetsProgram } from "./program.js";

/** Settings shared by the stack commands, from flags and the environment (read once, in main). */
export interface StackSettings {
  stack: string;
  /** Pulumi backend URL; default a file backend in ./.pulumi-state. */
  backend: string | undefined;
  /** Pay-i API root; default env PAYI_BASE_URL, else Pay-i. */
  baseUrl: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** Pulumi project of stacks the CLI manages. */
export const PROJECT = "pulumi-limits";

/** The default backend: a file backend under the current directory. */
export function defaultBackend(cwd: string = process.cwd()): string {
  const dir = path.join(cwd, ".pulumi-state");
  mkdirSync(dir, { recursive: true });
  return `file://${dir}`;
}

/**
 * The Automation API stack for a budgets file: inline program, local backend, passphrase secrets
 * (PULUMI_CONFIG_PASSPHRASE, empty when unset; the API key is never stored in the stack, it stays in
 * PAYI_API_KEY), and NODE_PATH set so the dynamic-provider host finds this package.
 */
export async function budgetsStack(budgets: BudgetsFile, settings: StackSettings): Promise<automation.Stack> {
  const { env } = settings;
  if (!env["PAYI_API_KEY"]) {
    throw new CliError("PAYI_API_KEY is not set: the provider needs it to reach Pay-i (or the local service)", ExitCode.badInput);
  }
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: settings.backend ?? env["PULUMI_BACKEND_URL"] ?? defaultBackend(),
    PULUMI_CONFIG_PASSPHRASE: env["PULUMI_CONFIG_PASSPHRASE"] ?? "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    NODE_PATH: nodePathWithPackage(env["NODE_PATH"]),
  };
  // The URL reaches the provider through the environment, not stack config: the engine configures
  // refreshes with the provider config recorded in state, so a config value would go stale when the
  // URL changes (e.g. a local service on a new port).
  const baseUrl = settings.baseUrl ?? env["PAYI_BASE_URL"];
  if (baseUrl) envVars["PAYI_BASE_URL"] = baseUrl;
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: settings.stack, projectName: PROJECT, program: budgetsProgram(budgets) },
    { envVars },
  );
  return stack;
}
