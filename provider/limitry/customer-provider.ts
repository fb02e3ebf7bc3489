import { z } from "zod";
import { APIError, type Customer as ApiCustomer, type CustomerCreateParams, type Limitry } from "../../sdk/limitry/index.js";
import { createDecision } from "../../rules/ownership.js";
import { customerViolations, parseTimestamp } from "../../rules/limitry/validation.js";
import { describeViolation } from "../../rules/violation.js";
import { same } from "../diff.js";
import { warn } from "../engine-log.js";
import { checkFailure, failure, userError } from "../errors.js";
import type { TypedProvider } from "../typed-provider.js";
import { CreateOnce } from "./create-once.js";

/** Inputs of a `limitry.Customer`, as stored in state after `check`. */
const CustomerInputsSchema = z.object({
  externalId: z.string({ error: "externalId is required and must be a string" }),
  name: z.string().optional(),
  timezone: z.string().optional(),
  billingCycleStart: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Take over the customer Limitry already holds with this `externalId` instead of failing on it. */
  adopt: z.boolean().optional(),
  /** Set by the resource class: the stack instance and `organization/project/stack/name` its create's idempotency key derives from. */
  instance: z.string().optional(),
  idSeed: z.string().optional(),
});
export type CustomerInputs = z.infer<typeof CustomerInputsSchema>;

/** Outputs of a `limitry.Customer`: its inputs, Limitry's id, the billing cycle in force and timestamps. */
export interface CustomerOutputs extends CustomerInputs {
  customerId: string;
  /** The billing cycle Limitry holds (the create's time when none was declared). */
  effectiveBillingCycleStart: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Every field but `externalId` changes in place (PUT /customers/{id}); `externalId` is the identity. */
export const CUSTOMER_UPDATABLE = ["name", "timezone", "billingCycleStart", "metadata"] as const;
export const CUSTOMER_REPLACING = ["externalId"] as const;

function inputsOf(customer: ApiCustomer): CustomerInputs {
  return {
    externalId: customer.externalId,
    ...(customer.name ? { name: customer.name } : {}),
    ...(customer.timezone ? { timezone: customer.timezone } : {}),
    ...(customer.billingCycleStart ? { billingCycleStart: customer.billingCycleStart } : {}),
    ...(customer.metadata && Object.keys(customer.metadata).length > 0 ? { metadata: customer.metadata } : {}),
  };
}

function outputsOf(inputs: CustomerInputs, customer: ApiCustomer): CustomerOutputs {
  return {
    ...inputs,
    customerId: customer.id,
    effectiveBillingCycleStart: customer.billingCycleStart ?? null,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
  };
}

/** The body that sets every updatable field to its declared value (absent: cleared). */
function declared(inputs: CustomerInputs) {
  return {
    name: inputs.name ?? null,
    timezone: inputs.timezone ?? null,
    metadata: inputs.metadata ?? null,
    ...(inputs.billingCycleStart === undefined ? {} : { billingCycleStart: inputs.billingCycleStart }),
  };
}

/** Two spellings of one billing cycle (Limitry answers `…T00:00:00.000Z` for a declared `…T00:00:00Z`). */
function sameCycle(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const [x, y] = [parseTimestamp(a), parseTimestamp(b)];
  return x !== undefined && y !== undefined ? x.getTime() === y.getTime() : a === b;
}

/** Whether a declared field differs from the state's (a billing cycle by the instant it names). */
function differs(key: (typeof CUSTOMER_UPDATABLE)[number], olds: CustomerInputs, news: CustomerInputs): boolean {
  return key === "billingCycleStart" ? !sameCycle(olds[key], news[key]) : !same(olds[key], news[key]);
}

/** Whether `customer` holds other values than `inputs` declare (its billing cycle only when one is declared). */
function drifted(customer: ApiCustomer, inputs: CustomerInputs): boolean {
  const live = inputsOf(customer);
  return CUSTOMER_UPDATABLE.some(
    (key) => !(key === "billingCycleStart" && inputs[key] === undefined) && differs(key, live, inputs),
  );
}

/**
 * The billing cycle `read` reports as declared: none when none was declared (the one Limitry set is not drift),
 * the declared spelling while Limitry holds the same instant, else Limitry's.
 */
function readCycle(live: string | undefined, props: CustomerOutputs | undefined): { billingCycleStart?: string } {
  if (props === undefined) return live === undefined ? {} : { billingCycleStart: live };
  if (props.billingCycleStart === undefined || live === undefined) return {};
  return { billingCycleStart: sameCycle(live, props.billingCycleStart) ? props.billingCycleStart : live };
}

function isGone(error: unknown): boolean {
  return error instanceof APIError && error.status === 404 && error.code === "customer_not_found";
}

/** Limitry's answer to a create naming an `externalId` it holds. */
function isTaken(error: unknown): boolean {
  return error instanceof APIError && error.status === 409 && error.code === "customer_already_exists";
}

/**
 * The `limitry.Customer` dynamic provider: a customer is identified by its `externalId` (the id events, limits
 * and checks name). Create refuses an `externalId` Limitry already holds unless `adopt: true` (it would take over
 * whose windows another stack or system set); every other call names the customer this resource holds. The
 * create carries an idempotency key derived from the stack instance, the resource and its declaration
 * (create-once.ts): the rerun of a run stopped after Limitry made the customer, before the state recorded
 * it, is answered with that customer and takes it over, where its `externalId` would otherwise be refused.
 * Updates use `PUT /customers/{id}` and delete `DELETE /customers/{id}`, which the local service offers and
 * Limitry's docs do not show: against a Limitry without them, an update fails saying so and a delete leaves
 * the customer (with a warning), since its usage history lives there.
 */
export function customerProvider(client: () => Limitry): TypedProvider<CustomerInputs, CustomerOutputs> {
  const once = new CreateOnce<ApiCustomer, CustomerInputs, CustomerCreateParams>({
    kind: "customer",
    create: (body, key) => client().customers.create(body, key ? { headers: { "Idempotency-Key": key } } : undefined),
    retrieve: (id) =>
      client()
        .customers.retrieve(id)
        .catch((error: unknown) => (isGone(error) ? undefined : Promise.reject(error))),
    delete: (id) =>
      client()
        .customers.delete(id)
        .then(() => undefined),
    find: (inputs) =>
      client()
        .customers.retrieve(inputs.externalId)
        .catch((error: unknown) => (isGone(error) ? undefined : Promise.reject(error))),
  });
  return {
    async check(_olds, news) {
      const own = Object.fromEntries(Object.entries(news).filter(([key]) => !key.startsWith("__")));
      const parsed = CustomerInputsSchema.safeParse(own);
      if (!parsed.success) {
        return {
          inputs: news,
          failures: parsed.error.issues.map((issue) => checkFailure(issue, own)),
        };
      }
      const violations = customerViolations(parsed.data);
      if (violations.length === 0) return { inputs: parsed.data };
      return {
        inputs: news,
        failures: violations.map((v) => ({ property: v.field.split(/[.[]/)[0] ?? v.field, reason: describeViolation(v) })),
      };
    },

    async diff(id, olds: CustomerOutputs, news: CustomerInputs) {
      const replaces: string[] = CUSTOMER_REPLACING.filter((key) => !same(olds[key], news[key]));
      const updates = CUSTOMER_UPDATABLE.filter((key) => differs(key, olds, news));
      if (replaces.length + updates.length === 0) return { changes: false };
      if (replaces.length > 0) {
        await warn(
          `replacing Limitry customer '${olds.externalId}' (${id}) by '${news.externalId}': events, limits and checks name customers by externalId, so usage recorded under the old one does not move`,
        );
      }
      return { changes: true, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: CustomerInputs) {
      const what = `creating Limitry customer '${inputs.externalId}'`;
      try {
        const customer = await once.create(inputs, inputs.externalId, { externalId: inputs.externalId, ...declared(inputs) });
        // Taken over from an earlier run and changed since: converge it.
        const current = drifted(customer, inputs) ? await client().customers.update(customer.id, declared(inputs)) : customer;
        return { id: current.id, outs: outputsOf(inputs, current) };
      } catch (error) {
        if (!isTaken(error)) throw failure(what, error);
      }
      // Limitry holds this externalId and did not answer this resource's key with it: another's customer (made by
      // its first event, another stack or by hand), or one an earlier run made from another declaration.
      const existing = await client()
        .customers.retrieve(inputs.externalId)
        .catch((error: unknown) => Promise.reject(failure(what, error)));
      if (createDecision({ claim: "unreadable", found: "declared-id", adopt: inputs.adopt === true }) !== "adopt") {
        throw userError(
          `${what}: Limitry already holds a customer with this externalId (${existing.id}, created ${existing.createdAt}), made by its first event, by someone else, or by an earlier run of this resource stopped before it recorded it, with another declaration; set adopt: true on this resource to take it over (its timezone, billing cycle, name and metadata become the declared ones), or choose another externalId.`,
        );
      }
      try {
        const customer = await client().customers.update(existing.id, declared(inputs));
        once.tookOver(customer.id);
        return { id: customer.id, outs: outputsOf(inputs, customer) };
      } catch (error) {
        throw failure(what, error);
      }
    },

    async read(id, props?: CustomerOutputs) {
      try {
        const customer = await client().customers.retrieve(id);
        const { billingCycleStart, ...live } = inputsOf(customer);
        // Keys are left out, never set to undefined: the engine cannot serialize an undefined value.
        const inputs = { ...live, ...readCycle(billingCycleStart, props), ...(props?.adopt ? { adopt: true } : {}) };
        return { id, props: outputsOf(inputs, customer), inputs };
      } catch (error) {
        if (isGone(error)) return {};
        throw failure(`reading Limitry customer ${id}`, error);
      }
    },

    async update(id, olds: CustomerOutputs, news: CustomerInputs) {
      try {
        const customer = await client().customers.update(id, {
          ...(same(olds.name, news.name) ? {} : { name: news.name ?? null }),
          ...(same(olds.timezone, news.timezone) ? {} : { timezone: news.timezone ?? null }),
          ...(same(olds.metadata, news.metadata) ? {} : { metadata: news.metadata ?? null }),
          ...(sameCycle(olds.billingCycleStart, news.billingCycleStart)
            ? {}
            : { billingCycleStart: news.billingCycleStart ?? null }),
        });
        return { outs: outputsOf(news, customer) };
      } catch (error) {
        if (error instanceof APIError && error.status === 404 && error.code !== "customer_not_found") {
          throw userError(
            `updating Limitry customer '${news.externalId}' (${id}): this Limitry API has no customer update (PUT /customers/{id}, which the local service offers); change it in Limitry's dashboard, or replace it by changing externalId.`,
            error,
          );
        }
        throw failure(`updating Limitry customer '${news.externalId}' (${id})`, error);
      }
    },

    async delete(id, props: CustomerOutputs) {
      if (!once.deletes(id)) return;
      try {
        await client().customers.delete(id);
      } catch (error) {
        if (isGone(error)) return;
        if (error instanceof APIError && error.status === 404) {
          await warn(
            `Limitry customer '${props.externalId}' (${id}) is left in Limitry: this API has no customer delete (DELETE /customers/{id}, which the local service offers).`,
          );
          return;
        }
        throw failure(`deleting Limitry customer ${id}`, error);
      }
    },
  };
}
