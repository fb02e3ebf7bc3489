import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { kindOf } from "./kinds.js";
import { LIMITRY_LIMIT_IDS_OUTPUT } from "./limitry-program.js";
import { limitryClient, limitryCustomers, limitryStatusRows, limitryStatusTable } from "./limitry-status.js";
import { loadBudgets } from "./budgets-file.js";
import { parse, payiClient } from "./stack-options.js";
import { stackStatus, statusTable, useCaseTable } from "./status.js";
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
