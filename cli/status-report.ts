import { Payi } from "../sdk/index.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { kindOf } from "./kinds.js";
import {
  limitryClient,
  limitryFailure,
  limitryStatusRows,
  limitryStatusTable,
  NO_LIMITRY_KEY,
  type LimitryStatus,
} from "./limitry-status.js";
import type { Output } from "./output.js";
import type { StateResource } from "./resource-keys.js";
import { payiFailure, stackStatus, statusTable, useCaseTable, type StatusRow } from "./status.js";

/** One API's part of the report: its rows, or why they could not be read (one line naming what to fix). */
type Section<T> = { rows: T[] } | { error: string };

/** What `status` reports on: the stack, what its state and outputs hold, and how to reach each API. */
export interface StatusRequest {
  stackName: string;
  /** The resources of the stack's state. */
  state: StateResource[];
  /** What to report of Limitry, when the stack uses it (a `limitry:` section, or a program's Limitry resources). */
  limitry: LimitryRequest | undefined;
  /** How to reach the services: keys and API roots (`--base-url` applied; a program's config first). */
  environment: CliEnvironment;
  now: Date;
  out: Output;
}

/** The Limitry part of a status request. */
export interface LimitryRequest {
  /** The stack's Limitry limits, key → id. */
  limitIds: Record<string, string>;
  /** Their names, key → name, for one deleted out of band. */
  names: Record<string, string>;
  /** The customers whose current windows are reported. */
  customers: string[];
}

/**
 * The budget status report of both APIs. Each API is read on its own: one that fails (down, a wrong key or
 * URL) gets one line saying what failed and which variable to fix, and never hides the other's table; the
 * exit code is then 1. A stack using one API only fails as any command does.
 */
export async function statusReport(r: StatusRequest): Promise<number> {
  const usesPayi = r.state.some((resource) => kindOf(resource.kind).api === "payi");
  const usesLimitry = r.limitry !== undefined;
  // One API only: a missing key is a usage error, as for every command.
  if (usesPayi && !usesLimitry && !r.environment.apiKeys[0]) throw new CliError(NO_PAYI_KEY, ExitCode.badInput);
  if (usesLimitry && !usesPayi && !r.environment.limitryApiKey) throw new CliError(NO_LIMITRY_KEY, ExitCode.badInput);
  const payi = usesPayi ? await payiSection(r) : { rows: [] };
  const limitry = usesLimitry ? await limitrySection(r) : undefined;
  if (!limitry && "error" in payi) throw new CliError(payi.error);
  if (limitry && "error" in limitry && !usesPayi) throw new CliError(limitry.error);

  if (r.out.json) {
    // With a limitry: section the JSON report holds both APIs, {payi: [...], limitry: [...]}; a failed one is {error}.
    const body = <T>(section: Section<T>) => ("error" in section ? section : section.rows);
    r.out.write(`${JSON.stringify(limitry ? { payi: body(payi), limitry: body(limitry) } : body(payi), null, 2)}\n`);
  } else {
    r.out.write(reportText(r, payi, limitry));
  }
  return "error" in payi || (limitry && "error" in limitry) ? ExitCode.failure : ExitCode.ok;
}

const NO_PAYI_KEY = "PAYI_API_KEY is not set (the stack manages Pay-i limits)";

async function payiSection(r: StatusRequest): Promise<Section<StatusRow>> {
  const apiKey = r.environment.apiKeys[0];
  if (!apiKey) return { error: NO_PAYI_KEY };
  const client = new Payi({ apiKey, baseURL: r.environment.baseUrl });
  try {
    return { rows: await stackStatus(client, r.state, r.now) };
  } catch (error) {
    return { error: payiFailure(error, client.baseURL) };
  } finally {
    await client.close();
  }
}

async function limitrySection(r: StatusRequest): Promise<Section<LimitryStatus>> {
  const request = r.limitry;
  if (!request || Object.keys(request.limitIds).length === 0) return { rows: [] };
  let client: ReturnType<typeof limitryClient>;
  try {
    client = limitryClient(r.environment);
  } catch (error) {
    return { error: limitryFailure(error, r.environment.limitryBaseUrl ?? "") };
  }
  try {
    return { rows: await limitryStatusRows(client, request.limitIds, request.customers, request.names) };
  } catch (error) {
    return { error: limitryFailure(error, client.baseURL) };
  } finally {
    await client.close();
  }
}

function reportText(r: StatusRequest, payi: Section<StatusRow>, limitry: Section<LimitryStatus> | undefined): string {
  const stack = `stack '${r.stackName}'`;
  if (
    "rows" in payi &&
    payi.rows.length === 0 &&
    Object.keys(r.limitry?.limitIds ?? {}).length === 0 &&
    !(limitry && "error" in limitry)
  )
    return `Stack '${r.stackName}' has no limits yet: run \`pulumi-limits up\`.\n`;
  const parts: string[] = [];
  let missing = 0;
  if ("error" in payi) parts.push(`Pay-i limits of ${stack}: not shown: ${payi.error}`);
  else {
    const limits = payi.rows.filter((row) => row.kind === "limit");
    const useCases = payi.rows.filter((row) => row.kind === "useCase");
    if (limits.length > 0) parts.push(`Budget status of ${stack}:\n${statusTable(limits)}`);
    if (useCases.length > 0) parts.push(`Use cases of ${stack}:\n${useCaseTable(useCases)}`);
    missing += payi.rows.filter((row) => row.state === "missing").length;
  }
  if (limitry && "error" in limitry) parts.push(`Limitry limits of ${stack}: not shown: ${limitry.error}`);
  else if (limitry && Object.keys(r.limitry?.limitIds ?? {}).length > 0) {
    parts.push(
      limitry.rows.length
        ? `Limitry limits of ${stack} (current window per customer):\n${limitryStatusTable(limitry.rows)}`
        : "Limitry: no customer to report on; name them under limitry.customers or pass --customer.",
    );
    missing += limitry.rows.filter((row) => "state" in row).length;
  }
  if (missing > 0) parts.push(`${missing} missing on the service: \`pulumi-limits drift\` shows them, \`up\` recreates them.`);
  return `${parts.join("\n")}\n`;
}
