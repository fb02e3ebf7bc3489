/**
 * Running the Automation API for a command: engine callbacks that stream progress and record the plan, and a
 * preview checked by the policy packs.
 */
import type { OpType } from "@pulumi/pulumi/automation";
import { streaming } from "./output.js";
import { PlanRecorder, type Plan } from "./plan.js";
import { mandatory, policyBlocked, type PolicyOptions } from "./policy.js";
import { report } from "./plan-report.js";
import type { Parsed } from "./stack-options.js";
import type { Targeting } from "./targets.js";
import type { BudgetsStack } from "./workspace.js";

/** True when the summary holds anything but unchanged resources. */
export function hasChanges(summary: Partial<Record<OpType, number>> | undefined): boolean {
  return Object.entries(summary ?? {}).some(([op, count]) => op !== "same" && (count ?? 0) > 0);
}

/** Engine callbacks that stream progress (text or JSON) and record the plan. */
export function recording(p: Parsed): { recorder: PlanRecorder; callbacks: ReturnType<typeof streaming> } {
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
 * A preview (of the resources `options` picks, if it picks), checked by the policy packs when there are any. Mandatory violations fail the engine's preview:
 * the plan so far is reported with them (text, JSON and summary), and the command fails saying so.
 */
export async function checkedPreview(
  p: Parsed,
  b: BudgetsStack,
  options: PolicyOptions & Targeting,
  command: string,
): Promise<{ plan: Plan; changes: boolean }> {
  const { recorder, callbacks } = recording(p);
  try {
    const preview = await b.stack.preview({ ...callbacks, refresh: p.refresh, ...options });
    return { plan: recorder.plan(await b.useCaseNotes()), changes: hasChanges(preview.changeSummary) };
  } catch (error) {
    const plan = recorder.plan(await b.useCaseNotes().catch(() => []));
    if (mandatory(plan.policyViolations).length === 0) throw error;
    await report(p, b, plan, `Plan for stack '${p.settings.stack}' stopped by policy`);
    throw policyBlocked(command, plan.policyViolations, command === "up" ? "nothing was applied" : undefined);
  }
}
