import { CommandError, ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { CliError, ExitCode } from "./exit-codes.js";

/**
 * A stack locked by another run, as a one-line CLI error with exit code 4. Pulumi's DIY backends (file,
 * object stores, PostgreSQL) lock a stack for the whole of `up`, `refresh` and `destroy` with a lock entry
 * per run (`.pulumi/locks/<org>/<project>/<stack>/<uuid>.json`: user, host, pid, time) and fail at once
 * instead of waiting; the Automation API reports that as `ConcurrentUpdateError`, whose text is the only
 * place the holder is named.
 */
export function stackLockedError(error: unknown, command: string): CliError | undefined {
  if (isLockRace(error)) {
    return new CliError(
      `${command}: another run took the stack's lock at the same moment, and Pulumi stopped this one while reading that run's lock (its state backend answered NotFound). Rerun when the other run has finished.`,
      ExitCode.locked,
    );
  }
  if (!(error instanceof ConcurrentUpdateError)) return undefined;
  const text = error.message;
  const holders = [...text.matchAll(/created by (\S+) \(pid (\d+)\) at (\S+)/g)].map(
    ([, who, pid, at]) => `${who} (pid ${pid}) since ${at}`,
  );
  const stack = /\/locks\/([^/\s]+\/[^/\s]+\/[^/\s]+)\/[^/\s]+\.json/.exec(text)?.[1] ?? "<org>/<project>/<stack>";
  const by = holders.length > 0 ? [...new Set(holders)].join(", ") : "another run";
  return new CliError(
    `${command}: stack is locked by ${by}: another update of ${stack} is running. Rerun when it has finished; ` +
      `if that run was killed, remove its lock with \`pulumi cancel --stack ${stack} --yes\` (same PULUMI_BACKEND_URL).`,
    ExitCode.locked,
  );
}

/**
 * Two runs that take a DIY backend's lock at the same moment: each writes its lock entry, lists the stack's
 * locks and reads the others' to name their holders. One that finds the other's entry but reads it after
 * that run has seen this one's and deleted its own gets the backend's NotFound instead of "the stack is
 * currently locked" (pulumi/pkg backend/diy/lock.go `checkForLock`). Go CDK's NotFound error wraps two, so
 * Pulumi prints it as `error: 2 errors occurred:` with `N) NotFound` among them, before the update starts.
 */
function isLockRace(error: unknown): boolean {
  if (!(error instanceof CommandError) || error instanceof ConcurrentUpdateError) return false;
  return /error: \d+ errors occurred:/.test(error.message) && /^\s*\d+\) NotFound\s*$/m.test(error.message);
}

/**
 * Text with the password of every `scheme://user:password@host` URL masked. Pulumi names the backend URL
 * as configured when it cannot open it (`unable to open state database "postgres://user:pass@…"`), and a
 * CI log must not carry the database password.
 */
export function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+):[^\s@"']*@/gi, "$1:****@");
}

/**
 * A backend error with what to do added where Pulumi's words do not say it: PostgreSQL's driver asks for TLS
 * unless the URL says `sslmode=disable`, and a server without TLS answers `pq: SSL is not enabled on the server`.
 */
export function backendHint(message: string): string {
  if (/SSL is not enabled on the server|server refused TLS connection/i.test(message) && !message.includes("sslmode=disable")) {
    return `${message} (the PostgreSQL server has no TLS: add ?sslmode=disable to the backend URL for a local server, or enable TLS on it)`;
  }
  return message;
}
