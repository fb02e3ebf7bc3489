/**
 * State written by an earlier version of pulumi-limits, brought to today's shape in one place. The serialized
 * provider in a state loads the installed package at call time (see stub.ts), so today's code meets every
 * shape an earlier version stored; the provider host (runtime.ts) passes what the engine hands it through
 * {@link upgradeState} before any provider method sees it, and the providers know only today's shape.
 *
 * The shapes earlier versions stored (each recorded in test/fixtures/state/<commit> by
 * scripts/record-state-fixture.sh; none carries a state version):
 *
 * | Written by           | What differs from today                                                        |
 * | -------------------- | ------------------------------------------------------------------------------ |
 * | up to 9882fac        | no owner records: no `instance` on a Limit, no `owner` on a use case, no `adopt` on a definition |
 * | 67dcc5d to 00c78b1^  | a Limit holds its whole `owner` ({stack, instance, resource}) instead of `instance` |
 * | up to 423fd06^       | a threshold read back as Pay-i's default 1.0 is stored as 1 (today: none, the same limit) |
 * | up to 93c1255^       | Limitry meters and limits without `instance` and `idSeed` (optional today: no change) |
 *
 * What no upgrade can supply stays absent, and today's shape says so: a Limit or use-case limit config created
 * before owner records holds no `instance`/`owner` and no `generation` until its next update records one.
 */
import { declaredThreshold } from "../rules/payi/limit.js";
import { userError } from "./errors.js";
import type { ProviderKind } from "./type-token.js";

/** Key of the state version in every resource's outputs, written by the provider host (runtime.ts). */
export const STATE_VERSION_KEY = "__stateVersion";

/**
 * The shape today's providers store. Bump it, with a step in {@link STEPS}, when a change alters what a
 * provider stores in a way today's code would misread; states without {@link STATE_VERSION_KEY} are version 0.
 */
export const STATE_VERSION = 1;

/** A resource's properties as a state holds them: its outputs, or the inputs a refresh compares them with. */
export type StoredProperties = Record<string, unknown>;

/** One step per kind, from version n to n + 1 (index n); a step must leave today's shape as it is. */
const STEPS: readonly Record<ProviderKind, (stored: StoredProperties) => StoredProperties>[] = [
  {
    limit: (s) => defaultThreshold(withAdopt(instanceOfOwner(s))),
    useCaseDefinition: withAdopt,
    useCaseLimitConfig: (s) => defaultThreshold(withAdopt(s)),
    limitryMeter: (s) => s,
    limitryLimit: (s) => s,
    limitryCustomer: (s) => s,
    stackInstance: (s) => s,
  },
];

/**
 * `stored` (a resource's outputs, or inputs, of kind `kind` as any version wrote them) in today's shape,
 * without the state version key. Pure: the same state always upgrades to the same value, and today's shape
 * is returned unchanged. A state written by a newer version is refused.
 */
export function upgradeState(kind: ProviderKind, stored: StoredProperties): StoredProperties {
  const { [STATE_VERSION_KEY]: written, ...properties } = stored;
  const version = written === undefined ? 0 : written;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    throw userError(`the state of this ${kind} holds ${STATE_VERSION_KEY} ${JSON.stringify(written)}, which no version writes`);
  }
  if (version > STATE_VERSION) {
    throw userError(
      `This stack's state was written by a newer pulumi-limits (state version ${version}) than the one installed (version ${STATE_VERSION}); upgrade pulumi-limits.`,
    );
  }
  let upgraded = properties;
  for (const step of STEPS.slice(version)) upgraded = step[kind](upgraded);
  return upgraded;
}

/** `outputs` as the host hands them to the engine: stamped with today's state version. */
export function withStateVersion(outputs: StoredProperties): StoredProperties {
  return { ...outputs, [STATE_VERSION_KEY]: STATE_VERSION };
}

/**
 * 67dcc5d stored a Limit's whole owner; since 00c78b1 a Limit stores its stack `instance` and derives the
 * rest from its `idSeed` (`organization/project/stack/resource`, the same stack and resource the owner named).
 */
function instanceOfOwner(stored: StoredProperties): StoredProperties {
  const { owner, ...rest } = stored;
  if (rest["instance"] !== undefined || !isRecord(owner) || typeof owner["instance"] !== "string") return stored;
  return { ...rest, instance: owner["instance"] };
}

/** Pay-i's default threshold 1.0 is no threshold (rules/payi/limit.ts); versions before 423fd06 stored it as read. */
function defaultThreshold(stored: StoredProperties): StoredProperties {
  const { threshold, ...rest } = stored;
  if (typeof threshold !== "number" || declaredThreshold(threshold) !== undefined) return stored;
  return rest;
}

/** `adopt` was added to use cases in 6123eac with the default false that `check` applies today. */
function withAdopt(stored: StoredProperties): StoredProperties {
  return stored["adopt"] === undefined ? { ...stored, adopt: false } : stored;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
