import { parseArgs } from "node:util";
import { formatUsd } from "../rules/payi/money.js";
import { loadBudgets } from "./budgets-file.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { resetDueLimits, type ResetResult } from "./reset-run.js";

/**
 * `pulumi-limits reset --due`: resets every limit of the file whose `reset` period began after its last
 * reset (or its creation), for a scheduled job. The last reset is recorded in the stack's state, which every
 * runner shares through the backend; each period's reset is claimed there under the stack's lock before it
 * is applied, so concurrent runs, retries and reruns reset a limit at most once per period (cli/reset-run.ts).
 * Exits 1 when a reset this run claimed failed or may not have been applied.
 */
export async function resetCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      file: { type: "string", short: "f", default: "budgets.yaml" },
      stack: { type: "string", short: "s", default: "dev" },
      backend: { type: "string" },
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
  const budgets = await loadBudgets(values.file, { allowEmpty: true, stack: values.stack });
  const results = budgets.limits.some((entry) => entry.reset !== undefined)
    ? await resetDueLimits(
        budgets,
        { stack: values.stack, backend: values.backend, baseUrl: values["base-url"], environment },
        now,
      )
    : [];
  process.stdout.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : describe(results, values.file));
  return results.some((r) => r.outcome === "failed") ? ExitCode.failure : ExitCode.ok;
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
    const limit = `'${r.name}'${r.limitId ? ` (${r.limitId})` : ""}`;
    switch (r.outcome) {
      case "reset":
        return `reset    ${limit}: cleared ${formatUsd(r.spendClearedUsd ?? 0)} of tracked spend; ${r.schedule} period from ${r.periodStart}`;
      case "missing":
        return r.limitId
          ? `missing  ${limit}: deleted from the service (run \`pulumi-limits up\` to create it again)`
          : `missing  ${limit}: not on the service yet (run \`pulumi-limits up\`)`;
      case "claimed":
        return `claimed  ${limit}: the reset for the ${r.schedule} period from ${r.periodStart} was claimed by another run${r.claimedAt ? ` at ${r.claimedAt}` : ""} and is not confirmed; if that run failed or was stopped, this period's reset was missed (check the spend with \`pulumi-limits status\`); next reset ${r.nextReset}`;
      case "failed":
        return `failed   ${limit}: ${r.error ?? "the reset failed"}`;
      default:
        return `not due  ${limit}: last reset ${r.lastReset}; next reset ${r.nextReset}`;
    }
  });
  const count = (o: ResetResult["outcome"]) => results.filter((r) => r.outcome === o).length;
  const extra = (["claimed", "failed", "missing"] as const).filter((o) => count(o) > 0).map((o) => `, ${count(o)} ${o}`);
  lines.push(`${count("reset")} reset, ${count("not-due")} not due${extra.join("")}.`);
  return `${lines.join("\n")}\n`;
}
