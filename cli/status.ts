import Table from "cli-table3";
import type { Limit } from "../sdk/index.js";
import { spendState } from "../rules/payi/spend-state.js";

/** One row of the budget status report. */
export interface LimitStatus {
  key: string;
  limitId: string;
  name: string;
  type: string;
  spendUsd: number;
  max: number;
  usedPercent: number;
  threshold: number | null;
  state: "ok" | "exceeded" | "overrun";
}

export function limitStatus(key: string, limit: Limit): LimitStatus {
  const spend = limit.totals.cost.total.base;
  const threshold = limit.threshold ?? null;
  return {
    key,
    limitId: limit.limit_id,
    name: limit.limit_name,
    type: limit.limit_type,
    spendUsd: spend,
    max: limit.max,
    usedPercent: limit.max > 0 ? (spend / limit.max) * 100 : 0,
    threshold,
    state: spendState(spend, limit.max, threshold),
  };
}

const BAR_WIDTH = 20;

/** `[██████░░░░░░░░░░░░░░]`, with `|` where the threshold sits; full when overrun. */
export function usageBar(usedPercent: number, threshold: number | null): string {
  const filled = Math.min(BAR_WIDTH, Math.round((usedPercent / 100) * BAR_WIDTH));
  const cells: string[] = Array.from({ length: BAR_WIDTH }, (_, i) => (i < filled ? "█" : "░"));
  if (threshold !== null) {
    const mark = Math.min(BAR_WIDTH - 1, Math.round(threshold * BAR_WIDTH));
    if (mark >= filled) cells[mark] = "|";
  }
  return `[${cells.join("")}]`;
}

/** The budget status report, money with 5 decimals for spend and 2 for budgets as the limits guide advises. */
export function statusTable(rows: LimitStatus[]): string {
  const table = new Table({
    head: ["Limit", "Type", "Spend", "Max", "Used", "Threshold", "State", "Usage"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "left", "right", "right", "right", "right", "left", "left"],
  });
  for (const r of rows) {
    table.push([
      r.name,
      r.type,
      `$${r.spendUsd.toFixed(5)}`,
      `$${r.max.toFixed(2)}`,
      `${r.usedPercent.toFixed(1)}%`,
      r.threshold === null ? "-" : `${Math.round(r.threshold * 100)}%`,
      r.state === "ok" ? "ok" : r.state.toUpperCase(),
      usageBar(r.usedPercent, r.threshold),
    ]);
  }
  return table.toString();
}
