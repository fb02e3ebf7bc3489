/** Exit codes of the `pulumi-limits` CLI (documented in the README). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  badInput: 2,
  drift: 3,
  /** Another run holds the stack's lock (`up`, `refresh`, `destroy`); nothing was changed. */
  locked: 4,
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
