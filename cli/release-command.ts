import { parseArgs } from "node:util";
import { releaseLimit, releaseUseCaseLimitConfig } from "../provider/payi/release.js";
import { Payi } from "../sdk/index.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";

/**
 * `pulumi-limits release --limit-id ID | --use-case NAME`: clears the owner record pulumi-limits keeps on a
 * limit (or a use case's limit config), so that another stack can adopt it. Run it after removing the
 * resource from the owning stack's state (`pulumi state delete <urn>`), or when that state is lost.
 */
export async function releaseCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { "limit-id": { type: "string" }, "use-case": { type: "string" }, "base-url": { type: "string" } },
    strict: true,
  });
  const limitId = values["limit-id"];
  const useCase = values["use-case"];
  if ((limitId === undefined) === (useCase === undefined))
    throw new CliError("give one of --limit-id ID or --use-case NAME", ExitCode.badInput);
  const [apiKey] = environment.apiKeys;
  if (!apiKey) throw new CliError("PAYI_API_KEY is not set", ExitCode.badInput);
  const client = new Payi({ apiKey, baseURL: values["base-url"] ?? environment.baseUrl });
  try {
    const what = limitId !== undefined ? `limit ${limitId}` : `the limit config of use case '${useCase}'`;
    const record =
      limitId !== undefined ? await releaseLimit(client, limitId) : await releaseUseCaseLimitConfig(client, useCase ?? "");
    if (record === "unreadable") {
      process.stdout.write(
        `Cleared any owner record of ${what}; Pay-i does not return limits' properties, so whose it was cannot be shown, and the stack that managed it still deletes it on destroy: remove it from that stack's state first (\`pulumi state delete <urn>\`), then adopt it with its limitId and adopt: true.\n`,
      );
      return ExitCode.ok;
    }
    process.stdout.write(
      record
        ? `Released ${what} from resource '${record.resource}' of stack ${record.stack} (instance ${record.instance}); another stack can now adopt it.\n`
        : `${what} has no owner record; nothing to release.\n`,
    );
    return ExitCode.ok;
  } finally {
    await client.close();
  }
}
