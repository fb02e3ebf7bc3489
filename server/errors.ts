import { STATUS_CODES } from "node:http";

/**
 * A client mistake or a known condition, answered with Pay-i's envelope:
 * `{statusCode, message, xproxy_error: {code, message}}`. The message names the field and the rule.
 */
export class ServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Tells Pay-i clients not to retry a 409/5xx that would fail again. */
    readonly shouldRetry?: boolean,
  ) {
    super(message);
  }
}

/** The wire body of an error. */
export function envelope(statusCode: number, code: string, message: string) {
  return {
    statusCode,
    message: STATUS_CODES[statusCode] ?? "Error",
    xproxy_error: { code, message },
  };
}

export const notFound = (code: string, message: string) => new ServiceError(404, code, message);
export const badRequest = (code: string, message: string) => new ServiceError(400, code, message);
export const conflict = (code: string, message: string) => new ServiceError(409, code, message, false);
