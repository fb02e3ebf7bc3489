/**
 * What a stack command is told: the flags every one takes, the budgets file and its stack, the Pay-i client its
 * settings name, and `--yes` or a confirmation before it changes anything.
 */
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { Payi } from "../sdk/index.js";
import { loadBudgets, type BudgetsFile } from "./budgets-file.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { limitryReferences } from "./limitry-references.js";
import type { Output } from "./output.js";
import { budgetsStack, programStack, type BudgetsStack, type StackSettings } from "./workspace.js";
import { refuseKeyChanges } from "./key-changes.js";
import { targeting, type Targeting } from "./targets.js";

/** Flags every stack command takes. */
const COMMON = {
  file: { type: "string", short: "f" },
  program: { type: "string" },
  stack: { type: "string", short: "s", default: "dev" },
  backend: { type: "string" },
  "base-url": { type: "string" },
  json: { type: "boolean", default: false },
  yes: { type: "boolean", short: "y", default: false },
  "skip-refresh": { type: "boolean", default: false },
  "allow-empty": { type: "boolean", default: false },
  summary: { type: "string" },
} as const;

/** A stack command's flags, read. */
export interface Parsed {
  file: string;
  /**
   * `--program DIR`: the stack of the Pulumi program in DIR (any language; the dynamic provider or the plugins)
   * instead of a budgets file's. Absolute.
   */
  program: string | undefined;
  /** What the plans compare the service with: the budgets file, or `the program in DIR`. */
  source: string;
  /** Read every resource from the service before comparing, so changes made behind Pulumi's back are converged too. */
  refresh: boolean;
  /** Accept a file that declares nothing (and so deletes everything the stack manages). */
  allowEmpty: boolean;
  settings: StackSettings;
  yes: boolean;
  out: Output;
  rest: Record<string, string | boolean | undefined>;
}

/** Reads the flags every stack command takes, and `extra` (unknown flags are an error). */
export function parse(
  args: string[],
  environment: CliEnvironment,
  extra: Record<string, { type: "string" | "boolean"; default?: string | boolean; multiple?: boolean }> = {},
): Parsed {
  const { values } = parseArgs({ args, options: { ...COMMON, ...extra }, strict: true, allowPositionals: false });
  const json = values.json === true;
  const program = typeof values.program === "string" ? path.resolve(values.program) : undefined;
  if (program !== undefined && values.file !== undefined)
    throw new CliError("--file and --program: a command reads a budgets file or a Pulumi program, not both", ExitCode.badInput);
  if (program !== undefined && values["allow-empty"] === true)
    throw new CliError("--allow-empty is for budgets files: a program's empty stack is its own choice", ExitCode.badInput);
  const file = typeof values.file === "string" ? values.file : "budgets.yaml";
  return {
    file,
    program,
    source: program === undefined ? file : `the program in ${values.program}`,
    refresh: values["skip-refresh"] !== true,
    allowEmpty: values["allow-empty"] === true,
    yes: values.yes === true,
    out: { json, write: (text) => process.stdout.write(text) },
    settings: {
      stack: String(values.stack),
      backend: typeof values.backend === "string" ? values.backend : undefined,
      baseUrl: typeof values["base-url"] === "string" ? values["base-url"] : undefined,
      environment,
    },
    rest: values,
  };
}

/** The command that converges what this one compared: `pulumi-limits up`, with its `--program` if any. */
export function upCommandLine(p: Parsed): string {
  if (p.program === undefined) return "pulumi-limits up";
  const relative = path.relative(process.cwd(), p.program) || ".";
  const dir = relative.startsWith("..") ? p.program : relative;
  return `pulumi-limits up --program ${/^[\w./-]+$/.test(dir) ? dir : `'${dir.replaceAll("'", "'\\''")}'`}`;
}

/** `--yes`, or an interactive confirmation; never a silent apply in CI. */
export async function confirm(question: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY)
    throw new CliError(`${question.replace(/\?$/, "")}: pass --yes to apply without a prompt`, ExitCode.badInput);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("cancelled", ExitCode.failure);
}

/**
 * Opens the stack of `--program`, else loads the file and opens its stack; the file must declare something unless `--allow-empty`. With `checked`
 * (commands that preview or apply it), what it names on the services must exist, and no key changed without
 * `previousKeys:` (see cli/key-changes.ts).
 */
export async function open(p: Parsed, checked = true): Promise<BudgetsStack> {
  if (p.program !== undefined) return programStack(p.program, p.settings);
  const b = await budgetsStack(await loadChecked(p, checked), p.settings);
  if (checked) refuseKeyChanges(p.file, b.keyChanges);
  return b;
}

/** Loads the file (see {@link open}) without opening its stack. */
export function loadChecked(p: Parsed, checked: boolean): Promise<BudgetsFile> {
  const references = checked ? limitryReferences(p.settings.environment) : undefined;
  return loadBudgets(p.file, { allowEmpty: p.allowEmpty, stack: p.settings.stack, ...(references ? { references } : {}) });
}

/** The engine options of the command's `--target`, `--exclude` and `--replace` flags (see cli/targets.ts). */
export function picked(p: Parsed, b: BudgetsStack, withInstance = true): Targeting {
  const options = targeting(p.rest, { stackName: p.settings.stack, state: b.state, declarations: b.declarations, withInstance });
  // A new stack has nothing to refresh: no note then.
  if (options.refresh === false && p.refresh && b.state.length > 0)
    process.stderr.write(
      "pulumi-limits: note: --target names an object the stack does not hold yet, and Pulumi refreshes before a run only when every target is in the stack: this run compares with the stack's state (as --skip-refresh does)\n",
    );
  return options;
}

/** A Pay-i client for the stack (`--base-url`, PAYI_BASE_URL, the first PAYI_API_KEY; a program's config first). */
export function payiClient(b: BudgetsStack): Payi {
  return new Payi({ apiKey: b.environment.apiKeys[0], baseURL: b.environment.baseUrl });
}
