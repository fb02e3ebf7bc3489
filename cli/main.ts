import { CliError, ExitCode } from "./exit-codes.js";
import { serveCommand } from "./serve-command.js";

const USAGE = `pulumi-limits <command> [options]

Commands:
  serve      run the Pay-i-compatible local service

Exit codes: 0 ok, 1 failure, 2 bad input, 3 drift.`;

/** Entry point of the `pulumi-limits` bin; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "serve":
        return await serveCommand(rest, process.env);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        console.log(USAGE);
        return command === undefined ? ExitCode.badInput : ExitCode.ok;
      default:
        throw new CliError(`unknown command '${command}'\n\n${USAGE}`, ExitCode.badInput);
    }
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`pulumi-limits: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      console.error(`pulumi-limits: ${error.message}`);
      return ExitCode.badInput;
    }
    throw error;
  }
}
