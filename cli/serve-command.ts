import { parseArgs } from "node:util";
import { serveUntilSignal } from "../server/serve.js";
import { CliError, ExitCode } from "./exit-codes.js";

export const SERVE_USAGE = `pulumi-limits serve [--host 127.0.0.1] [--port 8787] [--data-dir .data] [--api-key KEY]...

Runs the Pay-i-compatible local service on SQLite. API keys come from --api-key (repeatable) or the
comma-separated PAYI_API_KEY environment variable.`;

/** `pulumi-limits serve`: reads flags and env once, then runs until SIGTERM/SIGINT. */
export async function serveCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8787" },
      "data-dir": { type: "string", default: ".data" },
      "api-key": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(SERVE_USAGE);
    return ExitCode.ok;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--port must be a whole number between 0 and 65535 (got '${values.port}')`, ExitCode.badInput);
  }
  const apiKeys = values["api-key"]?.length
    ? values["api-key"]
    : (env["PAYI_API_KEY"] ?? "").split(",").map((k) => k.trim()).filter(Boolean);
  if (apiKeys.length === 0) {
    throw new CliError("serve needs an API key: pass --api-key KEY or set PAYI_API_KEY", ExitCode.badInput);
  }
  await serveUntilSignal({
    host: values.host,
    port,
    dataDir: values["data-dir"],
    apiKeys,
    log: (line) => console.log(line),
  });
  return ExitCode.ok;
}
