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
