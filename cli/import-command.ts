import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Payi } from "../sdk/index.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { budgetsProgramSource, budgetsYaml, importBudgets } from "./import.js";
import { KINDS, kindOfDeclaration } from "./kinds.js";
import { importLimitry } from "./limitry-import.js";
import { limitryClient, limitryFailure } from "./limitry-status.js";
import type { BudgetsFile } from "./budgets-file.js";
import { payiFailure } from "./status.js";
import { budgetsDeclarations } from "./vocabulary.js";

/** Writes what exists on the service as budgets.yaml entries (adopt: true) or a TypeScript program. */
export async function importCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { out: { type: "string", short: "o" }, format: { type: "string", default: "yaml" }, "base-url": { type: "string" } },
    strict: true,
  });
  if (values.format !== "yaml" && values.format !== "ts")
    throw new CliError(`--format must be yaml or ts (got '${values.format}')`, ExitCode.badInput);
  const [apiKey] = environment.apiKeys;
  if (!apiKey) throw new CliError("PAYI_API_KEY is not set", ExitCode.badInput);
  const client = new Payi({ apiKey, baseURL: values["base-url"] ?? environment.baseUrl });
  try {
    const { budgets, notes } = await importBudgets(client).catch((error: unknown) => {
      throw error instanceof CliError ? error : new CliError(payiFailure(error, client.baseURL), ExitCode.failure);
    });
    // With LIMITRY_API_KEY set, Limitry's meters and limits come too, as a limitry: section.
    if (environment.limitryApiKey) {
      const limitry = limitryClient(environment);
      try {
        budgets.limitry = await importLimitry(limitry);
      } catch (error) {
        throw error instanceof CliError ? error : new CliError(limitryFailure(error, limitry.baseURL), ExitCode.failure);
      } finally {
        await limitry.close();
      }
    }
    for (const note of notes) process.stderr.write(`pulumi-limits import: ${note}\n`);
    const text = values.format === "ts" ? budgetsProgramSource(budgets) : budgetsYaml(budgets, client.baseURL);
    if (values.out) {
      await writeFile(values.out, text);
      process.stderr.write(`Imported ${importedCounts(budgets)} into ${values.out}\n`);
    } else {
      process.stdout.write(text);
    }
    return ExitCode.ok;
  } finally {
    await client.close();
  }
}

/** How many objects of each kind an import wrote, in the kinds table's order and words: "3 limits, 1 use case and 2 Limitry meters". */
export function importedCounts(budgets: BudgetsFile): string {
  const kinds = budgetsDeclarations(budgets, []).map((d) => kindOfDeclaration(d).kind);
  const parts = KINDS.flatMap((k) => {
    const n = kinds.filter((kind) => kind === k.kind).length;
    // Limits and use cases always (an import of nothing says so), any other kind when there is one.
    return n > 0 || k.kind === "limit" || k.kind === "useCase" ? [`${n} ${k.label}${n === 1 ? "" : "s"}`] : [];
  });
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "nothing");
}
