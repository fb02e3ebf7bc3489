import { describeViolation, type Violation } from "../../rules/violation.js";
import { ServiceError } from "../errors.js";

/**
 * An error answered with Limitry's envelope `{error: {code, message, status, requestId}}`. The codes are
 * Limitry's documented ones (`invalid_request`, `missing_required_field`, `invalid_field_value`,
 * `missing_api_key`, `invalid_api_key`, `limit_not_found`, `meter_not_found`, `internal_error`), plus
 * `customer_not_found`, `customer_already_exists` and `meter_in_use` where the docs name none.
 */
export class LimitryServiceError extends ServiceError {}

/** The wire body of a Limitry error. */
export function limitryEnvelope(status: number, code: string, message: string, requestId: string) {
  return { error: { code, message, status, requestId } };
}

export const notFound = (code: "limit_not_found" | "meter_not_found" | "customer_not_found", message: string) =>
  new LimitryServiceError(404, code, message);

/** A 409 that will fail again: Stainless-style clients are told not to retry it. */
export const conflict = (code: string, message: string) => new LimitryServiceError(409, code, message, false);

export const invalidField = (field: string, rule: string, value: unknown) =>
  new LimitryServiceError(400, "invalid_field_value", describeViolation({ field, rule, value }));

/** Throws a 400 `invalid_field_value` naming every broken rule, in wire field names. */
export function rejectViolations(violations: Violation[]): void {
  if (violations.length > 0) {
    throw new LimitryServiceError(400, "invalid_field_value", violations.map((v) => describeViolation(v)).join("; "));
  }
}
