import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import type { BudgetsFile } from "./budgets-file.js";
import { pulumiEnv, type CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { budgetsProgram } from "./program.js";
import { resolveLimitKeys, stateResources, type ResolvedKeys, type StateResource } from "./resource-keys.js";
import { droppedUseCaseNotes } from "./use-case-notes.js";
import { keyChanges } from "./key-changes.js";
import { budgetsDeclarations, type Declaration } from "./vocabulary.js";
import { interruptible } from "./interrupt.js";
import { removeTornSidecars, withoutSidecars } from "./file-backend.js";
import { redactCredentials } from "./backend-errors.js";

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

/** A budgets stack, what its state held before this run, and the renames the file carries out. */
export interface BudgetsStack {
  stack: automation.Stack;
  state: StateResource[];
  renames: ResolvedKeys["renames"];
  /** Entries whose key changed without `previousKeys:`, one line each (see `keyChanges`): preview and up refuse them. */
  keyChanges: string[];
  /**
   * What goes with the use cases and limit configs the state holds but the file dropped (all of them with
   * `everything`, as destroy deletes), read from the service before this run changes it; once per run.
   */
  useCaseNotes(everything?: boolean): Promise<string[]>;
  /**
   * How the CLI itself reaches the services for this stack (status, summaries): the environment, `--base-url`
   * applied; for a program, its stack config (`payi:apiKey`, `payi:baseUrl`, `limitry:…`) first, as the
   * provider reads it.
   */
  environment: CliEnvironment;
  /** What the file declares (resource names under today's keys); undefined for a program. */
  declarations: Declaration[] | undefined;
}

/**
 * The Automation API stack for a budgets file: inline program, local backend, passphrase secrets. The
 * API key is never stored in the stack: the provider reads it from PAYI_API_KEY. Limits keep the
 * resource that manages them across renames (see `resolveLimitKeys`).
 */
export async function budgetsStack(budgets: BudgetsFile, settings: StackSettings): Promise<BudgetsStack> {
  const { environment } = settings;
  const [apiKey] = environment.apiKeys;
  const limitryOnly = budgets.limitry !== undefined && budgets.limits.length === 0 && budgets.useCases.length === 0;
  if (!apiKey && !limitryOnly) {
    throw new CliError("PAYI_API_KEY is not set: the provider needs it to reach Pay-i (or the local service)", ExitCode.badInput);
  }
  if (budgets.limitry && !environment.limitryApiKey) {
    throw new CliError("LIMITRY_API_KEY is not set: the provider needs it for the file's limitry: section", ExitCode.badInput);
  }
  const backend = settings.backend ?? environment.backend ?? defaultBackend();
  // The file backend fails on a missing directory; create it as the default backend does.
  if (backend.startsWith("file://") && !backend.startsWith("file://~"))
    mkdirSync(backend.slice("file://".length).split("?")[0] ?? "", { recursive: true });
  for (const file of removeTornSidecars(backend)) {
    process.stderr.write(
      `pulumi-limits: removed ${file}, an empty or cut file a killed run left (it made the stack unreadable)\n`,
    );
  }
  const envVars = pulumiEnv({
    backend,
    passphrase: environment.passphrase,
    apiKey,
    baseUrl: settings.baseUrl ?? environment.baseUrl,
    nodePath: environment.nodePath,
    nodeOptions: environment.nodeOptions,
    limitryApiKey: environment.limitryApiKey,
    limitryBaseUrl: environment.limitryBaseUrl,
  });
  // A limitry-only file has no Pay-i key; the notes only call Pay-i when use cases were dropped.
  const service = { apiKey: apiKey ?? "", baseURL: settings.baseUrl ?? environment.baseUrl };
  let state: StateResource[] = [];
  const memo = new Map<boolean, Promise<string[]>>();
  const notes = (everything = false): Promise<string[]> => {
    const declared = everything ? { ...budgets, useCases: [] } : budgets;
    const found = memo.get(everything) ?? droppedUseCaseNotes(state, declared, service);
    memo.set(everything, found);
    return found;
  };
  let resolved: ResolvedKeys = { keys: [], renames: [] };
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    {
      stackName: settings.stack,
      projectName: PROJECT,
      program: budgetsProgram(
        budgets,
        () => resolved.keys,
        () => notes(),
      ),
    },
    { envVars, pulumiCommand: await pulumiCommand() },
  );
  state = await stateResources(stack);
  resolved = resolveLimitKeys(budgets.limits, state);
  const declarations = budgetsDeclarations(budgets, resolved.keys);
  const changes = keyChanges(declarations, state);
  return {
    stack: interruptible(stack),
    state,
    renames: resolved.renames,
    keyChanges: changes,
    useCaseNotes: notes,
    environment: { ...environment, baseUrl: settings.baseUrl ?? environment.baseUrl },
    declarations,
  };
}

/**
 * The stack of the Pulumi program in `dir` (`--program`): any language, with the dynamic provider or the
 * plugins. Pulumi runs it as \`pulumi\` would in that directory: its Pulumi.yaml, its stack config and secrets,
 * the backend it is logged in to (or Pulumi.yaml's) unless \`--backend\`/PULUMI_BACKEND_URL names one. The stack
 * must exist. What the CLI adds to its own stacks stays out: no key renames (the program names its
 * resources), no notes of a budgets file (the provider warns at \`up\` before each delete).
 */
export async function programStack(dir: string, settings: StackSettings): Promise<BudgetsStack> {
  if (!["Pulumi.yaml", "Pulumi.yml"].some((name) => existsSync(path.join(dir, name))))
    throw new CliError(`--program ${dir}: no Pulumi.yaml there (the directory of a Pulumi program)`, ExitCode.badInput);
  const backend = settings.backend ?? settings.environment.backend;
  if (backend) removeTornSidecars(backend);
  const baseUrl = settings.baseUrl ?? settings.environment.baseUrl;
  const envVars: Record<string, string> = {
    PULUMI_SKIP_UPDATE_CHECK: "true",
    ...(backend ? { PULUMI_BACKEND_URL: withoutSidecars(backend) } : {}),
    ...(baseUrl ? { PAYI_BASE_URL: baseUrl } : {}),
  };
  let stack: automation.Stack;
  try {
    stack = await automation.LocalWorkspace.selectStack(
      { stackName: settings.stack, workDir: dir },
      { envVars, pulumiCommand: await pulumiCommand() },
    );
  } catch (error) {
    if (!(error instanceof automation.StackNotFoundError)) throw error;
    throw new CliError(
      `the program in ${dir} has no stack '${settings.stack}'${backend ? ` in ${redactCredentials(backend)}` : ""}: name one with --stack, or create it (\`pulumi stack init ${settings.stack}\` there)`,
      ExitCode.badInput,
    );
  }
  const state = await stateResources(stack);
  const config = await stack.getAllConfig();
  const set = (key: string) => {
    const value = config[key]?.value;
    return value === undefined || value === "" ? undefined : value;
  };
  const { environment } = settings;
  const payiKey = set("payi:apiKey");
  return {
    stack: interruptible(stack),
    state,
    renames: [],
    keyChanges: [],
    useCaseNotes: () => Promise.resolve([]),
    declarations: undefined,
    environment: {
      ...environment,
      apiKeys: payiKey ? [payiKey] : environment.apiKeys,
      baseUrl: set("payi:baseUrl") ?? baseUrl,
      limitryApiKey: set("limitry:apiKey") ?? environment.limitryApiKey,
      limitryBaseUrl: set("limitry:baseUrl") ?? environment.limitryBaseUrl,
    },
  };
}

/** The Pulumi CLI on PATH; a missing one is a clear error saying how to install it, not a spawn failure. */
async function pulumiCommand(): Promise<automation.PulumiCommand> {
  try {
    return await automation.PulumiCommand.get();
  } catch (error) {
    if (error instanceof Error && /ENOENT/.test(error.message)) {
      throw new CliError(
        "the Pulumi CLI was not found on PATH. pulumi-limits runs Pulumi's engine: install the Pulumi CLI v3 (https://www.pulumi.com/docs/install/, e.g. `curl -fsSL https://get.pulumi.com | sh` or `brew install pulumi/tap/pulumi`), check that `pulumi version` works, and run this again.",
        ExitCode.failure,
      );
    }
    throw error;
  }
}
