/**
 * Who manages a remote object (a Pay-i limit, a use case, a Limitry limit): one mechanism for every
 * pulumi-limits resource. Each object a resource creates or adopts carries an owner record in its property
 * bag under {@link OWNER_PROPERTY}; create, adopt, update and delete compare it with the resource's own
 * {@link Owner} before they touch the object.
 *
 * Names alone cannot tell stacks apart (two backends, or a lost state file, give the same
 * org/project/stack), so the record holds the stack *instance*: a random id minted once per stack by the
 * `StackInstance` resource and kept in its state (see `identity.ts`). It is recorded before the first
 * object is created, so a create that crashed before the engine saved it is still recognised as ours.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { claimOf, type Claim } from "../rules/ownership.js";

/** Reserved key of the property bag holding the owner record. Programs cannot declare it. */
export const OWNER_PROPERTY = "pulumi-limits.owner";

/** The stack instance and resource managing an object. */
export const OwnerSchema = z.object({
  /** `organization/project/stack`, for messages only: it is not unique. */
  stack: z.string(),
  /** Random per stack instance (the `StackInstance` resource); what tells two same-named stacks apart. */
  instance: z.string().min(1),
  /** The resource's name in its stack. */
  resource: z.string(),
});
export type Owner = z.infer<typeof OwnerSchema>;

/** An owner record as stored on an object: the owner plus the create (or adopt) that took it. */
export interface OwnerRecord extends Owner {
  /**
   * Random per create or adopt. A replacement that had to land on the same object (Pay-i names are unique)
   * takes a new generation, so the delete of its predecessor sees the object is no longer the old one's.
   */
  generation: string;
}

const OwnerRecordSchema = OwnerSchema.extend({ generation: z.string() });

/** A fresh generation for a create or adopt: 72 random bits, short because every Limit keeps one in state. */
export function newGeneration(): string {
  return randomBytes(9).toString("base64url");
}

/**
 * The owner a resource's id seed (`organization/project/stack/resource`, see `Limit`) and stack instance
 * stand for. A `Limit` stores these two rather than the whole owner, which would repeat the seed in its
 * state twice over (inputs and outputs) for every limit. Organization, project and stack names hold no `/`;
 * a resource name may.
 */
export function ownerFromSeed(seed: string, instance: string): Owner {
  const parts = seed.split("/");
  return { stack: parts.slice(0, 3).join("/"), instance, resource: parts.slice(3).join("/") };
}

/** The stored form (compact JSON: property values are strings). */
export function formatOwnerRecord(record: OwnerRecord): string {
  return JSON.stringify({
    stack: record.stack,
    instance: record.instance,
    resource: record.resource,
    generation: record.generation,
  });
}

/** The owner record in a property bag, or undefined when there is none (or it is not ours to read). */
export function ownerRecordOf(properties: Record<string, string | null> | null | undefined): OwnerRecord | undefined {
  const raw = properties?.[OWNER_PROPERTY];
  if (typeof raw !== "string") return undefined;
  try {
    const parsed = OwnerRecordSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The claim a property bag makes for `me` (rules/ownership.ts), with the record it holds: `unreadable` when
 * the API did not echo the bag (Pay-i's `Limit` model has no `properties`), so nothing can be told from it.
 */
export function claimIn(
  properties: Record<string, string | null> | null | undefined,
  me: Owner,
): { claim: Claim; record: OwnerRecord | undefined } {
  if (properties == null) return { claim: "unreadable", record: undefined };
  const record = ownerRecordOf(properties);
  return { claim: claimOf(record, me), record };
}

/** A property bag without the reserved owner key (what a program declares and sees). */
export function withoutOwner<T extends string | null>(properties: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(properties).filter(([key]) => key !== OWNER_PROPERTY));
}

/**
 * Why `me` may not take over an object `record` manages, and how to move it instead. `what` names the
 * object (e.g. `limit 'Daily' (pl-…)`), `release` says how its owner lets go of it.
 */
export function ownedElsewhere(what: string, record: Owner, me: Owner, release: string): string {
  if (record.instance === me.instance) {
    return (
      `${what} is managed by resource '${record.resource}' of this stack; '${me.resource}' cannot take it over, even with adopt: true. ` +
      `To rename a resource without replacing what it manages, give it \`aliases: [{ name: "${record.resource}" }]\` and remove '${record.resource}'.`
    );
  }
  return (
    `${what} is managed by resource '${record.resource}' of another stack instance (stack ${record.stack}, instance ${record.instance}); ` +
    `it cannot be taken over, even with adopt: true. Manage it from that stack, or move it: ${release}`
  );
}

/** How a stack lets go of an object, for {@link ownedElsewhere}. */
export function releaseAdvice(command: string): string {
  return `in the owning stack remove the resource from the state (\`pulumi state delete <urn>\`), run \`${command}\` to clear its owner record, then declare it here with adopt: true.`;
}
