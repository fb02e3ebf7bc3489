import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Payi } from "../sdk/index.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { budgetsProgramSource, budgetsYaml, importBudgets } from "./import.js";
import { importLimitry, limitryImportCounts } from "./limitry-import.js";
import { limitryClient } from "./limitry-status.js";

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
    const { budgets, notes } = await importBudgets(client);
    // With LIMITRY_API_KEY set, Limitry's meters and limits come too, as a limitry: section.
    if (environment.limitryApiKey) {
      const limitry = limitryClient(environment);
      try {
        budgets.limitry = await importLimitry(limitry);
      } finally {
        await limitry.close();
      }
    }
    for (const note of notes) process.stderr.write(`pulumi-limits import: ${note}\n`);
    const text = values.format === "ts" ? budgetsProgramSource(budgets) : budgetsYaml(budgets, client.baseURL);
    if (values.out) {
      await writeFile(values.out, text);
      const limitry = budgets.limitry ? `, ${limitryImportCounts(budgets.limitry)}` : "";
      process.stderr.write(
        `Imported ${budgets.limits.length} limits and ${budgets.useCases.length} use cases${limitry} into ${values.out}\n`,
      );
    } else {
      process.stdout.write(text);
    }
    return ExitCode.ok;
  } finally {
    await client.close();
  }
}
