import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { IdempotentWrites, ServiceContext } from "./context.js";
import { contractViolation } from "./contract.js";
import type { Db } from "./db.js";
import { type LogDestination, loggerOptions, pathOf } from "./log.js";
import { ServiceError, envelope } from "./errors.js";
import { limitryContext } from "./limitry/context.js";
import { isLimitryPacket, isLimitryPath, limitryClientErrorBody, limitryFrameworkError } from "./limitry/edge-errors.js";
import { limitryApi } from "./limitry/index.js";
import { payiApi } from "./payi/index.js";
import { payiIdempotency } from "./payi/idempotency.js";
import { KpisRepository } from "./payi/repositories/kpis.js";
import { LimitsRepository } from "./payi/repositories/limits.js";
import { RequestsRepository } from "./payi/repositories/requests.js";
import { ResourcesRepository } from "./payi/repositories/resources.js";
import { UseCasesRepository } from "./payi/repositories/use-cases.js";
import { type ServiceProfileName, serviceProfile } from "./profile.js";

/** Largest request body accepted, in bytes (1 MiB). */
const BODY_LIMIT = 1024 * 1024;
/** Longest path parameter, in characters as sent (percent-encoded): room for any id the service accepts. */
const MAX_PARAM_LENGTH = 2048;
/** Default time a client has to send a whole request, headers and body (`requestTimeout`). */
const REQUEST_TIMEOUT_MS = 30_000;

export interface AppConfig {
  db: Db;
  /** Keys accepted in `xProxy-api-key`; at least one. */
  apiKeys: string[];
  /**
   * Receives Fastify's log (pino JSON lines): one record per request (method, path, headers with every API key
   * censored, status, ms), failures and Limitry's alerts. Default: none. See `lineDestination` for readable lines.
   */
  logger?: LogDestination | undefined;
  /** Clock, for tests. */
  now?: (() => Date) | undefined;
  /** Milliseconds a client has to send a whole request before a 408 closes its connection. Default 30 000. */
  requestTimeoutMs?: number | undefined;
  /** `strict` answers only what Pay-i's client models and docs guarantee (see `ServiceProfile`). Default `default`. */
  profile?: ServiceProfileName | undefined;
}

/** The strict profile's idempotency: keys are ignored, as by a server that never promised to honour them. */
function ignoredKeys(db: Db): IdempotentWrites {
  return { register: () => {}, once: (_request, write) => db.transaction(write)() };
}

/** Builds the local service (Pay-i under `/api/v1`, Limitry under `/v1`). It does not listen: see `serve()`. */
export function buildApp(config: AppConfig): FastifyInstance {
  if (config.apiKeys.length === 0) throw new Error("buildApp needs at least one API key");
  const requestTimeout = config.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    // Node checks these deadlines every `connectionsCheckingInterval` (30 s by default), and bounds headers by
    // their own 60 s: a stalled client would keep its connection twice as long as `requestTimeout` says.
    http: { headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(requestTimeout, 1_000) },
    ...loggerOptions(config.logger, config.apiKeys),
    bodyLimit: BODY_LIMIT,
    genReqId: () => `req_${randomUUID().replaceAll("-", "")}`,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // A client that opens a connection and trickles (or never finishes) a body does not hold it forever.
    requestTimeout,
    clientErrorHandler: answerClientError,
    // Errors fastify meets before routing (a path that is not valid percent-encoding) in each API's envelope.
    frameworkErrors: (error, request, reply) =>
      isLimitryPath(request.url) ? limitryRoutingError(request, reply) : answerFrameworkError(error, request, reply),
  });
  const limitryRoutingError = limitryFrameworkError(config.apiKeys);
  const clock = config.now ?? (() => new Date());
  const now = () => clock().toISOString();
  const profile = serviceProfile(config.profile);
  const ctx: ServiceContext = {
    db: config.db,
    limits: new LimitsRepository(config.db),
    useCases: new UseCasesRepository(config.db),
    resources: new ResourcesRepository(config.db),
    requests: new RequestsRepository(config.db),
    kpis: new KpisRepository(config.db),
    idempotency: profile.replaysIdempotencyKeys ? payiIdempotency(config.db, now) : ignoredKeys(config.db),
    profile,
    now,
  };

  // Pay-i clients send Content-Type: application/json on bodiless POST/DELETE: an empty body is no body.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new ServiceError(400, "invalid_json", `Request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  app.setErrorHandler((error, request, reply) => {
    const { statusCode, code, message, shouldRetry } = toServiceError(error, request);
    if (shouldRetry !== undefined) reply.header("x-should-retry", String(shouldRetry));
    if (statusCode >= 500) request.log.error({ req: request, err: error }, "request failed");
    return reply.status(statusCode).send({ ...envelope(statusCode, code, message), request_id: request.id });
  });

  app.setNotFoundHandler((request, reply) => {
    const message = `No route for ${request.method} ${pathOf(request.url)}`;
    return reply.status(404).send({ ...envelope(404, "route_not_found", message), request_id: request.id });
  });

  // On close, keep-alive connections go at once: idle ones now, busy ones after their response, instead of
  // lingering for the keep-alive timeout (72 s) before the process can exit.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
    app.server.closeIdleConnections();
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  app.register(payiApi(config.apiKeys, ctx), { prefix: "/api/v1" });
  app.register(
    limitryApi(
      config.apiKeys,
      limitryContext(config.db, clock, (line) => app.log.info(line)),
    ),
    { prefix: "/v1" },
  );

  return app;
}

/**
 * Answers what Node's HTTP parser rejects before any route runs (malformed request line or headers, headers
 * too large, a request not sent in time) in Pay-i's envelope (Limitry's for a `/v1` request line), and closes the connection the client can no
 * longer use: `Connection: close` tells it to open a new one for its next request.
 */
function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [408, "request_timeout", "The request was not received in time"]
      : error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "request_header_fields_too_large", "The request line and headers exceed the 16 KiB the service reads"]
        : [400, "request_processing_error", "The request is not valid HTTP/1.1"];
  const body = isLimitryPacket(error.rawPacket)
    ? limitryClientErrorBody(status, message)
    : JSON.stringify(envelope(status, code, message));
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message = error.code === "FST_ERR_BAD_URL" ? "The request path is not a valid URL (bad percent-encoding)" : error.message;
  reply.status(400).send({ ...envelope(400, "request_processing_error", message), request_id: request.id });
}

/** Maps anything thrown in a route to a status, a Pay-i error code and a message. */
function toServiceError(error: unknown, request: FastifyRequest): ServiceError {
  if (error instanceof ServiceError) return error;
  const violation = contractViolation(error, request);
  if (violation) return new ServiceError(400, violation.code, violation.message);
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  switch (fastifyError.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ServiceError(413, "request_too_large", `Request body exceeds the ${BODY_LIMIT} byte limit`);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ServiceError(415, "unsupported_media_type", "Request bodies must be application/json");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new ServiceError(400, "request_processing_error", "Content-Length does not match the body");
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new ServiceError(status, "request_processing_error", fastifyError.message ?? "Bad request");
  }
  return new ServiceError(500, "unexpected_error", "An unexpected error occurred.");
}
