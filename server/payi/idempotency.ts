import { createHash } from "node:crypto";
import { IngestHeaders } from "../../sdk/payi/resources/ingest.js";
import type { Db } from "../db.js";
import { ServiceError } from "../errors.js";
import { Idempotency } from "../idempotency.js";

/**
 * Request headers that change what a Pay-i write does: the ingest context the SDK sends as headers (limits
 * charged, use case, user, account, scope, logging) and the other `xProxy-*` headers Pay-i's client may send
 * (properties, price-as, request tags). A key reused with any of them changed is a different call.
 */
const EFFECT_HEADERS = [
  ...Object.values(IngestHeaders),
  "xProxy-Request-Properties",
  "xProxy-UseCase-Properties",
  "xProxy-PriceAs-Category",
  "xProxy-PriceAs-Resource",
  "xProxy-Provider-BaseUri",
  "xProxy-Request-Tags",
] as const;

/**
 * Pay-i's use of the shared idempotency mechanism (`server/idempotency.ts`): errors in Pay-i's envelope, keys
 * scoped per API key (two callers sending the same key never see each other's answers), and the headers that
 * change a write's effect in its fingerprint (a key reused with other limit ids is a 422, not the old answer).
 */
export function payiIdempotency(db: Db, now: () => string): Idempotency {
  return new Idempotency(db, now, {
    error: (status, code, message, shouldRetry) => new ServiceError(status, code, message, shouldRetry),
    scope: (request) => {
      const presented = request.headers["xproxy-api-key"];
      const key = Array.isArray(presented) ? presented[0] : presented;
      return key === undefined ? undefined : `payi:${createHash("sha256").update(key).digest("hex")}`;
    },
    fingerprintHeaders: EFFECT_HEADERS,
  });
}
