import type { Stack } from "@pulumi/pulumi/automation";
import { stackInstanceId } from "../provider/identity.js";
import type { Kind } from "./kinds.js";
import { STACK_INSTANCE_OUTPUT } from "./program.js";
import { stackInstanceUrn } from "./targets.js";

/** `up` and `destroy` only: `--checkpoints` brings back the engine's per-step state writes. */
export const CHECKPOINTS = { checkpoints: { type: "boolean", default: false } } as const;

/**
 * Whether a run may have the engine write the stack's state once, at its end, instead of rewriting the whole
 * file after every step (O(N²) bytes: 1,000 limits took 20× longer). A run killed midway then leaves the state
 * as it was before it, so the rerun must converge on what the lost run did, which each kind's entry in
 * cli/kinds.ts says it does or not: every kind the run may create must take over what a lost create made
 * (`createConverges`: a Pay-i limit's id derives from its stack and name; a use case a lost run created fails
 * the rerun with a 409, a Limitry object is refused with the adopt advice), and every kind it may delete must
 * accept a delete of what is gone (`deleteConverges`). A run told `--skip-refresh` trusts the state as it is,
 * so it keeps it exact step by step; `--checkpoints` asks for that too. The e2e test `checkpoint-crash.test.ts`
 * kills `up` and `destroy` at random points to prove the rerun converges.
 */
export function writesStateOnce(
  run: { checkpoints: boolean; refresh: boolean },
  may: { create: Iterable<Kind>; delete: Iterable<Kind> },
): boolean {
  if (run.checkpoints || !run.refresh) return false;
  return [...may.create].every((k) => k.createConverges) && [...may.delete].every((k) => k.deleteConverges);
}

/**
 * Prepares `up` to write state once. The stack's `StackInstance` id, which every owner record names, must be
 * in the state before any object is created: were it lost with a killed run, the objects that run created
 * would carry an id no state knows, and the rerun would refuse them as another stack's. So a stack that has
 * not recorded it yet (a new one, or one from before it existed) first gets an `up` of the `StackInstance`
 * alone, which writes the state at its end.
 */
export async function writeStateOnceForUp(stack: Stack): Promise<void> {
  const recorded = await stack.outputs().then(
    (outputs) => outputs[STACK_INSTANCE_OUTPUT] !== undefined,
    () => false,
  );
  if (!recorded) {
    await stack.up({
      program: async () => ({ [STACK_INSTANCE_OUTPUT]: stackInstanceId() }),
      target: [stackInstanceUrn(stack.name)],
      refresh: false,
    });
  }
  writeStateOnce(stack);
}

/** Tells the engine to write the state once, at the end of the run. */
export function writeStateOnce(stack: Stack): void {
  stack.workspace.envVars["PULUMI_SKIP_CHECKPOINTS"] = "true";
}
