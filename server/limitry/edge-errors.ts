import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { limitryEnvelope } from "./errors.js";
import { bearerKey } from "./idempotency.js";

/** True for a path of the Limitry API (`/v1…`, not Pay-i's `/api/v1…`). */
export function isLimitryPath(url: string): boolean {
  return url === "/v1" || url.startsWith("/v1/") || url.startsWith("/v1?");
}

/** The request line of a raw packet, e.g. `GET /v1/limits HTTP/1.1`, read as a Limitry call or not. */
export function isLimitryPacket(rawPacket: unknown): boolean {
  if (!Buffer.isBuffer(rawPacket)) return false;
  const line = rawPacket.subarray(0, 256).toString("latin1");
  return /^[A-Z]+ \/v1(?:[/? ])/.test(line);
}

/**
 * Limitry's error body (`invalid_request`) for what the HTTP parser refused before any route: headers too
 * large, a malformed request, a request not sent in time. The headers were never read, so there is no 401
 * check to make and no request id; nothing of the API is answered.
 */
export function limitryClientErrorBody(status: number, message: string): string {
  return JSON.stringify({ error: { code: "invalid_request", message, status, requestId: null } });
}

/**
 * Answers a request fastify could not route (a path that is not valid percent-encoding, a segment longer
 * than the router reads) on `/v1` as the API does everything else: first the 401 for a missing or unknown
 * key, then a 400 `invalid_request` in Limitry's envelope.
 */
export function limitryFrameworkError(apiKeys: string[]) {
  const digests = apiKeys.map(digest);
  return (request: FastifyRequest, reply: FastifyReply): void => {
    const key = bearerKey(request);
    if (key === undefined) {
      const message = "Send the API key as 'Authorization: Bearer <key>'.";
      reply.status(401).send(limitryEnvelope(401, "missing_api_key", message, request.id));
      return;
    }
    if (!digests.some((known) => timingSafeEqual(known, digest(key)))) {
      reply.status(401).send(limitryEnvelope(401, "invalid_api_key", "The API key is not valid.", request.id));
      return;
    }
    const message = "The request path is not a valid URL (bad percent-encoding, or a path segment over 2048 characters)";
    reply.status(400).send(limitryEnvelope(400, "invalid_request", message, request.id));
  };
}

/** SHA-256 of an API key, compared in constant time. */
export function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}
