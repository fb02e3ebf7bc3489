import { mkdirSync } from "node:fs";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import type { BudgetsFile } from "./budgets-file.js";
import { pulumiEnv, type CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { budgetsProgram } from "./program.js";
import { droppedUseCaseNotes } from "./use-case-notes.js";

/** Settings shared by the stack commands: flags, falling back to the environment read in main. */
export interface StackSettings {
  stack: string;
  /** Pulumi backend URL; default PULUMI_BACKEND_URL, else a file backend in ./.pulumi-state. */
  backend: string | undefined;
  /** Pay-i API root; default PAYI_BASE_URL, else Pay-i. */
  baseUrl: string | undefined;
  environment: CliEnvironment;
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
 * The Automation API stack for a budgets file: inline program, local backend, passphrase secrets. The
 * API key is never stored in the stack: the provider reads it from PAYI_API_KEY.
 */
export async function budgetsStack(budgets: BudgetsFile, settings: StackSettings): Promise<automation.Stack> {
  const { environment } = settings;
  const [apiKey] = environment.apiKeys;
  if (!apiKey) {
    throw new CliError("PAYI_API_KEY is not set: the provider needs it to reach Pay-i (or the local service)", ExitCode.badInput);
  }
  const envVars = pulumiEnv({
    backend: settings.backend ?? environment.backend ?? defaultBackend(),
    passphrase: environment.passphrase,
    apiKey,
    baseUrl: settings.baseUrl ?? environment.baseUrl,
    nodePath: environment.nodePath,
  });
  const service = { apiKey, baseURL: settings.baseUrl ?? environment.baseUrl };
  const notes = (): Promise<string[]> => droppedUseCaseNotes(stack, budgets, service);
  const stack: automation.Stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: settings.stack, projectName: PROJECT, program: budgetsProgram(budgets, notes) },
    { envVars },
  );
  return stack;
}
