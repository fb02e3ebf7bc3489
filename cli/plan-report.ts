/** A command's plan for its reader: printed (text or one JSON line) and written as the Markdown summary. */
import { kindOf } from "./kinds.js";
import { renderPlan, type Plan } from "./plan.js";
import { stateResources } from "./resource-keys.js";
import { payiClient, type Parsed } from "./stack-options.js";
import { stackStatus } from "./status.js";
import { markdownSummary, writeSummary } from "./summary.js";
import type { BudgetsStack } from "./workspace.js";

/**
 * Prints the plan with every amount (text), or as one `{"plan": …}` line (`--json`), and writes the
 * Markdown summary (`--summary FILE`, `$GITHUB_STEP_SUMMARY`) with the budget status read live.
 */
export async function report(p: Parsed, b: BudgetsStack, plan: Plan, title: string, print = true): Promise<void> {
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
  const client = payiClient(b);
  try {
    const status = await stackStatus(client, payi);
    await writeSummary(markdownSummary({ title, plan, status, renames: b.renames }), { file, stepSummary });
  } finally {
    await client.close();
  }
}

/** Prints the plan as text, with the renames the file carries out, or as one `{"plan": …}` line (`--json`). */
export function printPlan(p: Parsed, b: BudgetsStack, plan: Plan, title: string): void {
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
