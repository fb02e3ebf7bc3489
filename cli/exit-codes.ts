/** Exit codes of the `pulumi-limits` CLI (documented in the README). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  badInput: 2,
  drift: 3,
  /** Another run holds the stack's lock (`up`, `refresh`, `destroy`); nothing was changed. */
  locked: 4,
  /** Interrupted by SIGINT (Ctrl-C): 128 + 2, as shells report it. The engine stopped after the steps in flight. */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;

/** An error the CLI reports as one line with an exit code, never as a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failure,
  ) {
    super(message);
  }
}
