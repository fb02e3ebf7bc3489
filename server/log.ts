/**
 * The service's log: Fastify's own logger (pino), one record per request with the request's headers and
 * every API key censored, and a readable one-line form of those records for `pulumi-limits serve`.
 */
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";
import { z } from "zod";

/** Any logged object's key field (request headers are censored by `censorHeaders`). */
const REDACTED = ["*.apiKey", "*.apiKeys", "*.api_key", "*.xproxy_api_key"];

/**
 * Header names that carry credentials: Pay-i's `xProxy-api-key`, Limitry's `Authorization`, and whatever else
 * a client or proxy may put one in (`x-api-key`, `Proxy-Authorization`, cookies, `X-Auth-Token`, any name
 * with key, token, secret, password, credential, session or signature in it).
 */
const SECRET_HEADER = /auth|cookie|key|token|secret|passw|credential|session|signature/i;
/** A client's own request identifier, not a credential: kept so a retried call can be traced in the log. */
const TRACED_HEADERS = new Set(["idempotency-key"]);

/**
 * The request headers as logged: a header whose name suggests a credential is censored, and so is any value
 * that contains one of the service's API keys, whatever header carries it.
 */
function censorHeaders(headers: unknown, apiKeys: readonly string[]): unknown {
  if (typeof headers !== "object" || headers === null) return headers;
  const contains = (value: unknown): boolean =>
    typeof value === "string"
      ? apiKeys.some((key) => key !== "" && value.includes(key))
      : Array.isArray(value) && value.some(contains);
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      const secret = (SECRET_HEADER.test(name) && !TRACED_HEADERS.has(name.toLowerCase())) || contains(value);
      return [name, secret ? CENSORED : value];
    }),
  );
}

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

/**
 * Fastify options for a service logging to `destination` (none: no log); `apiKeys` are censored wherever a
 * request header carries them.
 */
export function loggerOptions(
  destination: LogDestination | undefined,
  apiKeys: readonly string[],
): Partial<FastifyServerOptions> {
  if (!destination) return { logger: false };
  return {
    logger: {
      level: "info",
      stream: destination,
      redact: { paths: REDACTED, censor: CENSORED },
      serializers: {
        // The path without its query (which may carry anything), and the headers (user agent, idempotency
        // key…) with every credential censored.
        req: (request: { method?: string; url?: string; headers?: unknown }) => ({
          method: request.method,
          url: pathOf(request.url ?? ""),
          headers: censorHeaders(request.headers, apiKeys),
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
