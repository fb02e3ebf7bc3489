import type { Db } from "../db.js";
import { ServiceError } from "../errors.js";
import { Idempotency } from "../idempotency.js";

/**
 * Pay-i's use of the shared idempotency mechanism (`server/idempotency.ts`): errors in Pay-i's envelope, one
 * scope for every caller (as before the Limitry API shared the store).
 */
export function payiIdempotency(db: Db, now: () => string): Idempotency {
  return new Idempotency(db, now, {
    error: (status, code, message, shouldRetry) => new ServiceError(status, code, message, shouldRetry),
  });
}
