import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { fileKeyOf } from "./kinds.js";
import { loadBudgets } from "./budgets-file.js";
import { customerFlag, limitryCustomers } from "./limitry-status.js";
import type { StateResource } from "./resource-keys.js";
import { parse } from "./stack-options.js";
import { statusReport, type LimitryRequest } from "./status-report.js";
import { budgetsStack, programStack, type BudgetsStack } from "./workspace.js";

/**
 * Spend vs max, threshold and state of every limit, and the use cases with their instance limits, that
 * the stack manages, read live from the service. One deleted out of band shows as MISSING.
 */
export async function statusCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment, { now: { type: "string" }, customer: { type: "string" } });
  const now = typeof p.rest["now"] === "string" ? new Date(p.rest["now"]) : new Date();
  if (Number.isNaN(now.getTime()))
    throw new CliError(`--now must be an ISO 8601 date-time, got '${String(p.rest["now"])}'`, ExitCode.badInput);
  const flag = typeof p.rest["customer"] === "string" ? p.rest["customer"] : undefined;
  let opened: BudgetsStack;
  let limitry: LimitryRequest | undefined;
  if (p.program !== undefined) {
    opened = await programStack(p.program, p.settings);
    limitry = programLimitry(opened.state, flag);
  } else {
    const budgets = await loadBudgets(p.file, { allowEmpty: true, stack: p.settings.stack });
    opened = await budgetsStack(budgets, p.settings);
    if (budgets.limitry) limitry = { ...limitryLimitsOf(opened.state), customers: limitryCustomers(budgets.limitry, flag) };
  }
  return statusReport({
    stackName: p.settings.stack,
    state: opened.state,
    limitry,
    environment: opened.environment,
    now,
    out: p.out,
  });
}

/** The Limitry limits the stack's state holds, by the key a file gives them (a program's resource name). */
function limitryLimitsOf(state: StateResource[]): Pick<LimitryRequest, "limitIds" | "names"> {
  const limits = state.filter((r) => r.kind === "limitryLimit");
  const key = (r: StateResource) => fileKeyOf(r.kind, r.key);
  return {
    limitIds: Object.fromEntries(limits.map((r) => [key(r), r.id])),
    names: Object.fromEntries(limits.map((r) => [key(r), String(r.outputs["name"] ?? key(r))])),
  };
}

/**
 * A program's Limitry limits and the customers to report on: `--customer`, else the customers the stack manages
 * and those its limits are scoped to.
 */
function programLimitry(state: StateResource[], flag: string | undefined): LimitryRequest | undefined {
  const limits = state.filter((r) => r.kind === "limitryLimit");
  if (limits.length === 0) return undefined;
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? [value] : []);
  const customers = flag
    ? customerFlag(flag)
    : [
        ...new Set([
          ...state.filter((r) => r.kind === "limitryCustomer").flatMap((r) => text(r.outputs["externalId"])),
          ...limits.flatMap((r) => text(r.outputs["customerId"] ?? r.inputs["customerId"])),
        ]),
      ];
  return { ...limitryLimitsOf(state), customers };
}
