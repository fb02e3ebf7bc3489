import { appendFile, writeFile } from "node:fs/promises";
import { formatUsd } from "../rules/payi/money.js";
import { describe, formatValue, type ChangeOp, type Plan } from "./plan.js";
import { violationsMarkdown } from "./policy.js";
import type { StatusRow } from "./status.js";

const OP: Record<ChangeOp, string> = {
  create: "➕ create",
  adopt: "🔗 adopt",
  import: "📥 import",
  update: "✏️ update",
  replace: "♻️ replace",
  delete: "🗑️ delete",
};

/** Escapes text for a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * A Markdown report of a plan for a pull request or a job summary: a table of changes with every amount
 * `old → new`, the warnings, and the budget status (spend / max / state) of what the stack manages.
 */
export function markdownSummary(options: {
  title: string;
  plan: Plan;
  status: StatusRow[];
  renames?: Array<{ from: string; to: string }>;
}): string {
  const { plan, status } = options;
  const lines = [`## ${options.title}`, ""];
  if (plan.changes.length === 0) {
    lines.push("No changes.", "");
  } else {
    lines.push("| Change | Resource | Property | Old | New |", "| --- | --- | --- | --- | --- |");
    for (const c of plan.changes) {
      const resource = cell(describe(c, true));
      const fresh = c.op === "create" || c.op === "adopt" || c.op === "import";
      const rows: string[][] = c.changes.map((p) => [
        p.property,
        fresh ? "" : formatValue(c.kind, p.property, p.old),
        formatValue(c.kind, p.property, p.new),
      ]);
      if (c.takesOver) rows.unshift(["(takes over)", "", c.takesOver]);
      for (const reason of c.replaceReasons) rows.push(["(replace)", "", reason]);
      if (c.spendDiscardedUsd !== undefined) rows.push(["tracked spend", formatUsd(c.spendDiscardedUsd), "discarded"]);
      if (c.discards) rows.push(["(discards)", "", c.discards]);
      if (rows.length === 0) rows.push(["", "", ""]);
      rows.forEach((r, i) =>
        lines.push(`| ${i === 0 ? OP[c.op] : ""} | ${i === 0 ? resource : ""} | ${r.map((v) => cell(v)).join(" | ")} |`),
      );
    }
    lines.push("");
  }
  for (const r of options.renames ?? [])
    lines.push(
      `> **Note:** limit '${cell(r.from)}' is renamed to '${cell(r.to)}' in place; its id and tracked spend are kept.`,
      "",
    );
  for (const w of plan.warnings) lines.push(`> **Warning:** ${cell(w)}`, "");
  lines.push(...violationsMarkdown(plan.policyViolations, cell));
  const limits = status.filter((r) => r.kind === "limit");
  if (limits.length > 0) {
    lines.push("### Budget status", "", "| Limit | Spend | Max | Used | State |", "| --- | ---: | ---: | ---: | --- |");
    for (const r of limits) {
      if (r.state === "missing") lines.push(`| ${cell(r.name)} | - | - | - | **MISSING** |`);
      else
        lines.push(
          `| ${cell(r.name)} | ${formatUsd(r.spendUsd)} | ${formatUsd(r.max)} | ${r.usedPercent.toFixed(1)}% | ${r.state === "ok" ? "ok" : `**${r.state.toUpperCase()}**`} |`,
        );
    }
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Writes a summary to `--summary FILE` (replacing it: it is this run's report) and appends it to
 * `$GITHUB_STEP_SUMMARY` (GitHub shows every step's summary on one page, so never overwrite that one).
 */
export async function writeSummary(
  markdown: string,
  targets: { file?: string | undefined; stepSummary?: string | undefined },
): Promise<void> {
  if (targets.file) await writeFile(targets.file, markdown);
  if (targets.stepSummary) await appendFile(targets.stepSummary, markdown);
}
