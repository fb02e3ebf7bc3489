import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { LIMITRY_LIMIT_IDS_OUTPUT } from "./limitry-program.js";
import { loadBudgets } from "./budgets-file.js";
import { parse } from "./stack-options.js";
import { statusReport } from "./status-report.js";
import { budgetsStack } from "./workspace.js";

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
  const limitryLimitIds = (budgets.limitry ? ((await stack.outputs())[LIMITRY_LIMIT_IDS_OUTPUT]?.value ?? {}) : {}) as Record<
    string,
    string
  >;
  return statusReport({
    stackName: p.settings.stack,
    state,
    limitryLimitIds,
    budgets,
    environment,
    payiBaseUrl: p.settings.baseUrl ?? environment.baseUrl,
    now,
    customer: typeof p.rest["customer"] === "string" ? p.rest["customer"] : undefined,
    out: p.out,
  });
}
