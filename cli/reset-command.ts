import { parseArgs } from "node:util";
import { Payi } from "../sdk/index.js";
import {
  LAST_RESET_PROPERTY,
  lastResetOf,
  nextPeriodStart,
  periodStart,
  resetDue,
  type ResetSchedule,
} from "../rules/payi/reset.js";
import { loadBudgets } from "./budgets-file.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { formatUsd } from "../rules/payi/money.js";

/** What `reset --due` did with one limit that declares a schedule. */
export interface ResetResult {
  name: string;
  limitId: string | null;
  schedule: ResetSchedule;
  /** `reset` now; `not-due` (already reset, or created, in this period); `missing` (not on the service: run `up`). */
  outcome: "reset" | "not-due" | "missing";
  /** Start of the current period (UTC). */
  periodStart: string;
  /** When the limit was last reset for a period (or created), before this run. */
  lastReset: string | null;
  nextReset: string;
  /** Spend the reset cleared, USD. */
  spendClearedUsd?: number;
}

/**
 * `pulumi-limits reset --due`: resets every limit of the file whose `reset` period began after its last
 * reset, for a scheduled job. The last reset is read from and written to the limit on the service, so a
 * second run, another runner or a lost state file finds the period done. The period is recorded before
 * the reset: a crash between the two leaves one missed reset (visible, and fixable by hand), never two.
 */
export async function resetCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      file: { type: "string", short: "f", default: "budgets.yaml" },
      due: { type: "boolean", default: false },
      now: { type: "string" },
      json: { type: "boolean", default: false },
      "base-url": { type: "string" },
    },
    strict: true,
  });
  if (!values.due) {
    throw new CliError(
      "reset takes --due: it resets the limits of the file whose `reset` period began after their last reset",
      ExitCode.badInput,
    );
  }
  const now = clock(values.now);
  const [apiKey] = environment.apiKeys;
  if (!apiKey) throw new CliError("PAYI_API_KEY is not set", ExitCode.badInput);
  const budgets = await loadBudgets(values.file, { allowEmpty: true });
  const client = new Payi({ apiKey, baseURL: values["base-url"] ?? environment.baseUrl });
  const results: ResetResult[] = [];
  try {
    for (const entry of budgets.limits) {
      if (entry.reset === undefined) continue;
      const schedule = entry.reset;
      const base = {
        name: entry.name,
        schedule,
        periodStart: periodStart(schedule, now).toISOString(),
        nextReset: nextPeriodStart(schedule, now).toISOString(),
      };
      const [limit] = (await client.limits.list({ limit_name: entry.name })).items;
      if (!limit) {
        results.push({ ...base, limitId: null, outcome: "missing", lastReset: null });
        continue;
      }
      const last = lastResetOf(limit.properties, limit.limit_creation_timestamp);
      const known = { ...base, limitId: limit.limit_id, lastReset: last.toISOString() };
      if (!resetDue(schedule, last, now)) {
        results.push({ ...known, outcome: "not-due" });
        continue;
      }
      await client.limits.properties.update(limit.limit_id, { properties: { [LAST_RESET_PROPERTY]: base.periodStart } });
      const { limit_history } = await client.limits.reset(limit.limit_id, { reset_date: now });
      results.push({ ...known, outcome: "reset", spendClearedUsd: limit_history.totals.cost.total.base });
    }
  } finally {
    await client.close();
  }
  process.stdout.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : describe(results, values.file));
  return ExitCode.ok;
}

/** `--now` (an injected clock for back-fills and tests), else the system clock. */
function clock(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new CliError(`--now must be an ISO 8601 date-time, got '${value}'`, ExitCode.badInput);
  return date;
}

function describe(results: ResetResult[], file: string): string {
  if (results.length === 0) return `No limit in ${file} declares a reset schedule (reset: daily | weekly | monthly).\n`;
  const lines = results.map((r) => {
    if (r.outcome === "reset")
      return `reset    '${r.name}' (${r.limitId}): cleared ${formatUsd(r.spendClearedUsd ?? 0)} of tracked spend; ${r.schedule} period from ${r.periodStart}`;
    if (r.outcome === "missing") return `missing  '${r.name}': not on the service yet (run \`pulumi-limits up\`)`;
    return `not due  '${r.name}' (${r.limitId}): last reset ${r.lastReset}; next reset ${r.nextReset}`;
  });
  const count = (o: ResetResult["outcome"]) => results.filter((r) => r.outcome === o).length;
  lines.push(`${count("reset")} reset, ${count("not-due")} not due${count("missing") ? `, ${count("missing")} missing` : ""}.`);
  return `${lines.join("\n")}\n`;
}
