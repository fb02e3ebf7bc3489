/**
 * What a stack command is told: the flags every one takes, the budgets file and its stack, the Pay-i client its
 * settings name, and `--yes` or a confirmation before it changes anything.
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { Payi } from "../sdk/index.js";
import { loadBudgets, type BudgetsFile } from "./budgets-file.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { limitryReferences } from "./limitry-references.js";
import type { Output } from "./output.js";
import { budgetsStack, type BudgetsStack, type StackSettings } from "./workspace.js";
import { refuseKeyChanges } from "./key-changes.js";

/** Flags every stack command takes. */
const COMMON = {
  file: { type: "string", short: "f", default: "budgets.yaml" },
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
  return {
    file: String(values.file),
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
 * Loads the file and opens its stack; the file must declare something unless `--allow-empty`. With `checked`
 * (commands that preview or apply it), what it names on the services must exist, and no key changed without
 * `previousKeys:` (see cli/key-changes.ts).
 */
export async function open(p: Parsed, checked = true): Promise<BudgetsStack> {
  const b = await budgetsStack(await loadChecked(p, checked), p.settings);
  if (checked) refuseKeyChanges(p.file, b.keyChanges);
  return b;
}

/** Loads the file (see {@link open}) without opening its stack. */
export function loadChecked(p: Parsed, checked: boolean): Promise<BudgetsFile> {
  const references = checked ? limitryReferences(p.settings.environment) : undefined;
  return loadBudgets(p.file, { allowEmpty: p.allowEmpty, ...(references ? { references } : {}) });
}

/** A Pay-i client for the command's settings (`--base-url`, PAYI_BASE_URL, the first PAYI_API_KEY). */
export function payiClient(p: Parsed): Payi {
  return new Payi({ apiKey: p.settings.environment.apiKeys[0], baseURL: p.settings.baseUrl ?? p.settings.environment.baseUrl });
}
