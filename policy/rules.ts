import { formatUsd } from "../rules/payi/money.js";
import { type BudgetResource, describeResource, numberInput, readInput, stringInput, UNKNOWN } from "./inputs.js";

/**
 * The budget rules of the policy pack as plain functions over what the engine sends (see policies.ts for how
 * each is configured and enforced). Each answers the violations it finds, worded for a reviewer, and none on a
 * value the engine does not know yet: at a first preview every input computed from another resource is unknown.
 */

/** Ceilings from the policy config; a kind without one is not checked. */
export interface Ceilings {
  /** Highest `max` of a Pay-i limit, USD. */
  maxUsd?: number | undefined;
  /** Highest `max` of a use case's per-instance limit config, USD (default {@link maxUsd}). */
  useCaseMaxUsd?: number | undefined;
  /** Highest `limitValue` of a Limitry limit, in its meter's unit. */
  maxLimitValue?: number | undefined;
}

/** `max` / `limitValue` above the configured ceiling for its kind, if any. */
export function ceilingViolation(resource: BudgetResource, ceilings: Ceilings): string | undefined {
  const what = describeResource(resource);
  if (resource.kind === "payiLimit" || resource.kind === "useCaseLimitConfig") {
    const ceiling = resource.kind === "payiLimit" ? ceilings.maxUsd : (ceilings.useCaseMaxUsd ?? ceilings.maxUsd);
    const key = resource.kind === "payiLimit" || ceilings.useCaseMaxUsd === undefined ? "maxUsd" : "useCaseMaxUsd";
    const max = numberInput(resource.props, "max");
    if (ceiling === undefined || typeof max !== "number" || max <= ceiling) return undefined;
    const perInstance = resource.kind === "useCaseLimitConfig" ? " per instance" : "";
    return `${what}: max ${formatUsd(max)}${perInstance} is above the ceiling of ${formatUsd(ceiling)} (${key} in the policy config)`;
  }
  if (resource.kind === "limitryLimit") {
    const value = numberInput(resource.props, "limitValue");
    const ceiling = ceilings.maxLimitValue;
    if (ceiling === undefined || typeof value !== "number" || value <= ceiling) return undefined;
    return `${what}: limitValue ${value.toLocaleString("en-US")} is above the ceiling of ${ceiling.toLocaleString("en-US")} (maxLimitValue in the policy config)`;
  }
  return undefined;
}

/**
 * A Pay-i limit or use-case limit config without a threshold: its state never turns `exceeded` before spend
 * reaches max, so nobody is warned first. Pay-i's documented default threshold 1.0 is no threshold either.
 */
export function thresholdViolation(resource: BudgetResource): string | undefined {
  if (resource.kind !== "payiLimit" && resource.kind !== "useCaseLimitConfig") return undefined;
  const threshold = numberInput(resource.props, "threshold");
  if (threshold === UNKNOWN || (threshold !== undefined && threshold < 1)) return undefined;
  return `${describeResource(resource)} has no threshold: set threshold (0.75–0.99) so its state turns exceeded before spend reaches max`;
}

/** A Limitry limit without alert thresholds: nobody hears of it before `limits.check` says not allowed. */
export function alertThresholdsViolation(resource: BudgetResource): string | undefined {
  if (resource.kind !== "limitryLimit") return undefined;
  const input = readInput(resource.props, "alertThresholds");
  if (!input.known) return undefined;
  // An array with unknown elements still has its length: reading it touches no element.
  if (Array.isArray(input.value) && input.value.length > 0) return undefined;
  return `${describeResource(resource)} has no alertThresholds: set percentages of limitValue (e.g. [50, 80, 100]) at which alerts fire`;
}

/** Whether a stack resource is a cap that stops spend or usage: yes, no, or not known yet. */
function blocks(resource: BudgetResource, limitryLimitsBlock: boolean): boolean | typeof UNKNOWN {
  if (resource.kind === "limitryLimit") return limitryLimitsBlock;
  if (resource.kind !== "payiLimit" && resource.kind !== "useCaseLimitConfig") return false;
  const type = stringInput(resource.props, "limitType");
  return type === UNKNOWN ? UNKNOWN : type === "block";
}

/**
 * A stack that declares budgets (any pulumi-limits resource) but no blocking cap: no Pay-i limit or use-case
 * limit config with `limitType: block` and, unless `limitryLimitsBlock` is false, no Limitry limit (whose
 * `limits.check` answers not allowed once it is reached). A stack declaring none is not this rule's business.
 */
export function blockingCapViolation(resources: BudgetResource[], limitryLimitsBlock: boolean): string | undefined {
  if (resources.length === 0) return undefined;
  const answers = resources.map((r) => blocks(r, limitryLimitsBlock));
  if (answers.includes(true) || answers.includes(UNKNOWN)) return undefined;
  const payi = resources.filter((r) => r.kind === "payiLimit" || r.kind === "useCaseLimitConfig");
  const alternatives = limitryLimitsBlock ? " or a Limitry limit" : "";
  return `the stack declares ${resources.length} budget resources and no blocking cap: give at least one limit limitType: block (budgets.yaml: type: block)${alternatives}${payi.length > 0 ? ` (its ${payi.length} Pay-i limits only alert)` : ""}`;
}

/**
 * Use cases declared without a limit config, each with the URN to report it on: their instances would run
 * without a limit. A config covers the use case whose name its `useCaseName` holds; while that is unknown, the
 * use case it was computed from (its property dependency), or, with no such dependency, any use case.
 */
export function useCasesWithoutLimitConfig(
  resources: BudgetResource[],
  dependencies: (resource: BudgetResource, input: string) => string[],
): Array<{ urn: string; message: string }> {
  const definitions = resources.filter((r) => r.kind === "useCaseDefinition");
  const configs = resources.filter((r) => r.kind === "useCaseLimitConfig");
  const definitionUrns = new Set(definitions.map((d) => d.urn));
  const covered = (definition: BudgetResource): boolean => {
    const name = stringInput(definition.props, "name");
    return configs.some((config) => {
      const target = stringInput(config.props, "useCaseName");
      if (target !== UNKNOWN) return name === UNKNOWN || target === name;
      const from = dependencies(config, "useCaseName").filter((urn) => definitionUrns.has(urn));
      return from.length === 0 || from.includes(definition.urn);
    });
  };
  return definitions
    .filter((d) => !covered(d))
    .map((d) => ({
      urn: d.urn,
      message: `${describeResource(d)} has no limit config: declare a UseCaseLimitConfig for it (useCaseName: <definition>.name) so each instance gets a limit`,
    }));
}
