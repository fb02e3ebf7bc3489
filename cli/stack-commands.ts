import { writeFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import type { OpType } from "@pulumi/pulumi/automation";
import { Payi } from "../sdk/index.js";
import { loadBudgets, type BudgetsFile } from "./budgets-file.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { budgetsProgramSource, budgetsYaml, importBudgets } from "./import.js";
import { streaming, type Output } from "./output.js";
import { stackStatus, statusTable, useCaseTable } from "./status.js";
import { importLimitry, limitryImportCounts } from "./limitry-import.js";
import { limitryReferences } from "./limitry-references.js";
import { LIMITRY_LIMIT_IDS_OUTPUT } from "./limitry-program.js";
import { limitryClient, limitryCustomers, limitryStatusRows, limitryStatusTable } from "./limitry-status.js";
import type { CliEnvironment } from "./environment.js";
import { budgetsStack, type BudgetsStack, type StackSettings } from "./workspace.js";
import { PlanRecorder, renderPlan, type Plan } from "./plan.js";
import { stateResources } from "./resource-keys.js";
import { kindOf, kindOfDeclaration, type Kind } from "./kinds.js";
import { CHECKPOINTS, writeStateOnce, writeStateOnceForUp, writesStateOnce } from "./checkpoints.js";
import { budgetsDeclarations } from "./vocabulary.js";
import { markdownSummary, writeSummary } from "./summary.js";
import { mandatory, POLICY_FLAGS, policyBlocked, policyOptions, type PolicyOptions } from "./policy.js";

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

interface Parsed {
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

function parse(
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

/** The kinds an `up` of `budgets` may create (those it declares) and delete (those the state holds). */
function upKinds(b: BudgetsStack, budgets: BudgetsFile): { create: Kind[]; delete: Kind[] } {
  return {
    create: budgetsDeclarations(budgets, []).map(kindOfDeclaration),
    delete: b.state.map((r) => kindOf(r.kind)),
  };
}

/** True when the summary holds anything but unchanged resources. */
function hasChanges(summary: Partial<Record<OpType, number>> | undefined): boolean {
  return Object.entries(summary ?? {}).some(([op, count]) => op !== "same" && (count ?? 0) > 0);
}

/** `--yes`, or an interactive confirmation; never a silent apply in CI. */
async function confirm(question: string, yes: boolean): Promise<void> {
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
 * (commands that preview or apply it), what it names on the services must exist.
 */
async function open(p: Parsed, checked = true): Promise<BudgetsStack> {
  return budgetsStack(await loadChecked(p, checked), p.settings);
}

function loadChecked(p: Parsed, checked: boolean): Promise<BudgetsFile> {
  const references = checked ? limitryReferences(p.settings.environment) : undefined;
  return loadBudgets(p.file, { allowEmpty: p.allowEmpty, ...(references ? { references } : {}) });
}

/** Engine callbacks that stream progress (text or JSON) and record the plan. */
function recording(p: Parsed): { recorder: PlanRecorder; callbacks: ReturnType<typeof streaming> } {
  const recorder = new PlanRecorder();
  const stream = streaming(p.out);
  return {
    recorder,
    callbacks: {
      ...stream,
      onEvent: (event) => {
        recorder.onEvent(event);
        stream.onEvent?.(event);
      },
    },
  };
}

/**
 * Prints the plan with every amount (text), or as one `{"plan": …}` line (`--json`), and writes the
 * Markdown summary (`--summary FILE`, `$GITHUB_STEP_SUMMARY`) with the budget status read live.
 */
async function report(p: Parsed, b: BudgetsStack, plan: Plan, title: string, print = true): Promise<void> {
  if (print) printPlan(p, b, plan, title);
  const file = typeof p.rest["summary"] === "string" ? p.rest["summary"] : undefined;
  const { stepSummary } = p.settings.environment;
  if (!file && !stepSummary) return;
  // Budget status is Pay-i's: a stack holding none of its objects needs no Pay-i key.
  const payi = (await stateResources(b.stack)).filter((r) => kindOf(r.kind).api === "payi");
  if (payi.length === 0) {
    await writeSummary(markdownSummary({ title, plan, status: [], renames: b.renames }), { file, stepSummary });
    return;
  }
  const client = payiClient(p);
  try {
    const status = await stackStatus(client, payi);
    await writeSummary(markdownSummary({ title, plan, status, renames: b.renames }), { file, stepSummary });
  } finally {
    await client.close();
  }
}

function payiClient(p: Parsed): Payi {
  return new Payi({ apiKey: p.settings.environment.apiKeys[0], baseURL: p.settings.baseUrl ?? p.settings.environment.baseUrl });
}

function printPlan(p: Parsed, b: BudgetsStack, plan: Plan, title: string): void {
  const renamed = b.renames.map(
    (r) => `note: limit '${r.from}' is renamed to '${r.to}' in place (resource ${r.key}): its id and tracked spend are kept`,
  );
  if (p.out.json) {
    p.out.write(`${JSON.stringify({ plan: { stack: p.settings.stack, ...plan, renames: b.renames } })}\n`);
    return;
  }
  p.out.write(`\n${renderPlan(plan, title)}`);
  for (const line of renamed) p.out.write(`${line}\n`);
}

/**
 * A preview, checked by the policy packs when there are any. Mandatory violations fail the engine's preview:
 * the plan so far is reported with them (text, JSON and summary), and the command fails saying so.
 */
async function checkedPreview(
  p: Parsed,
  b: BudgetsStack,
  policy: PolicyOptions,
  command: string,
): Promise<{ plan: Plan; changes: boolean }> {
  const { recorder, callbacks } = recording(p);
  try {
    const preview = await b.stack.preview({ ...callbacks, ...policy, refresh: p.refresh });
    return { plan: recorder.plan(await b.useCaseNotes()), changes: hasChanges(preview.changeSummary) };
  } catch (error) {
    const plan = recorder.plan(await b.useCaseNotes().catch(() => []));
    if (mandatory(plan.policyViolations).length === 0) throw error;
    await report(p, b, plan, `Plan for stack '${p.settings.stack}' stopped by policy`);
    throw policyBlocked(command, plan.policyViolations, command === "up" ? "nothing was applied" : undefined);
  }
}

export async function previewCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment, POLICY_FLAGS);
  const policy = policyOptions(p.rest);
  const b = await open(p);
  const { plan } = await checkedPreview(p, b, policy, "preview");
  await report(p, b, plan, `Plan for stack '${p.settings.stack}'`);
  return ExitCode.ok;
}

export async function upCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment, { ...CHECKPOINTS, ...POLICY_FLAGS });
  const policy = policyOptions(p.rest);
  const budgets = await loadChecked(p, true);
  const b = await budgetsStack(budgets, p.settings);
  // The Automation API's up skips the engine's preview: with policy packs, the policy-checked preview runs
  // first even with --yes, so a mandatory violation stops the run before anything is applied.
  if (!p.yes || policy.policyPacks) {
    const { plan, changes } = await checkedPreview(p, b, policy, "up");
    if (!changes) {
      await report(p, b, plan, `No changes to stack '${p.settings.stack}'`);
      return ExitCode.ok;
    }
    printPlan(p, b, plan, `Plan for stack '${p.settings.stack}'`);
    await confirm(`Apply these changes to stack '${p.settings.stack}'?`, p.yes);
  }
  if (writesStateOnce({ checkpoints: p.rest["checkpoints"] === true, refresh: p.refresh }, upKinds(b, budgets)))
    await writeStateOnceForUp(b.stack);
  // Read before the apply: it is about what the apply deletes.
  const notes = await b.useCaseNotes();
  const { recorder, callbacks } = recording(p);
  try {
    await b.stack.up({ ...callbacks, ...policy, refresh: p.refresh });
  } catch (error) {
    // A value known only once applied (unknown at the preview) can still break a mandatory policy midway.
    const plan = recorder.plan(notes);
    if (mandatory(plan.policyViolations).length === 0) throw error;
    await report(p, b, plan, `Stopped by policy while applying to stack '${p.settings.stack}'`);
    throw policyBlocked("up", plan.policyViolations, "it stopped midway; `pulumi-limits preview` shows what is left");
  }
  await report(p, b, recorder.plan(notes), `Applied to stack '${p.settings.stack}'`);
  return ExitCode.ok;
}

export async function refreshCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment);
  const { stack } = await open(p, false);
  await confirm(`Refresh stack '${p.settings.stack}' from the service?`, p.yes);
  await stack.refresh(streaming(p.out));
  return ExitCode.ok;
}

export async function destroyCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment, CHECKPOINTS);
  // destroy deletes everything by definition: an empty file is fine here.
  const budgets = await loadBudgets(p.file, { allowEmpty: true });
  const b = await budgetsStack(budgets, p.settings);
  // The plan first, refreshed so that the spend it names is the service's now; then a confirmation.
  const preview = recording(p);
  await b.stack.previewDestroy({ ...preview.callbacks, refresh: p.refresh });
  const notes = await b.useCaseNotes(true);
  const plan = preview.recorder.plan(notes);
  printPlan(p, { ...b, renames: [] }, plan, `Plan to destroy stack '${p.settings.stack}'`);
  if (plan.changes.length > 0) await confirm(`Delete every object above from the service (stack '${p.settings.stack}')?`, p.yes);
  const kinds = { create: [], delete: b.state.map((r) => kindOf(r.kind)) };
  // The destroy itself never refreshes: what it deletes is what the state holds.
  if (writesStateOnce({ checkpoints: p.rest["checkpoints"] === true, refresh: true }, kinds)) writeStateOnce(b.stack);
  const applied = recording(p);
  await b.stack.destroy(applied.callbacks);
  await report(p, { ...b, renames: [] }, applied.recorder.plan(notes), `Destroyed in stack '${p.settings.stack}'`);
  return ExitCode.ok;
}

/** Refreshes from the service and previews the file against it: exit 3 when they differ. */
export async function driftCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment);
  const b = await open(p);
  const { recorder, callbacks } = recording(p);
  const preview = await b.stack.preview({ ...callbacks, refresh: true });
  const plan = recorder.plan(await b.useCaseNotes());
  if (!hasChanges(preview.changeSummary)) {
    if (!p.out.json) p.out.write(`\nNo drift: the service matches ${p.file}.\n`);
    await report(p, b, plan, `No drift: the service matches ${p.file}`, false);
    return ExitCode.ok;
  }
  await report(p, b, plan, `Differences between the service and ${p.file}`);
  if (!p.out.json) {
    const changed = Object.entries(preview.changeSummary)
      .filter(([op]) => op !== "same")
      .map(([op, n]) => `${n} to ${op}`);
    p.out.write(`\nDrift: the service differs from ${p.file} (${changed.join(", ")}). Run \`pulumi-limits up\` to converge.\n`);
  }
  return ExitCode.drift;
}

/**
 * Spend vs max, threshold and state of every limit, and the use cases with their instance limits, that
 * the stack manages, read live from the service. One deleted out of band shows as MISSING.
 */
export async function statusCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment, { now: { type: "string" }, customer: { type: "string" } });
  const now = typeof p.rest["now"] === "string" ? new Date(p.rest["now"]) : new Date();
  if (Number.isNaN(now.getTime()))
    throw new CliError(`--now must be an ISO 8601 date-time, got '${String(p.rest["now"])}'`, ExitCode.badInput);
  const budgets = await loadBudgets(p.file, { allowEmpty: true });
  const { stack, state } = await budgetsStack(budgets, p.settings);
  // A limitry-only stack needs no Pay-i key.
  const client = state.some((r) => kindOf(r.kind).api === "payi") ? payiClient(p) : undefined;
  const limitry = budgets.limitry ? limitryClient(environment) : undefined;
  try {
    const rows = client ? await stackStatus(client, state, now) : [];
    const limits = rows.filter((r) => r.kind === "limit");
    const useCases = rows.filter((r) => r.kind === "useCase");
    const limitryIds = (limitry ? ((await stack.outputs())[LIMITRY_LIMIT_IDS_OUTPUT]?.value ?? {}) : {}) as Record<
      string,
      string
    >;
    const customer = typeof p.rest["customer"] === "string" ? p.rest["customer"] : undefined;
    const limitryRows =
      budgets.limitry && limitry
        ? await limitryStatusRows(limitry, limitryIds, limitryCustomers(budgets.limitry, customer))
        : undefined;
    // With a limitry: section the JSON report holds both backends: {payi: [...], limitry: [...]}.
    if (p.out.json) p.out.write(`${JSON.stringify(limitryRows ? { payi: rows, limitry: limitryRows } : rows, null, 2)}\n`);
    else if (rows.length === 0 && Object.keys(limitryIds).length === 0)
      p.out.write(`Stack '${p.settings.stack}' has no limits yet: run \`pulumi-limits up\`.\n`);
    else {
      if (limits.length > 0) p.out.write(`Budget status of stack '${p.settings.stack}':\n${statusTable(limits)}\n`);
      if (useCases.length > 0) p.out.write(`Use cases of stack '${p.settings.stack}':\n${useCaseTable(useCases)}\n`);
      const missing = rows.filter((r) => r.state === "missing").length;
      if (missing > 0)
        p.out.write(`${missing} missing on the service: \`pulumi-limits drift\` shows them, \`up\` recreates them.\n`);
    }
    if (limitryRows && !p.out.json && Object.keys(limitryIds).length > 0) {
      p.out.write(
        limitryRows.length
          ? `Limitry limits of stack '${p.settings.stack}' (current window per customer):\n${limitryStatusTable(limitryRows)}\n`
          : "Limitry: no customer to report on; name them under limitry.customers or pass --customer.\n",
      );
    }
    return ExitCode.ok;
  } finally {
    await client?.close();
    await limitry?.close();
  }
}

/** Writes what exists on the service as budgets.yaml entries (adopt: true) or a TypeScript program. */
export async function importCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { out: { type: "string", short: "o" }, format: { type: "string", default: "yaml" }, "base-url": { type: "string" } },
    strict: true,
  });
  if (values.format !== "yaml" && values.format !== "ts")
    throw new CliError(`--format must be yaml or ts (got '${values.format}')`, ExitCode.badInput);
  const [apiKey] = environment.apiKeys;
  if (!apiKey) throw new CliError("PAYI_API_KEY is not set", ExitCode.badInput);
  const client = new Payi({ apiKey, baseURL: values["base-url"] ?? environment.baseUrl });
  try {
    const budgets = await importBudgets(client);
    // With LIMITRY_API_KEY set, Limitry's meters and limits come too, as a limitry: section.
    if (environment.limitryApiKey) {
      const limitry = limitryClient(environment);
      try {
        budgets.limitry = await importLimitry(limitry);
      } finally {
        await limitry.close();
      }
    }
    const text = values.format === "ts" ? budgetsProgramSource(budgets) : budgetsYaml(budgets, client.baseURL);
    if (values.out) {
      await writeFile(values.out, text);
      const limitry = budgets.limitry ? `, ${limitryImportCounts(budgets.limitry)}` : "";
      process.stderr.write(
        `Imported ${budgets.limits.length} limits and ${budgets.useCases.length} use cases${limitry} into ${values.out}\n`,
      );
    } else {
      process.stdout.write(text);
    }
    return ExitCode.ok;
  } finally {
    await client.close();
  }
}
