import { createHash } from "node:crypto";
import { APIError, ConflictError, type Limit as ApiLimit, type LimitUpdateParams, type Payi } from "../../sdk/payi/index.js";
import { declaredThreshold, effectiveThreshold, maxBelowSpend } from "../../rules/payi/limit.js";
import { definedProperties, propertyPatch } from "../../rules/payi/properties.js";
import { resetStep, scheduleOf, withoutResetMarker, type ResetRecord, type ResetRequest } from "../../rules/payi/reset.js";
import { spendState } from "../../rules/payi/spend-state.js";
import { toUnits } from "../../rules/payi/money.js";
import { createDecision, deleteDecision, importDecision, updateDecision, type Found } from "../../rules/ownership.js";
import {
  claimIn,
  formatOwnerRecord,
  newGeneration,
  ownedElsewhere,
  ownerFromSeed,
  ownerRecordOf,
  releaseAdvice,
  type Owner,
} from "../ownership.js";
import { isUnknown, replacesOnChange, same } from "../diff.js";
import { warn } from "../engine-log.js";
import type { TypedProvider } from "../typed-provider.js";
import { failure, userError } from "../errors.js";
import { isGone } from "./client.js";
import { limitFromApi, limitToApi } from "./wire.js";
import { LimitInputsObject, LimitInputsSchema, checkInputs, type LimitInputs } from "./inputs.js";

/**
 * Inputs as today's state holds them (earlier shapes are upgraded in provider/state-upgrade.ts): `instance` is
 * absent on a limit this resource has not recorded itself on yet, one created before owner records.
 */
type StoredLimitInputs = Omit<LimitInputs, "instance"> & { instance?: string };

/** Outputs of a `Limit`: its inputs plus what the service computes. */
export interface LimitOutputs extends StoredLimitInputs {
  limitId: string;
  threshold?: number;
  spendUsd: number;
  state: "ok" | "exceeded" | "overrun";
  createdAt: string;
  updatedAt: string;
  /**
   * The create or adopt that took the limit (see `ownership.ts`). Absent, as `instance` is, until this resource
   * records itself on the limit: a limit created before owner records gets its record at its next update.
   */
  generation?: string;
  /** Since when the spend counts, and the reset claimed for it (rules/payi/reset.ts); absent in older states. */
  lastReset?: ResetRecord;
}

/** Inputs that change in place (the reset schedule is among the properties). */
export const LIMIT_UPDATABLE = ["limitName", "max", "properties"] as const;
/** Inputs that force a new limit: Pay-i cannot change them (`limitId` only when declared). */
export const LIMIT_REPLACING = ["limitType", "threshold", "limitId"] as const;

/** Not-found code of a limit; any other 404 (e.g. `route_not_found` from a wrong base URL) is a failure. */
const GONE = "limit_not_found";

const release = (limitId: string) => releaseAdvice(`pulumi-limits release --limit-id ${limitId}`);

/**
 * The id a limit gets when the program names none: derived from the stack instance, stack and resource
 * (the seed) and the settings that force replacement, so a retried or crashed create converges on the
 * same limit, two stacks never derive the same id, and a replacement (new type or threshold) never
 * collides with the limit it replaces.
 */
export function deterministicLimitId(inputs: Pick<StoredLimitInputs, "idSeed" | "limitType" | "threshold" | "instance">): string {
  const parts = [inputs.idSeed, inputs.limitType, inputs.threshold ?? ""];
  // A limit created before stack instances derived its id from the seed alone: it keeps that id.
  if (inputs.instance !== undefined) parts.unshift(inputs.instance);
  const digest = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `pl-${digest.slice(0, 24)}`;
}

/** The `Limit` dynamic provider, bound to a configured client. */
export function limitProvider(client: () => Payi): TypedProvider<LimitInputs, LimitOutputs, StoredLimitInputs> {
  return {
    async check(_olds, news) {
      return checkInputs(LimitInputsObject, news, LimitInputsSchema);
    },

    async diff(id, olds: LimitOutputs, news: LimitInputs) {
      const { replaces, inPlace } = changedInputs(olds, news);
      // A reset changes nothing the limit declares: whether it is asked of this limit is all there is to decide.
      if (replaces.length === 0 && inPlace.length === 0) return { changes: resetStepOf(olds, news) !== undefined };

      const live = await client()
        .limits.retrieve(id)
        .then(
          (r) => r.limit,
          (error: unknown) => (isGone(error, GONE) ? undefined : Promise.reject(failure(`limit ${id}`, error))),
        );
      const spend = live?.totals.cost.total.base ?? 0;
      if (replaces.length > 0) {
        if (spend > 0) {
          await warn(
            `replacing limit '${olds.limitName}' (${id}) to change ${replaces.join(", ")} discards its tracked spend of $${spend.toFixed(5)}; the new limit starts at $0`,
          );
        }
      } else if (inPlace.includes("max") && !isUnknown(news.max) && live && maxBelowSpend(news.max, toUnits(spend))) {
        throw userError(
          `limit '${isUnknown(news.limitName) ? olds.limitName : news.limitName}' (${id}): max ${news.max} is below its current spend of $${spend.toFixed(5)}; Pay-i would reject the update (invalid_max_limit_update). Raise max to at least ${spend}, or reset the limit first.`,
        );
      }
      return {
        changes: true,
        replaces,
        // Names and ids are unique in Pay-i: a replacement that keeps either must delete the old limit
        // first (a value not known yet may keep it). Otherwise create first, so enforcement never lapses.
        deleteBeforeReplace: replaces.length > 0 && (keeps(olds.limitName, news.limitName) || keepsId(olds, news)),
      };
    },

    async create(inputs: LimitInputs) {
      const limitId = inputs.limitId ?? deterministicLimitId(inputs);
      const generation = newGeneration();
      const api = client();
      try {
        // Pay-i answers a create that repeats an existing limit's settings with that limit, which only a
        // readable owner record could tell from a new one: a declared id may name someone's limit, so look first.
        if (inputs.limitId !== undefined) {
          const existing = await retrieveIfAny(api, limitId);
          if (existing) return await takeOver(api, inputs, limitId, generation, undefined, existing);
        }
        const { limit } = await api.limits.create(
          limitToApi(inputs, limitId, formatOwnerRecord({ ...ownerOf(inputs), generation })),
        );
        // Our record with this generation: the limit just created. No record echoed: at a derived id the
        // limit is this resource's either way (rules/ownership.ts), and a declared id was looked up above.
        if (limit.properties == null || ownerRecordOf(limit.properties)?.generation === generation) {
          // Without a record, this may be Pay-i's idempotent answer with the limit a replacement of this
          // resource replaces (`up --replace`): the old resource's delete, later in this run, must leave it.
          if (limit.properties == null) heldByThisRun.add(limit.limit_id);
          return { id: limit.limit_id, outs: toOutputs(inputs, limit, generation, startsNow()) };
        }
        return await takeOver(api, inputs, limitId, generation, undefined);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw failure(`creating limit '${inputs.limitName}' (${limitId})`, error);
        return takeOver(api, inputs, limitId, generation, error);
      }
    },

    async read(id, old: LimitOutputs) {
      try {
        const { limit } = await client().limits.retrieve(id);
        const generation = importable(limit, old);
        const { limitId, properties: held, ...declared } = limitFromApi(limit);
        // Neither echoed (Pay-i's Limit model has none) nor in a state: a limit read with `get`.
        const properties = held ?? old.properties ?? {};
        const inputs = {
          ...declared,
          ...(isDeclaredId(old) ? { limitId } : {}),
          properties,
          adopt: old.adopt,
          idSeed: old.idSeed,
          ...scheduleOf(properties),
          ...(old.instance !== undefined ? { instance: old.instance } : {}),
          ...(old.replaceOnChanges ? { replaceOnChanges: old.replaceOnChanges } : {}),
        };
        return { id, props: toOutputs(inputs, limit, generation, old.lastReset), inputs };
      } catch (error) {
        if (isGone(error, GONE)) return {};
        throw failure(`reading limit ${id}`, error);
      }
    },

    async update(id, olds: LimitOutputs, news: LimitInputs) {
      const api = client();
      const step = resetStepOf(olds, news);
      let limit: ApiLimit;
      let generation: string;
      try {
        const { limit: live } = await api.limits.retrieve(id);
        // The record names the resource as it was (an alias rename changes it). A limit this resource has not
        // recorded itself on yet (see LimitOutputs) is checked against the record about to be written.
        const previous = ownerOf(olds) ?? ownerOf(news);
        const { claim, record } = claimIn(live.properties, previous);
        if (updateDecision({ claim }) !== "update" && record) {
          throw userError(ownedElsewhere(`limit '${live.limit_name}' (${id})`, record, previous, release(id)));
        }
        generation = record?.generation ?? olds.generation ?? newGeneration();
        // A reset alone sends nothing but the reset (where properties are not echoed, converge would resend them).
        limit =
          step !== undefined && changedInputs(olds, news).inPlace.length === 0
            ? live
            : await converge(api, live, news, formatOwnerRecord({ ...ownerOf(news), generation }), olds.properties);
      } catch (error) {
        if (isGone(error, GONE)) {
          throw userError(
            `limit '${olds.limitName}' (${id}) was deleted outside Pulumi: run \`pulumi refresh\` to recreate it with the next \`pulumi up\`.`,
          );
        }
        if (error instanceof ConflictError && news.limitName !== olds.limitName) {
          throw userError(
            `renaming limit '${olds.limitName}' (${id}) to '${news.limitName}': another limit holds that name and Pay-i keeps names unique. To swap the names of two limits, apply one rename at a time: the first limit to a temporary name, the second to its new name, then the first to its new name (${error.message})`,
            error,
          );
        }
        throw failure(`updating limit '${news.limitName}' (${id})`, error);
      }
      if (step === "claim" && news.resetRequest) {
        const claimed = { since: news.resetRequest.period, run: news.resetRequest.run, claimedAt: new Date().toISOString() };
        return { outs: toOutputs(news, limit, generation, claimed) };
      }
      if (step === "apply" && olds.lastReset) {
        const applied = await applyReset(api, limit, olds.lastReset);
        // The reset zeroed the spend read before it.
        const outs = toOutputs(news, limit, generation, applied);
        return { outs: { ...outs, spendUsd: 0, state: spendState(0, limit.max, limit.threshold) } };
      }
      // A schedule set or changed starts its period now; otherwise the record stays as it is.
      const lastReset = same(olds.reset, news.reset) ? olds.lastReset : startsNow();
      return { outs: toOutputs(news, limit, generation, lastReset) };
    },

    async delete(id, props: LimitOutputs) {
      const api = client();
      try {
        const { limit } = await api.limits.retrieve(id);
        const owner = ownerOf(props);
        // A limit this resource has not recorded itself on (no generation): the state is the only evidence.
        const { claim, record } =
          owner && props.generation !== undefined
            ? claimIn(limit.properties, owner)
            : { claim: "unreadable" as const, record: undefined };
        const decision = deleteDecision({
          claim,
          sameGeneration: record && props.generation !== undefined ? record.generation === props.generation : undefined,
          takenByReplacement: heldByThisRun.has(id),
        });
        // `skip`: a replacement of this resource had to land on the same limit (same name and id); it is the
        // live one now, not this resource's old self.
        if (decision === "skip") return;
        if (decision === "leave") {
          const holder = record
            ? ` it is managed by resource '${record.resource}' of stack ${record.stack} (instance ${record.instance})`
            : " its owner record was cleared (released)";
          await warn(`left limit '${limit.limit_name}' (${id}) in place:${holder}.`);
          return;
        }
        await api.limits.delete(id);
      } catch (error) {
        if (isGone(error, GONE)) return;
        throw failure(`deleting limit ${id}`, error);
      }
    },
  };
}

/**
 * The generation a read keeps. A state with a stack instance but no generation is an import (a provider plugin
 * reads an imported limit with only its identity, plugin/server.ts; a limit before owner records has neither):
 * it may bring in a limit nobody's record names, or one this resource's record names (its generation is
 * kept), never one another resource or stack instance manages.
 */
function importable(limit: ApiLimit, old: LimitOutputs): string | undefined {
  if (old.generation !== undefined || old.instance === undefined) return old.generation;
  const me = ownerFromSeed(old.idSeed, old.instance);
  const { claim, record } = claimIn(limit.properties, me);
  const decision = importDecision({ claim });
  if (decision === "refuse-unverifiable") {
    // Pay-i's Limit model has no properties: without them neither the owner record nor the limit's own
    // properties and reset schedule can be read, and an update would write over both.
    throw userError(
      `limit '${limit.limit_name}' (${limit.limit_id}) cannot be imported: Pay-i did not return its properties, so pulumi-limits can read neither its owner record (another stack may manage it) nor its properties. If no other stack manages it, declare it with limitId: "${limit.limit_id}" and adopt: true instead, with the properties it has.`,
    );
  }
  if (decision === "refuse-owned-elsewhere" && record) {
    throw userError(ownedElsewhere(`limit '${limit.limit_name}' (${limit.limit_id})`, record, me, release(limit.limit_id)));
  }
  return record?.generation;
}

/** The inputs that changed: those that replace the limit, and those that change in place. */
function changedInputs(olds: LimitOutputs, news: LimitInputs): { replaces: string[]; inPlace: string[] } {
  const replaces: string[] = LIMIT_REPLACING.filter((key) => key !== "limitId" || news.limitId !== undefined).filter(
    (key) => !same(olds[key], news[key]),
  );
  const updates: string[] = LIMIT_UPDATABLE.filter((key) => !same(olds[key], news[key]));
  // A rename through `aliases` (or of the stack) moves the owner record to the new name.
  if (!same(ownerOf(olds), isUnknown(news.instance) ? news.instance : ownerOf(news))) updates.push("owner");
  // The engine applies `replaceOnChanges` only to the keys a provider reports as changed, which a
  // dynamic provider cannot report: the constructor passes the option in and it is applied here.
  const forced = updates.filter((key) => replacesOnChange(news.replaceOnChanges, key));
  replaces.push(...forced);
  return { replaces, inPlace: updates.filter((key) => !forced.includes(key)) };
}

/** The reset step the inputs ask of this limit (rules/payi/reset.ts); none while the request is not known yet. */
function resetStepOf(olds: LimitOutputs, news: LimitInputs): "claim" | "apply" | undefined {
  const request: ResetRequest | undefined = isUnknown(news.resetRequest) ? undefined : news.resetRequest;
  return resetStep(request, olds.lastReset, olds.createdAt);
}

/** The record of a limit whose spend counts from now: created, taken, or given a new schedule. */
function startsNow(): ResetRecord {
  return { since: new Date().toISOString() };
}

/**
 * Resets the limit for the period `claimed` holds. Pay-i documents no idempotency for a reset, so a lost
 * answer is never resent (the SDK fails it `mayHaveBeenApplied`); either way the failure leaves the period
 * claimed in state, so no later run resets it a second time: at worst this period's reset is missed, and
 * the message says so.
 */
async function applyReset(api: Payi, limit: ApiLimit, claimed: ResetRecord): Promise<ResetRecord> {
  try {
    const { limit_history } = await api.limits.reset(limit.limit_id);
    return { ...claimed, appliedAt: new Date().toISOString(), spendClearedUsd: limit_history.totals.cost.total.base };
  } catch (error) {
    const what = `limit '${limit.limit_name}' (${limit.limit_id}): the reset for the period from ${claimed.since}`;
    const after =
      "The period stays claimed, so no run resets it again: check the limit's spend (`pulumi-limits status`) and reset it by hand if it was not cleared.";
    // The SDK's own advice (check, then repeat) is this message's: say only what came back.
    if (error instanceof APIError && error.mayHaveBeenApplied) {
      const answer = error.status === undefined ? "no answer came back" : `the answer was HTTP ${error.status}`;
      throw userError(`${what} may or may not have been applied (${answer}). ${after}`, error);
    }
    throw userError(`${what} failed. ${after} ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** A new value keeps the old one, or may (not known yet). */
function keeps(old: unknown, value: unknown): boolean {
  return isUnknown(value) || same(old, value);
}

function keepsId(olds: LimitOutputs, news: LimitInputs): boolean {
  if (news.limitId !== undefined) return keeps(olds.limitId, news.limitId);
  if ([news.limitType, news.threshold, news.instance].some(isUnknown)) return true;
  return deterministicLimitId(news) === olds.limitId;
}

/**
 * Limits a create of this run created, took or adopted while their owner record could not be read: a
 * replacement that had to land on the same limit (same derived id), or a resource renamed without an alias
 * adopting the limit its old name held. The old resource's delete, later in the same run, must leave them
 * (rules/ownership.ts); with a readable record the generation tells it instead.
 */
const heldByThisRun = new Set<string>();

/** The limit with this id, or undefined when there is none. */
function retrieveIfAny(api: Payi, limitId: string): Promise<ApiLimit | undefined> {
  return api.limits.retrieve(limitId).then(
    (r) => r.limit,
    (error: unknown) => (isGone(error, GONE) ? undefined : Promise.reject(error)),
  );
}

/**
 * A create met an existing limit (a conflict, Pay-i's idempotent answer with someone else's limit, or a
 * declared id that is taken): the ownership table (rules/ownership.ts) decides whether this resource takes
 * it, adopts it, or refuses saying whose it is and what to do.
 */
async function takeOver(
  api: Payi,
  inputs: LimitInputs,
  limitId: string,
  generation: string,
  conflict: ConflictError | undefined,
  known?: ApiLimit,
) {
  const byId = known ?? (await retrieveIfAny(api, limitId));
  const existing = byId ?? (await findByName(api, inputs.limitName));
  if (!existing)
    throw userError(`creating limit '${inputs.limitName}' (${limitId}): ${conflict?.message ?? "Pay-i returned another limit"}`);
  const what = `limit '${existing.limit_name}' (${existing.limit_id})`;
  const owner = ownerOf(inputs);
  const { claim, record } = claimIn(existing.properties, owner);
  const found: Found = byId
    ? inputs.limitId === undefined
      ? "derived-id"
      : "declared-id"
    : derivedByThisResource(existing, inputs)
      ? "derived-id"
      : "identity";
  const decision = createDecision({ claim, found, adopt: inputs.adopt });
  if (decision === "refuse-owned-elsewhere" && record) {
    throw userError(ownedElsewhere(what, record, owner, release(existing.limit_id)));
  }
  if (decision === "refuse-unverifiable") {
    throw userError(
      `a limit named '${existing.limit_name}' already exists in Pay-i (limit_id '${existing.limit_id}'), and Pay-i does not return its owner record, so pulumi-limits cannot tell whether another stack manages it: adopt: true takes a limit found by its name only where that record can be read. If no other stack manages it, name it by its id as well (limitId: "${existing.limit_id}" with adopt: true), or choose another limitName.`,
    );
  }
  if (decision !== "take" && decision !== "adopt") {
    const unreadable = claim === "unreadable";
    const also = unreadable && found === "identity" ? ` and limitId: "${existing.limit_id}"` : "";
    const whose = unreadable
      ? "Pay-i does not return its owner record: make sure no other stack manages it"
      : "no stack manages it";
    throw userError(
      `a limit named '${existing.limit_name}' already exists in Pay-i (limit_id '${existing.limit_id}'). To manage it with Pulumi, set adopt: true${also} on this Limit (${whose}; its type and threshold must match), or choose another limitName.${conflict ? ` ${conflict.message}` : ""}`,
    );
  }
  const mismatch = [
    existing.limit_type !== inputs.limitType
      ? `limitType (existing ${existing.limit_type}, declared ${inputs.limitType})`
      : undefined,
    effectiveThreshold(existing.threshold) !== effectiveThreshold(inputs.threshold)
      ? `threshold (existing ${existing.threshold ?? "none"}, declared ${inputs.threshold ?? "none"})`
      : undefined,
  ].filter(Boolean);
  if (decision === "take" && (existing.limit_id !== limitId || mismatch.length > 0)) {
    const held = existing.limit_id === limitId ? `the id '${limitId}'` : `the name '${existing.limit_name}'`;
    throw userError(
      `${what} was created by this resource before (the limit it replaces, or a create interrupted before it was saved) and still holds ${held}, which Pay-i keeps unique: the new limit cannot be created while it exists. A replacement that keeps the name or the id must delete the old limit first: remove \`deleteBeforeReplace: false\` from this resource, or change the name.`,
    );
  }
  if (mismatch.length > 0) {
    throw userError(
      `cannot adopt ${what}: ${mismatch.join(" and ")} differ and Pay-i cannot change them. Change the declaration to match, or delete the existing limit.`,
    );
  }
  if (claim === "unreadable") heldByThisRun.add(existing.limit_id);
  const limit = await converge(api, existing, inputs, formatOwnerRecord({ ...owner, generation }));
  return { id: limit.limit_id, outs: toOutputs(inputs, limit, generation, startsNow()) };
}

/**
 * Whether a limit found by its name sits at the id this resource derives for the limit's own type and
 * threshold: an earlier limit of this resource (the one a create-first replacement replaces), since only this
 * resource of this stack instance derives that id. Tells it from someone else's where no record is echoed.
 */
function derivedByThisResource(existing: ApiLimit, inputs: LimitInputs): boolean {
  const earlier = { ...inputs, limitType: existing.limit_type, threshold: declaredThreshold(existing.threshold) };
  return inputs.limitId === undefined && existing.limit_id === deterministicLimitId(earlier);
}

/**
 * Brings a live limit's mutable fields (name, max, properties and the owner record) to `wanted`, sending
 * only what differs. Where Pay-i returns no properties (its `Limit` model has none), `previous` (what the
 * state says was written) tells which keys to remove; without it, none are: nothing unknown is deleted.
 */
async function converge(
  api: Payi,
  live: ApiLimit,
  wanted: LimitInputs,
  ownerRecord: string,
  previous: Record<string, string> = {},
): Promise<ApiLimit> {
  const target = limitToApi(wanted, live.limit_id, ownerRecord);
  const change: LimitUpdateParams = {};
  if (!same(live.limit_name, target.limit_name)) change.limit_name = target.limit_name;
  if (!same(live.max, target.max)) change.max = target.max;
  if (Object.keys(change).length > 0) await api.limits.update(live.limit_id, change);
  // The last-reset marker is the service's own (rules/payi/reset.ts): never patched away.
  const current = withoutResetMarker(definedProperties(live.properties ?? previous));
  const { properties } = target;
  if (!same(current, properties)) {
    await api.limits.properties.update(live.limit_id, { properties: propertyPatch(current, properties) });
  }
  return (await api.limits.retrieve(live.limit_id)).limit;
}

async function findByName(api: Payi, name: string): Promise<ApiLimit | undefined> {
  const page = await api.limits.list({ limit_name: name });
  return page.items[0];
}

function toOutputs(
  inputs: StoredLimitInputs,
  limit: ApiLimit,
  generation: string | undefined,
  lastReset: ResetRecord | undefined,
): LimitOutputs {
  // The request is this run's: the outputs keep what it did, in `lastReset`.
  const { threshold, resetRequest: _request, ...rest } = inputs;
  return {
    ...rest,
    ...(threshold !== undefined ? { threshold } : {}),
    ...(generation !== undefined ? { generation } : {}),
    ...(lastReset !== undefined ? { lastReset } : {}),
    limitId: limit.limit_id,
    spendUsd: limit.totals.cost.total.base,
    state: spendState(limit.totals.cost.total.base, limit.max, limit.threshold),
    createdAt: limit.limit_creation_timestamp,
    updatedAt: limit.limit_update_timestamp,
  };
}

/**
 * The outputs always hold the limitId; it was declared only if it differs from the one derived from the seed,
 * with the stack instance or, for a limit created before stack instances, without it.
 */
function isDeclaredId(old: LimitOutputs): boolean {
  const derived = { idSeed: old.idSeed, limitType: old.limitType, threshold: old.threshold };
  return (
    old.limitId !== deterministicLimitId({ ...derived, instance: old.instance }) && old.limitId !== deterministicLimitId(derived)
  );
}

/** The owner a limit's inputs name (see `ownerFromSeed`); none before this resource records itself on the limit. */
function ownerOf(inputs: LimitInputs): Owner;
function ownerOf(inputs: StoredLimitInputs): Owner | undefined;
function ownerOf(inputs: StoredLimitInputs): Owner | undefined {
  return inputs.instance === undefined ? undefined : ownerFromSeed(inputs.idSeed, inputs.instance);
}
