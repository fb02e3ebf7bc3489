import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../db.js";
import { Idempotency } from "../idempotency.js";
import type { LimitryContext } from "./context.js";
import { LimitryServiceError } from "./errors.js";

/** The key of `Authorization: Bearer <key>`, or undefined when the header is absent or of another scheme. */
export function bearerKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header);
  const key = match?.[1]?.trim();
  return key ? key : undefined;
}

/**
 * Limitry's use of the shared idempotency mechanism: errors in Limitry's envelope, and keys scoped to the API
 * key that sent them (a project, in Limitry's terms), so two projects using the same key never meet.
 */
export function limitryIdempotency(db: Db, now: () => string): Idempotency {
  return new Idempotency(db, now, {
    error: (status, code, message, shouldRetry) => new LimitryServiceError(status, code, message, shouldRetry),
    scope: (request) =>
      `limitry:${createHash("sha256")
        .update(bearerKey(request) ?? "")
        .digest("hex")
        .slice(0, 32)}`,
  });
}

/**
 * Runs a write once per `Idempotency-Key`: answers `status` with its result, stored in the write's
 * transaction so a retried call gets this answer again instead of applying twice.
 */
export function applyOnce<T>(
  ctx: LimitryContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  write: () => T,
): T {
  reply.status(status);
  return ctx.idempotency.once(request, write, status);
}
