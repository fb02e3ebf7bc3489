import { parseArgs } from "node:util";
import { SERVICE_PROFILE_NAMES, isServiceProfileName } from "../server/profile.js";
import { serveUntilSignal } from "../server/serve.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";

const SERVE_USAGE = `pulumi-limits serve [--host 127.0.0.1] [--port 8787] [--data-dir .data] [--api-key KEY]... [--log-format text|json]
                     [--profile default|strict]

Runs the Pay-i-compatible local service on SQLite. API keys come from --api-key (repeatable) or the
comma-separated PAYI_API_KEY environment variable. The log is one line per request (text), or Fastify's
JSON records with each request's headers (json); API keys never appear in either.
--profile strict answers only what Pay-i's official client models and docs guarantee, choosing the least
convenient documented answer where they leave it open (no properties on limits, an unset threshold read
back as 1.0, Idempotency-Key ignored, opaque use-case instance limits...; see the README).`;

/**
 * One stdout write per event-loop turn instead of one per request: under load the per-request log
 * line costs more than the request itself when written one syscall at a time.
 */
function bufferedLog(stream: NodeJS.WritableStream): (line: string) => void {
  let pending: string[] = [];
  return (line) => {
    if (pending.length === 0) {
      setImmediate(() => {
        const text = `${pending.join("\n")}\n`;
        pending = [];
        stream.write(text);
      });
    }
    pending.push(line);
  };
}

/** `pulumi-limits serve`: reads flags and env once, then runs until SIGTERM/SIGINT. */
export async function serveCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8787" },
      "data-dir": { type: "string", default: ".data" },
      "api-key": { type: "string", multiple: true },
      "log-format": { type: "string", default: "text" },
      profile: { type: "string", default: "default" },
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
  const logFormat = values["log-format"];
  if (logFormat !== "text" && logFormat !== "json") {
    throw new CliError(`--log-format must be text or json (got '${logFormat}')`, ExitCode.badInput);
  }
  const profile = values.profile;
  if (!isServiceProfileName(profile)) {
    throw new CliError(`--profile must be ${SERVICE_PROFILE_NAMES.join(" or ")} (got '${profile}')`, ExitCode.badInput);
  }
  const apiKeys = values["api-key"]?.length ? values["api-key"] : environment.apiKeys;
  if (apiKeys.length === 0) {
    throw new CliError("serve needs an API key: pass --api-key KEY or set PAYI_API_KEY", ExitCode.badInput);
  }
  await serveUntilSignal({
    host: values.host,
    port,
    dataDir: values["data-dir"],
    apiKeys,
    log: bufferedLog(process.stdout),
    logFormat,
    profile,
  });
  return ExitCode.ok;
}
