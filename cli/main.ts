import { existsSync } from "node:fs";
import path from "node:path";
import { VERSION } from "../sdk/version.js";
import { budgetsJsonSchemaText } from "./json-schema.js";
import { readEnvironment, type CliEnvironment } from "./environment.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { resetCommand } from "./reset-command.js";
import { releaseCommand } from "./release-command.js";
import { serveCommand } from "./serve-command.js";
import { withInterrupts } from "./interrupt.js";
import { shippedPolicyPack } from "./policy.js";
import { backendHint, redactCredentials, stackLockedError } from "./backend-errors.js";
import { commandErrorLine, engineErrors } from "./output.js";
import { destroyCommand, previewCommand, refreshCommand, upCommand } from "./apply-commands.js";
import { driftCommand } from "./drift-command.js";
import { importCommand } from "./import-command.js";
import { statusCommand } from "./status-command.js";

export const USAGE = `pulumi-limits <command> [options]

Budgets as code for AI spend: apply a budgets.yaml to Pay-i (or the local service) with Pulumi.

Commands:
  preview    show what \`up\` would change
  up         create, update or replace limits and use cases to match the file
  refresh    update the stack's state from the service
  destroy    show every object of the stack (and the spend it discards), then delete them from the service
  drift      refresh and compare: exit 3 when the service differs from the file
  status     spend vs max, threshold and state of every limit (table or --json)
  import     write what exists on the service as budgets.yaml (adopt: true) or TypeScript
  reset      --due: reset the limits whose \`reset\` period (daily, weekly, monthly) began after their last reset
  release    clear pulumi-limits' owner record on a limit (--limit-id) or use case config (--use-case) so another stack can adopt it
  serve      run the Pay-i-compatible local service
  schema     print the JSON Schema of budgets.yaml (editor completion)
  policy-pack  print the directory of the policy pack this package ships, for --policy-pack

  --version  print the version of pulumi-limits

Options of the stack commands:
  -f, --file FILE      budgets file (default budgets.yaml)
      --program DIR    preview/up/refresh/destroy/drift/status: the stack of the Pulumi program in DIR instead
                       (any language, on the dynamic provider or the payi/limitry plugins; its Pulumi.yaml,
                       config and secrets; the stack must exist)
  -s, --stack NAME     stack (default dev)
      --backend URL    Pulumi backend: file://DIR (default ./.pulumi-state; with --program, the one Pulumi
                       uses there), postgres://…, s3://…
      --base-url URL   Pay-i API root (default PAYI_BASE_URL, else https://api.pay-i.com)
      --json           one JSON engine event per line
  -y, --yes            apply without a prompt (required when not interactive)
      --skip-refresh   preview/up/destroy: compare with the stack's state instead of reading the service first
      --checkpoints    up/destroy: write state after every step (default: once at the end when every kind
                       the run may create converges on a rerun, i.e. only limits; see README)
      --allow-empty    accept a file that declares nothing (it deletes everything the stack manages)
      --summary FILE   preview/up/drift/destroy: write the plan and budget status as Markdown (also to $GITHUB_STEP_SUMMARY)
      --target NAME    preview/up/refresh/destroy: only this resource (repeatable): a limit's key or name, a use
                       case's name, a Limitry entry's key, a resource name or a URN
      --target-dependents  with --target: also what depends on the targets
      --exclude NAME   preview/up/refresh/destroy: everything but this resource (repeatable)
      --replace NAME   preview/up: replace this resource even if nothing requires it (repeatable)
      --policy-pack DIR          preview/up: run a Pulumi policy pack (repeatable); a mandatory violation stops
                                 the run, and up applies nothing (e.g. --policy-pack "$(pulumi-limits policy-pack)")
      --policy-pack-config FILE  preview/up: JSON config of the --policy-pack in the same position
import: [--format yaml|ts] [--out FILE] [--base-url URL]   (adds a limitry: section when LIMITRY_API_KEY is set)
reset:  --due [-f FILE] [-s STACK] [--backend URL] [--now ISO-DATE] [--json] [--base-url URL]   (waits for the stack's lock)
status: [--now ISO-DATE] (next resets as of that time) [--customer ID[,ID]] (Limitry customers; default: those the file names)

Environment: PAYI_API_KEY (required for Pay-i entries), PAYI_BASE_URL, LIMITRY_API_KEY and LIMITRY_BASE_URL
(for a limitry: section), PULUMI_BACKEND_URL (as --backend),
PULUMI_CONFIG_PASSPHRASE (stack secrets).
Exit codes: 0 ok, 1 failure, 2 bad input, 3 drift, 4 stack locked by another run, 130 interrupted (SIGINT),
143 stopped (SIGTERM). A first Ctrl-C (or SIGTERM) lets the engine finish the steps in flight and release the
stack's lock; a second one stops it at once.`;

const COMMANDS: Record<string, (args: string[], environment: CliEnvironment) => Promise<number>> = {
  preview: previewCommand,
  up: upCommand,
  refresh: refreshCommand,
  destroy: destroyCommand,
  drift: driftCommand,
  status: statusCommand,
  import: importCommand,
  reset: resetCommand,
  release: releaseCommand,
  serve: serveCommand,
};

/** Entry point of the `pulumi-limits` bin; resolves to the process exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--version" || command === "-v" || command === "version") {
    console.log(`pulumi-limits ${VERSION}`);
    return ExitCode.ok;
  }
  if (command === "schema") {
    process.stdout.write(budgetsJsonSchemaText());
    return ExitCode.ok;
  }
  if (command === "policy-pack") {
    const dir = shippedPolicyPack();
    if (!existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
      console.error(`pulumi-limits: the policy pack is missing from ${dir}: build the package first (make build)`);
      return ExitCode.failure;
    }
    console.log(dir);
    return ExitCode.ok;
  }
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command === undefined ? ExitCode.badInput : ExitCode.ok;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new CliError(`unknown command '${command}' (see pulumi-limits --help)`, ExitCode.badInput);
    // `serve` shuts down on signals by itself; every other command stops the engine as `pulumi up` does.
    if (command === "serve") return await run(rest, readEnvironment(env));
    return await withInterrupts(command, () => run(rest, readEnvironment(env)));
  } catch (caught) {
    const error = stackLockedError(caught, command) ?? caught;
    if (error instanceof CliError) {
      console.error(`pulumi-limits: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      console.error(`pulumi-limits: ${error.message}`);
      return ExitCode.badInput;
    }
    // The engine's errors, each once in one line; else the errors the Automation API's text holds.
    const lines = engineErrors();
    for (const line of lines.length > 0 ? lines : [commandErrorLine(error)]) {
      console.error(`pulumi-limits ${command} failed: ${redactCredentials(backendHint(line))}`);
    }
    return ExitCode.failure;
  }
}
