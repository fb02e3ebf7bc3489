/**
 * The service's log: Fastify's own logger (pino), one record per request with the request's headers and
 * every API key censored, and a readable one-line form of those records for `pulumi-limits serve`.
 */
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";
import { z } from "zod";

/** Where a key travels (Pay-i's `xProxy-api-key`, Limitry's `Authorization: Bearer`), and any logged object's key field. */
const REDACTED = [
  'req.headers["xproxy-api-key"]',
  "req.headers.authorization",
  "*.apiKey",
  "*.apiKeys",
  "*.api_key",
  "*.xproxy_api_key",
];

/** What a censored value reads as in the log. */
export const CENSORED = "[redacted]";

/** Receives each log record: one JSON line (pino's format) with its trailing newline. */
export interface LogDestination {
  write(record: string): void;
}

/** One record per request, when it completes (Fastify's default is two: incoming and completed). */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const record = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...record, err: error }, "request errored");
    else reply.log.info(record, "request completed");
  }
}

/** Fastify options for a service logging to `destination` (none: no log). */
export function loggerOptions(destination: LogDestination | undefined): Partial<FastifyServerOptions> {
  if (!destination) return { logger: false };
  return {
    logger: {
      level: "info",
      stream: destination,
      redact: { paths: REDACTED, censor: CENSORED },
      serializers: {
        // The path without its query, and the headers (user agent, idempotency key…) with the keys censored.
        req: (request: { method?: string; url?: string; headers?: unknown }) => ({
          method: request.method,
          url: pathOf(request.url ?? ""),
          headers: request.headers,
        }),
      },
    },
    logController: new RequestLog(),
  };
}

/** The request path without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

const LogRecordSchema = z.looseObject({
  msg: z.string().optional(),
  req: z.looseObject({ method: z.string().optional(), url: z.string().optional() }).optional(),
  res: z.looseObject({ statusCode: z.number().optional() }).optional(),
  responseTime: z.number().optional(),
  err: z.looseObject({ message: z.string().optional(), stack: z.string().optional() }).optional(),
});

/**
 * A record as one readable line: `GET /api/v1/limits 200 1.2ms` for a request, `POST /v1/events failed:
 * <stack>` for a failure, else the message.
 */
function readableLine(record: string): string {
  const parsed = LogRecordSchema.safeParse(JSON.parse(record));
  if (!parsed.success) return record.trimEnd();
  const { msg, req, res, responseTime, err } = parsed.data;
  const request = `${req?.method} ${req?.url}`;
  if (req && err) return `${request} failed: ${err.stack ?? err.message}`;
  if (req && res && responseTime !== undefined) return `${request} ${res.statusCode} ${responseTime.toFixed(1)}ms`;
  return msg ?? record.trimEnd();
}

/** A destination handing `log` each record as a readable line (`text`) or as its JSON line (`json`). */
export function lineDestination(format: "text" | "json", log: (line: string) => void): LogDestination {
  return { write: (record) => log(format === "json" ? record.trimEnd() : readableLine(record)) };
}
