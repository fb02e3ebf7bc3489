import { randomInt, randomUUID } from "node:crypto";

/** The names `pulumi-limits serve --profile` accepts. */
export const SERVICE_PROFILE_NAMES = ["default", "strict"] as const;
export type ServiceProfileName = (typeof SERVICE_PROFILE_NAMES)[number];

/**
 * How the local service answers where Pay-i's official client models and docs leave the real answer open
 * (reference `payi-api.md`, section 8). `default` is convenient for callers; `strict` answers only what those
 * sources guarantee and, where they leave a choice, the least convenient documented answer, so code that
 * works against it does not depend on what only this service does. The README lists each choice and its source.
 */
export interface ServiceProfile {
  name: ServiceProfileName;
  /** Limit responses (single, list, reset history) carry `properties` and `limit_tags`, which `Limit` does not model. */
  echoesLimitProperties: boolean;
  /** What an unset `threshold` reads back as on limits and limit configs (docs: "default 1.0"). */
  unsetThreshold: number | null;
  /** A `threshold` of exactly 1.0 (the documented default) may be sent; else only the documented 0.75–0.99. */
  acceptsDefaultThreshold: boolean;
  /** A write repeated with the same `Idempotency-Key` is answered with the first answer (Pay-i's client sends none). */
  replaysIdempotencyKeys: boolean;
  /** A use-case instance's limit is named `<use case>/<use case id>`; else an opaque name unrelated to the use case. */
  derivesInstanceLimitNames: boolean;
  /** `limits.properties.update` and category deletes answer as the client types them (arrays); else docs' `{request_id}`. */
  answersTypedArrays: boolean;
  /** Status of `*_not_found` errors: 404, or 400 (docs say only "4xx"; their one example status is 400). */
  notFoundStatus: 404 | 400;
  /** A page size above the most one page holds (100, seed 004): a 400 naming the rule, or a page of 100 and a cursor. */
  clampsPageSize: boolean;
  /** Id of a limit the caller gave none: a GUID, or a number as text, as Pay-i's (seeds 001 and 002: `2221`, `12276`). */
  newLimitId(): string;
  /** The legacy limit tag routes (`/limits/{id}/tags`, removed from the client in alpha.131) are served. */
  servesLegacyTags: boolean;
  /** `limits.delete` answers with the optional `message` beside `request_id`. */
  sendsDeleteMessage: boolean;
}

const DEFAULT_PROFILE: ServiceProfile = {
  name: "default",
  echoesLimitProperties: true,
  unsetThreshold: null,
  acceptsDefaultThreshold: true,
  replaysIdempotencyKeys: true,
  derivesInstanceLimitNames: true,
  answersTypedArrays: true,
  notFoundStatus: 404,
  clampsPageSize: false,
  newLimitId: () => randomUUID(),
  servesLegacyTags: true,
  sendsDeleteMessage: true,
};

const STRICT_PROFILE: ServiceProfile = {
  name: "strict",
  echoesLimitProperties: false,
  unsetThreshold: 1.0,
  acceptsDefaultThreshold: false,
  replaysIdempotencyKeys: false,
  derivesInstanceLimitNames: false,
  answersTypedArrays: false,
  notFoundStatus: 400,
  clampsPageSize: true,
  // Whoever writes such an id to YAML or JSON unquoted reads back a number. Above 2^32 - 2, so JavaScript
  // objects keyed by these ids (xproxy_result.limits) keep the order the caller named them in, as Pay-i does.
  newLimitId: () => String(randomInt(2 ** 32, 2 ** 42)),
  servesLegacyTags: false,
  sendsDeleteMessage: false,
};

/** The profile of that name. */
export function serviceProfile(name: ServiceProfileName = "default"): ServiceProfile {
  return name === "strict" ? STRICT_PROFILE : DEFAULT_PROFILE;
}

/** True when `name` is a profile `pulumi-limits serve --profile` accepts. */
export function isServiceProfileName(name: string): name is ServiceProfileName {
  return (SERVICE_PROFILE_NAMES as readonly string[]).includes(name);
}
