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

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  500: "Internal Server Error",
};

/** The wire body of an error. */
export function envelope(statusCode: number, code: string, message: string) {
  return {
    statusCode,
    message: STATUS_TEXT[statusCode] ?? "Error",
    xproxy_error: { code, message },
  };
}

export const notFound = (code: string, message: string) => new ServiceError(404, code, message);
export const badRequest = (code: string, message: string) => new ServiceError(400, code, message);
export const conflict = (code: string, message: string) => new ServiceError(409, code, message, false);
