/**
 * Creating a Limitry meter, limit or customer at most once, whatever stops a run midway. Limitry picks the ids
 * and its objects hold no owner record, so two things stand in for one:
 *
 * - **An idempotency key derived from what the create stands for**: the stack instance, the resource
 *   (`organization/project/stack/name`) and the body it sends. Limitry answers a key it has seen with its
 *   first answer, applied once (reference, first section), so the create of a run that was killed, or whose
 *   answer was lost, is answered on the rerun with the object it made: taken over, not made twice.
 * - **A look for objects of the same identity** before keeping what the create answered. Meter and limit names
 *   are not unique: any other object of the same name and definition is not this resource's (another stack
 *   applying the same file, an object made by hand, a sibling resource), so the create is refused with the
 *   adopt advice, as a Pay-i name conflict is, and the object it just made is deleted again: a cap is never
 *   silently doubled. A customer's `externalId` is unique in Limitry: a create that meets another's fails with
 *   Limitry's conflict, which the customer provider decides on, and the look only tells an earlier run's
 *   customer (answered to this key) from a new one.
 *
 * A replayed answer can name an object deleted since (destroyed, then declared again within the key's
 * lifetime): the answer is checked against the live object, and a gone one moves to the key's next
 * generation (`…:1`, `…:2`): a deterministic sequence, so a rerun walks the same keys and finds what the
 * killed run made, with nothing to record before the create.
 */
import { createHash } from "node:crypto";
import { createDecision, deleteDecision } from "../../rules/ownership.js";
import { same } from "../diff.js";
import { userError } from "../errors.js";

/** What makes the key: the stack instance and resource the inputs carry (set by the resource classes). */
export interface CreateIdentity {
  /** The stack's `StackInstance` id. */
  instance?: string | undefined;
  /** `organization/project/stack/resource-name`. */
  idSeed?: string | undefined;
}

/** Generations tried before giving up: each step means an object made under the previous key was deleted. */
const MAX_GENERATIONS = 20;

/**
 * The `Idempotency-Key` of a create: `pulumi-limits-<kind>-<sha256 of instance, resource and body>`, with
 * `-<n>` for the n-th generation. Undefined without a stack instance (the SDK then sends its own key per call).
 */
function createKey(kind: string, identity: CreateIdentity, body: unknown, generation = 0): string | undefined {
  if (!identity.instance || !identity.idSeed) return undefined;
  const digest = createHash("sha256")
    .update(JSON.stringify([identity.instance, identity.idSeed, canonical(body)]))
    .digest("base64url");
  return `pulumi-limits-${kind}-${digest}${generation > 0 ? `-${generation}` : ""}`;
}

/** `value` with every object's keys sorted, so that equal bodies give equal keys. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** A Limitry object as the create logic needs it. */
interface LimitryObject {
  id: string;
  createdAt: string;
}

/** The calls every kind gives the create logic. */
interface KindCalls<Api extends LimitryObject, Body> {
  /** Sends the create with this key (or the SDK's own when undefined). */
  create(body: Body, key: string | undefined): PromiseLike<Api>;
  /** The live object, or undefined when Limitry says it does not exist. */
  retrieve(id: string): Promise<Api | undefined>;
  delete(id: string): Promise<void>;
}

/** A kind whose objects Limitry does not keep unique (meters, limits): found by listing them. */
interface ListedKindCalls<Api extends LimitryObject, Inputs, Body> extends KindCalls<Api, Body> {
  kind: "meter" | "limit";
  /** Every object of this kind Limitry holds (read once per provider process, see {@link CreateOnce}). */
  list(): AsyncIterable<Api>;
  /** The inputs a wire object holds. */
  inputsOf(object: Api): Inputs;
  /** The inputs that make an object's identity: its name and what it counts. */
  identity: readonly (keyof Inputs)[];
}

/**
 * A kind Limitry keeps unique by an id the declaration names (a customer's `externalId`): a create meeting
 * another object of that id fails with Limitry's conflict (left to the provider), so none is listed.
 */
interface UniqueKindCalls<Api extends LimitryObject, Inputs, Body> extends KindCalls<Api, Body> {
  kind: "customer";
  /** The object Limitry holds at the id `inputs` declare, or undefined. */
  find(inputs: Inputs): Promise<Api | undefined>;
}

/** The calls one kind gives the create logic. */
export type CreateCalls<Api extends LimitryObject, Inputs, Body> =
  | ListedKindCalls<Api, Inputs, Body>
  | UniqueKindCalls<Api, Inputs, Body>;

/**
 * The create logic of one provider (meters, limits or customers), with what it remembers for the process's
 * run: the meters or limits Limitry held when the first create looked (plus those made since), and the objects
 * taken over.
 */
export class CreateOnce<Api extends LimitryObject, Inputs, Body> {
  #listed: Promise<Api[]> | undefined;
  readonly #takenOver = new Set<string>();

  constructor(private readonly calls: CreateCalls<Api, Inputs, Body>) {}

  /**
   * Whether the delete of `id`, an object the state holds, goes ahead (rules/ownership.ts; Limitry objects hold no
   * owner record). Not when this process's create took it over, an object that existed before it: the very
   * object a replacement replaces (a forced replace of an unchanged declaration within the key's lifetime) is
   * the replacement's now.
   */
  deletes(id: string): boolean {
    return deleteDecision({ claim: "unreadable", takenByReplacement: this.#takenOver.has(id) }) === "delete";
  }

  /**
   * Creates the object `inputs` declare once, as described above; `body` is what the create sends. A customer
   * whose `externalId` Limitry holds for another fails with Limitry's conflict, as the create answered it.
   */
  async create(inputs: Inputs & CreateIdentity, name: string, body: Body): Promise<Api> {
    const { kind } = this.calls;
    const sameIdentity = await this.#sameIdentity(inputs);
    const made = await this.#createOrReplay(inputs, name, body);
    // Found before this create and answered to this resource's key: an earlier run's (a killed create, or the
    // object a replacement replaces). Only this resource derives the key, as a derived id.
    const earlier = sameIdentity.some((object) => object.id === made.id);
    // Any other object of the same identity was found by name and definition, with no record to say whose.
    // (Limitry answered a customer's create: no other holds its externalId.)
    const others = this.calls.kind === "customer" ? [] : sameIdentity.filter((object) => object.id !== made.id);
    if (others.length > 0 && createDecision({ claim: "unreadable", found: "identity", adopt: false }) !== "take") {
      // One this create just made goes again; one an earlier run of this resource made is named instead.
      if (!earlier) await this.calls.delete(made.id).catch(() => undefined);
      throw userError(notOurs(kind, name, others, earlier ? made.id : undefined));
    }
    if (earlier && createDecision({ claim: "unreadable", found: "derived-id", adopt: false }) === "take") {
      this.#takenOver.add(made.id);
    } else if (this.calls.kind !== "customer") {
      (await this.#objects(this.calls)).push(made);
    }
    return made;
  }

  /**
   * Notes that this process's create took over `id`, an object that existed before it, on purpose (a customer
   * adopted by `adopt: true`): a replaced or removed resource that held it leaves it to this one.
   */
  tookOver(id: string): void {
    this.#takenOver.add(id);
  }

  /** Sends the create under the key's generations until Limitry answers with an object that exists. */
  async #createOrReplay(inputs: CreateIdentity, name: string, body: Body): Promise<Api> {
    const { kind } = this.calls;
    for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
      const key = createKey(kind, inputs, body, generation);
      const answer = await this.calls.create(body, key);
      // A replayed answer may name an object deleted since: then the next generation's key.
      const live = await this.calls.retrieve(answer.id);
      if (live) return live;
      if (key === undefined) break;
    }
    throw userError(
      `creating Limitry ${kind} '${name}': Limitry answered with ${kind}s that do not exist (deleted since the idempotency keys of this resource were first used); run up again later`,
    );
  }

  /** Objects of the identity `inputs` declare that Limitry holds before the create. */
  async #sameIdentity(inputs: Inputs): Promise<Api[]> {
    const { calls } = this;
    if (calls.kind === "customer") {
      const found = await calls.find(inputs);
      return found ? [found] : [];
    }
    const matches = (object: Api) => {
      const current = calls.inputsOf(object);
      return calls.identity.every((key) => same(current[key], inputs[key]));
    };
    return (await this.#objects(calls)).filter(matches);
  }

  #objects(calls: ListedKindCalls<Api, Inputs, Body>): Promise<Api[]> {
    this.#listed ??= (async () => {
      const all: Api[] = [];
      for await (const object of calls.list()) all.push(object);
      return all;
    })();
    return this.#listed;
  }
}

/** The refusal: objects of the same identity exist that this resource did not create. */
function notOurs(kind: string, name: string, others: LimitryObject[], earlier: string | undefined): string {
  const ids = others.map((object) => `${object.id} (created ${object.createdAt})`).join(", ");
  const first = others[0]?.id ?? "";
  const earlierNote = earlier ? ` An earlier run of this resource made ${earlier}: delete it, or adopt it instead.` : "";
  return (
    `Limitry already has ${others.length === 1 ? `a ${kind}` : `${others.length} ${kind}s`} named '${name}' counting the same, which this resource did not create: ${ids}. ` +
    `Limitry ${kind}s hold no owner record, so it may be another stack's (the same file applied with another --stack), another resource's of this stack, or made by hand; creating a second would double the cap. ` +
    `To manage it from here, set adoptId: "${first}" on this resource (or its budgets.yaml entry) and remove it from the stack that manages it; ` +
    `to keep both, give this one another name; if this resource was renamed, give it its old name as an alias.${earlierNote}`
  );
}
