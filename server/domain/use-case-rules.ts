import { badRequest } from "../errors.js";

/** Use-case names: 1–64 letters, digits, `.`, `-`, `_`. */
export const USE_CASE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const DESCRIPTION_MAX_LENGTH = 1024;

export function checkUseCaseName(name: string): void {
  if (!USE_CASE_NAME.test(name)) {
    throw badRequest(
      "invalid_use_case_name",
      `use case name must be 1-64 characters of letters, digits, '.', '-' or '_' (got '${name}')`,
    );
  }
}

export function checkDescription(description: string): void {
  if (description.length > DESCRIPTION_MAX_LENGTH) {
    throw badRequest(
      "invalid_use_case_description",
      `description must be at most ${DESCRIPTION_MAX_LENGTH} characters (got ${description.length})`,
    );
  }
}

/** Name of the limit an instance gets from its definition's limit config; unique per instance. */
export function instanceLimitName(useCaseName: string, useCaseId: string): string {
  return `${useCaseName}/${useCaseId}`;
}
