import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { foundValue, issueMessage } from "../rules/violation.js";

/**
 * A failure the engine shows the user: the object it concerns and the cause's message, keeping the
 * cause. Its stack is just the message, since the provider host prints `stack` next to the message.
 */
export function failure(what: string, cause: unknown): Error {
  return userError(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
}

/** An error for the user: the provider host prints `stack` beside the message, so it holds only the message. */
export function userError(message: string, cause?: unknown): Error {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.stack = message;
  return error;
}

/**
 * In the dynamic-provider host, drops the SDK's echo of our own errors. The host prints every error that
 * check, diff, read or delete throw as `${error}: ${error.stack}` on its stderr before returning it to the
 * engine, which shows that line beside the resource's own diagnostic: a user error (its stack is its message)
 * read twice in one line, `Error: X: X`. Other errors, whose stack says more, are still printed.
 */
export function quietHostEchoes(): void {
  if (!/[\\/]cmd[\\/]dynamic-provider([\\/]|$)/.test(process.argv[1] ?? "")) return;
  const print = console.error;
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && isEcho(args[0])) return;
    print(...args);
  };
}

/** True for `Error: X: X`, the host's echo of an error whose stack is its message. */
function isEcho(line: string): boolean {
  const prefix = "Error: ";
  const half = (line.length - prefix.length - 2) / 2;
  if (!line.startsWith(prefix) || !Number.isInteger(half) || half < 1) return false;
  const message = line.slice(prefix.length, prefix.length + half);
  return line === `${prefix}${message}: ${message}`;
}

/**
 * A zod issue of a resource's inputs as a check failure naming the field and the rule, and quoting the value
 * when it has the wrong type: the engine prints it as `{50}`, which does not show that 50 was a string.
 */
export function checkFailure(issue: z.core.$ZodIssue, inputs: Record<string, unknown>): pulumi.dynamic.CheckFailure {
  const path = issue.path.map(String).join(".") || "input";
  const value = issue.code === "invalid_type" ? valueAt(inputs, issue.path) : undefined;
  const got = value === undefined ? "" : `, got ${foundValue(value)}`;
  return { property: String(issue.path[0] ?? ""), reason: `${path}: ${issueMessage(issue)}${got}` };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = Reflect.get(at, key);
  }
  return at;
}
