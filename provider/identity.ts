import * as pulumi from "@pulumi/pulumi";
import type { Owner } from "./ownership.js";
import { RESOURCE_TYPES } from "./type-token.js";
// The exports of its own module: installed, it serializes as a require (see stub.ts).
import STACK_INSTANCE_PROVIDER from "./stubs/stack-instance.js";

/** Resource name of the one `StackInstance` of every stack. */
export const STACK_INSTANCE_NAME = "pulumi-limits";

/**
 * The identity of one stack instance: a random id minted at its first create and kept in state. Every
 * pulumi-limits resource records it on the objects it manages (see `ownership.ts`), which tells two stacks
 * with the same org/project/stack name apart. Created once per program, before any object.
 */
class StackInstance extends pulumi.dynamic.Resource {
  declare readonly instance: pulumi.Output<string>;

  constructor() {
    const { module, type } = RESOURCE_TYPES.stackInstance;
    super(STACK_INSTANCE_PROVIDER, STACK_INSTANCE_NAME, { instance: undefined }, {}, module, type);
  }
}

// One per program run. Inline Automation API programs run several times in one process, each under a
// new stack resource, so the memo is keyed by it.
const perRun = new WeakMap<object, StackInstance>();
let outsideStack: StackInstance | undefined;

/** The owner a resource named `name` records on what it manages: this stack instance and its name. */
export function ownerOf(name: string): pulumi.Output<Owner> {
  const stack = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  return stackInstanceId().apply((instance) => ({ stack, instance, resource: name }));
}

/** This stack's instance id (registering the `StackInstance` resource on first use in a program run). */
export function stackInstanceId(): pulumi.Output<string> {
  const root = pulumi.runtime.getStackResource();
  let identity = root ? perRun.get(root) : outsideStack;
  if (!identity) {
    identity = new StackInstance();
    if (root) perRun.set(root, identity);
    else outsideStack = identity;
  }
  return identity.instance;
}
