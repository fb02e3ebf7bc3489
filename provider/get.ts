import type * as pulumi from "@pulumi/pulumi";

/** The outputs a resource class declares: its `pulumi.Output` properties but the `id` and `urn` every resource has. */
export type OutputNames<R> = Exclude<{ [K in keyof R]: R[K] extends pulumi.Output<unknown> ? K : never }[keyof R], "id" | "urn">;

/** The options of a resource read with `get`: `id` names the object read. */
export type GetOptions = pulumi.CustomResourceOptions & { id: pulumi.Input<string> };

/**
 * What a resource read with `get` (`opts.id` set) registers: every output its class declares, unset until the
 * provider's `read` fills it (an output the props lack would not exist on the resource), and nothing else. Without
 * the identity a declared resource carries (stack instance, id seed, owner), the read claims nothing, so another
 * stack's object can be read, and no `StackInstance` is registered for it.
 */
export function unreadOutputs<R>(outputs: Record<OutputNames<R>, undefined>): Record<string, undefined> {
  // A copy: pulumi.dynamic.Resource adds `__provider` to the props it is given.
  return { ...outputs };
}
