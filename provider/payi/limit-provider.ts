import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { ConflictError, NotFoundError, type Limit as ApiLimit, type Payi } from "../../sdk/payi/index.js";
import { maxBelowSpend } from "../../rules/payi/limit.js";
import { definedProperties, propertyPatch } from "../../rules/payi/properties.js";
import { scheduleOf, withoutResetMarker } from "../../rules/payi/reset.js";
import { spendState } from "../../rules/payi/spend-state.js";
import { toUnits } from "../../rules/payi/money.js";
import { failure, userError, warn } from "./client.js";
import { LimitInputsSchema, checkInputs, type LimitInputs } from "./inputs.js";

/** Outputs of a `Limit`: its inputs plus what the service computes. */
export interface LimitOutputs extends LimitInputs {
  limitId: string;
  threshold?: number;
  spendUsd: number;
  state: "ok" | "exceeded" | "overrun";
  createdAt: string;
  updatedAt: string;
}

/** Inputs that change in place, and those that force a new limit (Pay-i cannot change them). */
const UPDATABLE = ["limitName", "max", "properties"] as const;
const REPLACING = ["limitType", "threshold", "limitId"] as const;

/**
 * The id a limit gets when the program names none: derived from the stack and resource (the seed) and
 * the settings that force replacement, so a retried or crashed create converges on the same limit, and
 * a replacement (new type or threshold) never collides with the limit it replaces.
 */
export function deterministicLimitId(inputs: Pick<LimitInputs, "idSeed" | "limitType" | "threshold">): string {
  const digest = createHash("sha256")
    .update([inputs.idSeed, inputs.limitType, inputs.threshold ?? ""].join("\u0000"))
    .digest("hex");
  return `pl-${digest.slice(0, 24)}`;
}

/** The `Limit` dynamic provider, bound to a configured client. */
export function limitProvider(client: () => Payi): Required<Omit<pulumi.dynamic.ResourceProvider, "configure">> {
  return {
    async check(_olds, news) {
      return checkInputs(LimitInputsSchema, news);
    },

    async diff(id, olds: LimitOutputs, news: LimitInputs) {
      const replaces = REPLACING.filter((key) => key !== "limitId" || news.limitId !== undefined).filter(
        (key) => !same(olds[key], news[key]),
      );
      const updates = UPDATABLE.filter((key) => !same(olds[key], news[key]));
      if (replaces.length === 0 && updates.length === 0) return { changes: false };

      const live = await client().limits.retrieve(id).then(
        (r) => r.limit,
        (error: unknown) => (error instanceof NotFoundError ? undefined : Promise.reject(failure(`limit ${id}`, error))),
      );
      const spend = live?.totals.cost.total.base ?? 0;
      if (replaces.length > 0) {
        if (spend > 0) {
          await warn(
            `replacing limit '${olds.limitName}' (${id}) to change ${replaces.join(", ")} discards its tracked spend of $${spend.toFixed(5)}; the new limit starts at $0`,
          );
        }
      } else if (updates.includes("max") && live && maxBelowSpend(news.max, toUnits(spend))) {
        throw userError(
          `limit '${news.limitName}' (${id}): max ${news.max} is below its current spend of $${spend.toFixed(5)}; Pay-i would reject the update (invalid_max_limit_update). Raise max to at least ${spend}, or reset the limit first.`,
        );
      }
      return {
        changes: true,
        replaces: [...replaces],
        // Names are unique in Pay-i: a replacement that keeps the name must delete the old limit first.
        // Otherwise create first, so enforcement never lapses.
        deleteBeforeReplace: replaces.length > 0 && olds.limitName === news.limitName,
      };
    },

    async create(inputs: LimitInputs) {
      const limitId = inputs.limitId ?? deterministicLimitId(inputs);
      const api = client();
      try {
        const { limit } = await api.limits.create({
          limit_id: limitId,
          limit_name: inputs.limitName,
          max: inputs.max,
          limit_type: inputs.limitType,
          threshold: inputs.threshold ?? null,
          properties: inputs.properties,
        });
        return { id: limit.limit_id, outs: toOutputs(inputs, limit) };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw failure(`creating limit '${inputs.limitName}' (${limitId})`, error);
        return takeOver(api, inputs, limitId, error);
      }
    },

    async read(id, props?: LimitOutputs) {
      try {
        const { limit } = await client().limits.retrieve(id);
        const old = props ?? ({} as Partial<LimitOutputs>);
        const properties = limit.properties == null ? (old.properties ?? {}) : withoutResetMarker(definedProperties(limit.properties));
        const inputs: LimitInputs = {
          limitName: limit.limit_name,
          max: limit.max,
          limitType: limit.limit_type,
          ...(limit.threshold != null ? { threshold: limit.threshold } : {}),
          ...(isDeclaredId(old) ? { limitId: limit.limit_id } : {}),
          properties,
          adopt: old.adopt ?? false,
          idSeed: old.idSeed ?? "",
          ...scheduleOf(properties),
        };
        return { id, props: toOutputs(inputs, limit), inputs };
      } catch (error) {
        if (error instanceof NotFoundError) return {};
        throw failure(`reading limit ${id}`, error);
      }
    },

    async update(id, olds: LimitOutputs, news: LimitInputs) {
      try {
        return { outs: toOutputs(news, await converge(client(), id, olds, news)) };
      } catch (error) {
        throw failure(`updating limit '${news.limitName}' (${id})`, error);
      }
    },

    async delete(id) {
      try {
        await client().limits.delete(id);
      } catch (error) {
        if (error instanceof NotFoundError) return;
        throw failure(`deleting limit ${id}`, error);
      }
    },
  };
}

/**
 * A create hit an existing limit. Ours (same deterministic or declared id, e.g. after a crash) or
 * adopted on purpose: converge its mutable fields. Anyone else's: fail and say how to adopt it.
 */
async function takeOver(api: Payi, inputs: LimitInputs, limitId: string, conflict: ConflictError) {
  const byId = await api.limits.retrieve(limitId).then(
    (r) => r.limit,
    (error: unknown) => (error instanceof NotFoundError ? undefined : Promise.reject(error)),
  );
  const existing = byId ?? (await findByName(api, inputs.limitName));
  const ours = byId !== undefined && (inputs.limitId !== undefined || existing?.limit_name === inputs.limitName);
  if (!existing || (!ours && !inputs.adopt)) {
    const holder = existing ? ` (limit_id '${existing.limit_id}')` : "";
    throw userError(
      `a limit named '${inputs.limitName}' already exists in Pay-i${holder}. To manage it with Pulumi, set adopt: true on this Limit (its type and threshold must match), or choose another limitName. ${conflict.message}`,
    );
  }
  const mismatch = [
    existing.limit_type !== inputs.limitType ? `limitType (existing ${existing.limit_type}, declared ${inputs.limitType})` : undefined,
    (existing.threshold ?? null) !== (inputs.threshold ?? null)
      ? `threshold (existing ${existing.threshold ?? "none"}, declared ${inputs.threshold ?? "none"})`
      : undefined,
  ].filter(Boolean);
  if (mismatch.length > 0) {
    throw userError(
      `cannot adopt limit '${existing.limit_name}' (${existing.limit_id}): ${mismatch.join(" and ")} differ and Pay-i cannot change them. Change the declaration to match, or delete the existing limit.`,
    );
  }
  const current = { limitName: existing.limit_name, max: existing.max, properties: withoutResetMarker(definedProperties(existing.properties)) };
  const limit = await converge(api, existing.limit_id, current, inputs);
  return { id: limit.limit_id, outs: toOutputs(inputs, limit) };
}

/** Brings a limit's mutable fields (name, max, properties) from `current` to `wanted`, sending only what differs. */
async function converge(
  api: Payi,
  limitId: string,
  current: Pick<LimitInputs, "limitName" | "max" | "properties">,
  wanted: LimitInputs,
): Promise<ApiLimit> {
  const change: { limit_name?: string; max?: number } = {};
  if (!same(current.limitName, wanted.limitName)) change.limit_name = wanted.limitName;
  if (!same(current.max, wanted.max)) change.max = wanted.max;
  if (Object.keys(change).length > 0) await api.limits.update(limitId, change);
  if (!same(current.properties, wanted.properties)) {
    await api.limits.properties.update(limitId, { properties: propertyPatch(current.properties, wanted.properties) });
  }
  return (await api.limits.retrieve(limitId)).limit;
}

async function findByName(api: Payi, name: string): Promise<ApiLimit | undefined> {
  const page = await api.limits.list({ limit_name: name });
  return page.items[0];
}

function toOutputs(inputs: LimitInputs, limit: ApiLimit): LimitOutputs {
  const { threshold, ...rest } = inputs;
  return {
    ...rest,
    ...(threshold !== undefined ? { threshold } : {}),
    limitId: limit.limit_id,
    spendUsd: limit.totals.cost.total.base,
    state: spendState(limit.totals.cost.total.base, limit.max, limit.threshold),
    createdAt: limit.limit_creation_timestamp,
    updatedAt: limit.limit_update_timestamp,
  };
}

// A limitId in old outputs is always present; it was declared only if it differs from the derived one.
function isDeclaredId(old: Partial<LimitOutputs>): boolean {
  return old.limitId !== undefined && old.idSeed !== undefined && old.limitType !== undefined
    ? old.limitId !== deterministicLimitId({ idSeed: old.idSeed, limitType: old.limitType, threshold: old.threshold })
    : false;
}

/** Structural equality for JSON-like input values; undefined and null are the same (not declared). */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a ?? null)) === JSON.stringify(sortKeys(b ?? null));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
