import {
  APIError,
  type Limitry,
  type Limit as ApiLimit,
  type LimitCreateParams,
  type Meter as ApiMeter,
  type MeterCreateParams,
} from "../../sdk/limitry/index.js";
import { same } from "../diff.js";
import { warn } from "../engine-log.js";
import type { TypedProvider } from "../typed-provider.js";
import { failure, userError } from "../errors.js";
import { isGone } from "./client.js";
import { CreateOnce, type CreateIdentity } from "./create-once.js";
import { limitFromApi, limitToApi, meterFromApi, meterToApi } from "./wire.js";
import { checkLimit, checkMeter, type LimitInputs, type MeterInputs } from "./inputs.js";

/** Outputs of a `limitry.Meter`: its inputs, its Limitry id and timestamps. */
export interface MeterOutputs extends MeterInputs {
  meterId: string;
  createdAt: string;
  updatedAt: string;
}

/** Outputs of a `limitry.Limit`: its inputs, its Limitry id and timestamps. */
export interface LimitOutputs extends LimitInputs {
  limitId: string;
  createdAt: string;
  updatedAt: string;
}

/** A meter's name and description change in place; what it counts (aggregation, field, filter) replaces it. */
export const METER_UPDATABLE = ["name", "description"] as const;
export const METER_REPLACING = ["aggregation", "field", "eventFilter"] as const;
/** A limit's name, value and alerts change in place; what it counts (meter, period, customer, filters) replaces it. */
export const LIMIT_UPDATABLE = ["name", "limitValue", "alertThresholds"] as const;
export const LIMIT_REPLACING = ["meterId", "period", "customerId", "dimensionFilters"] as const;
/** How the object a create may have made is recognised: its name and what it counts. */
const METER_MATCHING = ["name", ...METER_REPLACING] as const;
const LIMIT_MATCHING = ["name", ...LIMIT_REPLACING] as const;

function changes<T, K extends keyof T>(olds: T, news: T, updatable: readonly K[], replacing: readonly K[]) {
  return {
    updates: updatable.filter((key) => !same(olds[key], news[key])),
    replaces: replacing.filter((key) => !same(olds[key], news[key])),
  };
}

/**
 * The `limitry.Meter` dynamic provider, bound to a configured client. Limitry ids are the service's and
 * names are not unique: a create makes a new object (or, with `adoptId`, takes over the one named on
 * purpose) and every other call names the id this resource holds, so a resource never touches an object
 * it does not own. A replacement is created before the old object is deleted, so counting never lapses.
 */
export function meterProvider(client: () => Limitry): TypedProvider<MeterInputs, MeterOutputs> {
  const once = new CreateOnce<ApiMeter, MeterInputs, MeterCreateParams>({
    kind: "meter",
    create: (body, key) => client().meters.create(body, keyed(key)),
    retrieve: (id) => client().meters.retrieve(id).catch(unlessGone("meter_not_found")),
    delete: (id) =>
      client()
        .meters.delete(id)
        .then(() => undefined),
    list: () => client().meters.list({ limit: 100 }),
    inputsOf: meterFromApi,
    identity: METER_MATCHING,
  });
  return {
    async check(_olds, news) {
      return checkMeter(news);
    },

    async diff(id, olds: MeterOutputs, news: MeterInputs) {
      const { updates, replaces } = changes<MeterInputs, keyof MeterInputs>(olds, news, METER_UPDATABLE, METER_REPLACING);
      if (updates.length + replaces.length === 0) return { changes: false };
      if (replaces.length > 0) {
        await warn(
          `replacing Limitry meter '${olds.name}' (${id}) to change ${replaces.join(", ")}: it gets a new id, and every limit counting it is replaced too`,
        );
      }
      return { changes: true, replaces: [...replaces], deleteBeforeReplace: false };
    },

    async create(inputs: MeterInputs) {
      if (inputs.adoptId) return adoptMeter(client(), inputs, inputs.adoptId);
      try {
        const meter = await once.create(inputs, inputs.name, meterToApi(inputs));
        const changed = METER_UPDATABLE.filter((key) => !same(meterFromApi(meter)[key], inputs[key]));
        // Taken over from an earlier run and renamed since: converge it.
        const current =
          changed.length === 0
            ? meter
            : await client().meters.update(meter.id, { name: inputs.name, description: inputs.description ?? null });
        return { id: current.id, outs: meterOutputs(inputs, current) };
      } catch (error) {
        throw createFailure("meter", inputs.name, error);
      }
    },

    async read(id, props: MeterOutputs) {
      try {
        const meter = await client().meters.retrieve(id);
        const inputs = { ...meterFromApi(meter), ...declaredOnly(props) };
        return { id, props: meterOutputs(inputs, meter), inputs };
      } catch (error) {
        if (isGone(error, "meter_not_found")) return {};
        throw failure(`reading Limitry meter ${id}`, error);
      }
    },

    async update(id, olds: MeterOutputs, news: MeterInputs) {
      try {
        const meter = await client().meters.update(id, {
          ...(same(olds.name, news.name) ? {} : { name: news.name }),
          ...(same(olds.description, news.description) ? {} : { description: news.description ?? null }),
        });
        return { outs: meterOutputs(news, meter) };
      } catch (error) {
        throw failure(`updating Limitry meter '${news.name}' (${id})`, error);
      }
    },

    async delete(id) {
      if (!once.deletes(id)) return;
      try {
        await client().meters.delete(id);
      } catch (error) {
        if (isGone(error, "meter_not_found")) return;
        throw failure(`deleting Limitry meter ${id}`, error);
      }
    },
  };
}

/** The `limitry.Limit` dynamic provider, bound to a configured client. */
export function limitProvider(client: () => Limitry): TypedProvider<LimitInputs, LimitOutputs> {
  const once = new CreateOnce<ApiLimit, LimitInputs, LimitCreateParams>({
    kind: "limit",
    create: (body, key) => client().limits.create(body, keyed(key)),
    retrieve: (id) => client().limits.retrieve(id).catch(unlessGone("limit_not_found")),
    delete: (id) =>
      client()
        .limits.delete(id)
        .then(() => undefined),
    list: () => client().limits.list({ limit: 100 }),
    inputsOf: limitFromApi,
    identity: LIMIT_MATCHING,
  });
  return {
    async check(_olds, news) {
      return checkLimit(news);
    },

    async diff(id, olds: LimitOutputs, news: LimitInputs) {
      const { updates, replaces } = changes<LimitInputs, keyof LimitInputs>(olds, news, LIMIT_UPDATABLE, LIMIT_REPLACING);
      if (updates.length + replaces.length === 0) return { changes: false };
      if (replaces.length > 0) {
        const who = olds.customerId ? ` for customer '${olds.customerId}'` : "";
        await warn(
          `replacing Limitry limit '${olds.name}' (${id})${who} to change ${replaces.join(", ")}: it gets a new id and counts what the new definition matches; alerts already sent this window may fire again`,
        );
      }
      return { changes: true, replaces: [...replaces], deleteBeforeReplace: false };
    },

    async create(inputs: LimitInputs) {
      if (inputs.adoptId) return adoptLimit(client(), inputs, inputs.adoptId);
      try {
        const limit = await once.create(inputs, inputs.name, limitToApi(inputs));
        const changed = LIMIT_UPDATABLE.filter((key) => !same(limitFromApi(limit)[key], inputs[key]));
        // Taken over from an earlier run and changed since: converge it.
        const current =
          changed.length === 0
            ? limit
            : await client().limits.update(limit.id, {
                name: inputs.name,
                limitValue: inputs.limitValue,
                alertThresholds: inputs.alertThresholds ?? null,
              });
        return { id: current.id, outs: limitOutputs(inputs, current) };
      } catch (error) {
        throw createFailure("limit", inputs.name, error);
      }
    },

    async read(id, props: LimitOutputs) {
      try {
        const limit = await client().limits.retrieve(id);
        const inputs = { ...limitFromApi(limit), ...declaredOnly(props) };
        return { id, props: limitOutputs(inputs, limit), inputs };
      } catch (error) {
        if (isGone(error, "limit_not_found")) return {};
        throw failure(`reading Limitry limit ${id}`, error);
      }
    },

    async update(id, olds: LimitOutputs, news: LimitInputs) {
      try {
        const limit = await client().limits.update(id, {
          ...(same(olds.name, news.name) ? {} : { name: news.name }),
          ...(same(olds.limitValue, news.limitValue) ? {} : { limitValue: news.limitValue }),
          ...(same(olds.alertThresholds, news.alertThresholds) ? {} : { alertThresholds: news.alertThresholds ?? null }),
        });
        return { outs: limitOutputs(news, limit) };
      } catch (error) {
        throw failure(`updating Limitry limit '${news.name}' (${id})`, error);
      }
    },

    async delete(id) {
      if (!once.deletes(id)) return;
      try {
        await client().limits.delete(id);
      } catch (error) {
        if (isGone(error, "limit_not_found")) return;
        throw failure(`deleting Limitry limit ${id}`, error);
      }
    },
  };
}

/**
 * The error of a failed create. One that may or may not have been applied (a lost answer, a timeout, a 5xx
 * after the SDK's retries) is safe to run again: the create's idempotency key is derived from this resource
 * and what it declares, so the rerun is answered with the object a lost attempt made (see create-once.ts).
 */
function createFailure(kind: "meter" | "limit", name: string, error: unknown): Error {
  const what = `creating Limitry ${kind} '${name}'`;
  if (!(error instanceof APIError && error.mayHaveBeenApplied)) return failure(what, error);
  return userError(
    `${what}: ${error.message}. Run up again: its idempotency key is derived from this resource and its declaration, so Limitry answers the rerun with the ${kind} this attempt made, if it made one, instead of making a second.`,
    error,
  );
}

/**
 * What a state holds that Limitry does not: the object adopted and what the create's idempotency key derives
 * from (declared by the program, so a refresh keeps them).
 */
function declaredOnly(state: CreateIdentity & { adoptId?: string | undefined }) {
  const { adoptId, instance, idSeed } = state;
  return {
    ...(adoptId ? { adoptId } : {}),
    ...(instance !== undefined ? { instance } : {}),
    ...(idSeed !== undefined ? { idSeed } : {}),
  };
}

/** Request options sending `key` as the create's Idempotency-Key (none: the SDK's own per call). */
function keyed(key: string | undefined) {
  return key ? { headers: { "Idempotency-Key": key } } : undefined;
}

/** A retrieve's rejection handler: Limitry's "does not exist" reads as undefined, anything else fails. */
function unlessGone(code: "meter_not_found" | "limit_not_found") {
  return (error: unknown) => (isGone(error, code) ? undefined : Promise.reject(error));
}

/**
 * Takes over an existing meter named by `adoptId`: what it counts (aggregation, field, event filter) must
 * already match the declaration, since changing it would change every limit counting it; name and
 * description are converged.
 */
async function adoptMeter(api: Limitry, inputs: MeterInputs, meterId: string) {
  const existing = await api.meters
    .retrieve(meterId)
    .catch((error: unknown) => Promise.reject(failure(`adopting Limitry meter ${meterId}`, error)));
  const current = meterFromApi(existing);
  const differ = METER_REPLACING.filter((key) => !same(current[key], inputs[key]));
  if (differ.length > 0) {
    throw userError(
      `cannot adopt Limitry meter ${meterId}: its ${differ.join(", ")} ${differ.length === 1 ? "differs" : "differ"} from the declaration (${differ.map((k) => `${k} ${JSON.stringify(current[k])}`).join(", ")}); declare them as they are, or drop adoptId to create a new meter`,
    );
  }
  const changed = METER_UPDATABLE.filter((key) => !same(current[key], inputs[key]));
  const meter =
    changed.length === 0
      ? existing
      : await api.meters.update(meterId, { name: inputs.name, description: inputs.description ?? null });
  return { id: meter.id, outs: meterOutputs(inputs, meter) };
}

/** Takes over an existing limit named by `adoptId`: meter, period, customer and filters must match; the rest is converged. */
async function adoptLimit(api: Limitry, inputs: LimitInputs, limitId: string) {
  const existing = await api.limits
    .retrieve(limitId)
    .catch((error: unknown) => Promise.reject(failure(`adopting Limitry limit ${limitId}`, error)));
  const current = limitFromApi(existing);
  const differ = LIMIT_REPLACING.filter((key) => !same(current[key], inputs[key]));
  if (differ.length > 0) {
    throw userError(
      `cannot adopt Limitry limit ${limitId}: its ${differ.join(", ")} ${differ.length === 1 ? "differs" : "differ"} from the declaration (${differ.map((k) => `${k} ${JSON.stringify(current[k])}`).join(", ")}); declare them as they are, or drop adoptId to create a new limit`,
    );
  }
  const changed = LIMIT_UPDATABLE.filter((key) => !same(current[key], inputs[key]));
  const limit =
    changed.length === 0
      ? existing
      : await api.limits.update(limitId, {
          name: inputs.name,
          limitValue: inputs.limitValue,
          alertThresholds: inputs.alertThresholds ?? null,
        });
  return { id: limit.id, outs: limitOutputs(inputs, limit) };
}

function meterOutputs(inputs: MeterInputs, meter: ApiMeter): MeterOutputs {
  return { ...inputs, meterId: meter.id, createdAt: meter.createdAt, updatedAt: meter.updatedAt };
}

function limitOutputs(inputs: LimitInputs, limit: ApiLimit): LimitOutputs {
  return { ...inputs, limitId: limit.id, createdAt: limit.createdAt, updatedAt: limit.updatedAt };
}
