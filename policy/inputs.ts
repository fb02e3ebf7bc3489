import { UnknownValueError } from "@pulumi/policy";
import { POLICY_KINDS, type PolicyKind } from "./kinds.js";

/**
 * One input as a policy sees it: its value, or `unknown` while the engine does not know it yet (at a first
 * preview, an input computed from another resource's output).
 */
export type InputValue = { known: true; value: unknown } | { known: false };

/** A resource as the rules read it: its kind, URN and properties (inputs; a stack policy's are outputs). */
export interface BudgetResource {
  kind: PolicyKind;
  urn: string;
  props: Record<string, unknown>;
}

/**
 * Reads one property. `@pulumi/policy` hands policies its properties behind a proxy that throws
 * {@link UnknownValueError} on an unknown value (which would turn the whole policy into an advisory "can't run
 * during preview" note); the rules ask instead, and skip only the check that needs the value.
 */
export function readInput(props: Record<string, unknown>, key: string): InputValue {
  try {
    return { known: true, value: props[key] };
  } catch (error) {
    if (error instanceof UnknownValueError) return { known: false };
    throw error;
  }
}

/** What the typed readers answer for an unknown input (a symbol: no value can collide with it). */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** A known number input, `undefined` when absent or not a number, {@link UNKNOWN} while unknown. */
export function numberInput(props: Record<string, unknown>, key: string): number | undefined | typeof UNKNOWN {
  const input = readInput(props, key);
  if (!input.known) return UNKNOWN;
  return typeof input.value === "number" ? input.value : undefined;
}

/** A known string input, `undefined` when absent or not a string, {@link UNKNOWN} while unknown. */
export function stringInput(props: Record<string, unknown>, key: string): string | undefined | typeof UNKNOWN {
  const input = readInput(props, key);
  if (!input.known) return UNKNOWN;
  return typeof input.value === "string" ? input.value : undefined;
}

/** `limit 'Daily Safety Cap'`, or the resource name from the URN while the name input is unknown or absent. */
export function describeResource(resource: BudgetResource): string {
  const { label, nameInput } = POLICY_KINDS[resource.kind];
  const name = stringInput(resource.props, nameInput);
  return `${label} '${typeof name === "string" ? name : resource.urn.slice(resource.urn.lastIndexOf("::") + 2)}'`;
}
