/** The commands that preview or change the stack: preview, up, refresh and destroy. */
import { loadBudgets, type BudgetsFile } from "./budgets-file.js";
import { CHECKPOINTS, writeStateOnce, writeStateOnceForUp, writesStateOnce } from "./checkpoints.js";
import { checkedPreview, recording } from "./engine.js";
import type { CliEnvironment } from "./environment.js";
import { ExitCode } from "./exit-codes.js";
import { kindOf, kindOfDeclaration, type Kind } from "./kinds.js";
import { streaming } from "./output.js";
import { printPlan, report } from "./plan-report.js";
import { mandatory, POLICY_FLAGS, policyBlocked, policyOptions } from "./policy.js";
import { confirm, loadChecked, open, parse, picked } from "./stack-options.js";
import { REPLACE_FLAGS, TARGET_FLAGS } from "./targets.js";
import { budgetsDeclarations } from "./vocabulary.js";
import { budgetsStack, type BudgetsStack } from "./workspace.js";
import { refuseKeyChanges } from "./key-changes.js";

/** The kinds an `up` of `budgets` may create (those it declares) and delete (those the state holds). */
function upKinds(b: BudgetsStack, budgets: BudgetsFile): { create: Kind[]; delete: Kind[] } {
  return {
    create: budgetsDeclarations(budgets, []).map(kindOfDeclaration),
    delete: b.state.map((r) => kindOf(r.kind)),
  };
}

/** `preview`: the plan of applying the file, checked by the policy packs; changes nothing. */
export async function previewCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment, { ...POLICY_FLAGS, ...TARGET_FLAGS, ...REPLACE_FLAGS });
  const policy = policyOptions(p.rest);
  const b = await open(p);
  const { plan } = await checkedPreview(p, b, { ...policy, ...picked(p, b) }, "preview");
  await report(p, b, plan, `Plan for stack '${p.settings.stack}'`);
  return ExitCode.ok;
}

/**
 * `up`: previews (unless `--yes` without policy packs), asks, applies the file and reports what it applied.
 */
export async function upCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment, { ...CHECKPOINTS, ...POLICY_FLAGS, ...TARGET_FLAGS, ...REPLACE_FLAGS });
  const policy = policyOptions(p.rest);
  const budgets = p.program === undefined ? await loadChecked(p, true) : undefined;
  const b = budgets ? await budgetsStack(budgets, p.settings) : await open(p);
  refuseKeyChanges(p.file, b.keyChanges);
  const targets = picked(p, b);
  // The Automation API's up skips the engine's preview: with policy packs, the policy-checked preview runs
  // first even with --yes, so a mandatory violation stops the run before anything is applied.
  if (!p.yes || policy.policyPacks) {
    const { plan, changes } = await checkedPreview(p, b, { ...policy, ...targets }, "up");
    if (!changes) {
      await report(p, b, plan, `No changes to stack '${p.settings.stack}'`);
      return ExitCode.ok;
    }
    printPlan(p, b, plan, `Plan for stack '${p.settings.stack}'`);
    await confirm(`Apply these changes to stack '${p.settings.stack}'?`, p.yes);
  }
  // A program's own stack keeps Pulumi's checkpoints: which kinds it may create is its code's to say.
  const refresh = p.refresh && targets.refresh !== false;
  if (budgets && writesStateOnce({ checkpoints: p.rest["checkpoints"] === true, refresh }, upKinds(b, budgets)))
    await writeStateOnceForUp(b.stack);
  // Read before the apply: it is about what the apply deletes.
  const notes = await b.useCaseNotes();
  const { recorder, callbacks } = recording(p);
  try {
    await b.stack.up({ ...callbacks, ...policy, refresh: p.refresh, ...targets });
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

/** `refresh`: reads every object of the stack back from the services into its state. */
export async function refreshCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment, TARGET_FLAGS);
  const b = await open(p, false);
  const targets = picked(p, b);
  await confirm(`Refresh stack '${p.settings.stack}' from the service?`, p.yes);
  await b.stack.refresh({ ...streaming(p.out), ...targets });
  return ExitCode.ok;
}

/** `destroy`: shows every object the stack holds and what deleting it discards, asks, then deletes them. */
export async function destroyCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment, { ...CHECKPOINTS, ...TARGET_FLAGS });
  // destroy deletes everything by definition: an empty file is fine here.
  const b =
    p.program === undefined
      ? await budgetsStack(await loadBudgets(p.file, { allowEmpty: true, stack: p.settings.stack }), p.settings)
      : await open(p);
  const targets = picked(p, b, false);
  // The plan first, refreshed so that the spend it names is the service's now; then a confirmation.
  const preview = recording(p);
  await b.stack.previewDestroy({ ...preview.callbacks, refresh: p.refresh, ...targets });
  const notes = await b.useCaseNotes(true);
  const plan = preview.recorder.plan(notes);
  printPlan(p, { ...b, renames: [] }, plan, `Plan to destroy stack '${p.settings.stack}'`);
  if (plan.changes.length > 0) await confirm(`Delete every object above from the service (stack '${p.settings.stack}')?`, p.yes);
  const kinds = { create: [], delete: b.state.map((r) => kindOf(r.kind)) };
  // The destroy itself never refreshes: what it deletes is what the state holds.
  if (p.program === undefined && writesStateOnce({ checkpoints: p.rest["checkpoints"] === true, refresh: true }, kinds))
    writeStateOnce(b.stack);
  const applied = recording(p);
  await b.stack.destroy({ ...applied.callbacks, ...targets });
  await report(p, { ...b, renames: [] }, applied.recorder.plan(notes), `Destroyed in stack '${p.settings.stack}'`);
  return ExitCode.ok;
}
