import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { BudgetResource } from "./inputs.js";
import { kindOf } from "./kinds.js";
import {
  alertThresholdsViolation,
  blockingCapViolation,
  type Ceilings,
  ceilingViolation,
  thresholdViolation,
  useCasesWithoutLimitConfig,
} from "./rules.js";

/** A resource the engine hands a policy, as the rules read it; `undefined` when it is not a budget resource. */
function budgetResource(resource: { type: string; urn: string; props: Record<string, unknown> }): BudgetResource | undefined {
  const kind = kindOf(resource.type);
  return kind ? { kind, urn: resource.urn, props: resource.props } : undefined;
}

/** A policy's config as the engine sends it (validated against the policy's configSchema, defaults applied). */
function configOf(args: ResourceValidationArgs | StackValidationArgs): Record<string, unknown> {
  return args.getConfig<Record<string, unknown>>();
}

function configNumber(config: Record<string, unknown>, key: string): number | undefined {
  const value = config[key];
  return typeof value === "number" ? value : undefined;
}

/** A resource policy that runs `rule` on every budget resource and reports what it answers. */
function resourceRule(
  rule: (resource: BudgetResource, config: Record<string, unknown>) => string | undefined,
): (args: ResourceValidationArgs, report: ReportViolation) => void {
  return (args, report) => {
    const resource = budgetResource(args);
    if (!resource) return;
    const violation = rule(resource, configOf(args));
    if (violation) report(violation);
  };
}

const ceiling: ResourceValidationPolicy = {
  name: "max-ceiling",
  description:
    "A Pay-i limit's max (USD), a use case's per-instance max and a Limitry limit's limitValue stay at most the ceiling the policy config sets for their kind.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxUsd: { type: "number", exclusiveMinimum: 0, description: "Highest max of a Pay-i limit, USD. Unset: not checked." },
      useCaseMaxUsd: {
        type: "number",
        exclusiveMinimum: 0,
        description: "Highest max of a use case's limit config (per instance), USD. Unset: maxUsd.",
      },
      maxLimitValue: {
        type: "integer",
        minimum: 1,
        description: "Highest limitValue of a Limitry limit, in its meter's unit. Unset: not checked.",
      },
    },
  },
  validateResource: resourceRule((resource, config) => {
    const ceilings: Ceilings = {
      maxUsd: configNumber(config, "maxUsd"),
      useCaseMaxUsd: configNumber(config, "useCaseMaxUsd"),
      maxLimitValue: configNumber(config, "maxLimitValue"),
    };
    return ceilingViolation(resource, ceilings);
  }),
};

const payiThreshold: ResourceValidationPolicy = {
  name: "payi-threshold",
  description:
    "Every Pay-i limit and use-case limit config has a threshold, so its state turns exceeded before spend reaches max.",
  enforcementLevel: "advisory",
  validateResource: resourceRule((resource) => thresholdViolation(resource)),
};

const limitryAlertThresholds: ResourceValidationPolicy = {
  name: "limitry-alert-thresholds",
  description: "Every Limitry limit has alert thresholds, so alerts fire before limits.check says not allowed.",
  enforcementLevel: "advisory",
  validateResource: resourceRule((resource) => alertThresholdsViolation(resource)),
};

function budgetResources(args: StackValidationArgs): { resources: BudgetResource[]; byUrn: Map<string, PolicyResource> } {
  const resources: BudgetResource[] = [];
  const byUrn = new Map<string, PolicyResource>();
  for (const r of args.resources) {
    const resource = budgetResource(r);
    if (!resource) continue;
    resources.push(resource);
    byUrn.set(r.urn, r);
  }
  return { resources, byUrn };
}

const blockingCap: StackValidationPolicy = {
  name: "blocking-cap",
  description:
    "A stack that declares budgets has at least one blocking cap: a Pay-i limit (or use-case limit config) with limitType block, or a Limitry limit.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      limitryLimitsBlock: {
        type: "boolean",
        default: true,
        description: "Count a Limitry limit as a blocking cap (limits.check answers not allowed once it is reached).",
      },
    },
  },
  validateStack: (args, report) => {
    const { resources } = budgetResources(args);
    const violation = blockingCapViolation(resources, configOf(args)["limitryLimitsBlock"] !== false);
    if (violation) report(violation);
  },
};

const useCaseLimitConfig: StackValidationPolicy = {
  name: "use-case-limit-config",
  description: "Every use case the stack declares has a limit config, so each of its instances gets a limit.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const { resources, byUrn } = budgetResources(args);
    const dependencies = (resource: BudgetResource, input: string) =>
      (byUrn.get(resource.urn)?.propertyDependencies[input] ?? []).map((d) => d.urn);
    for (const { urn, message } of useCasesWithoutLimitConfig(resources, dependencies)) report(message, urn);
  },
};

/** Every policy of the pulumi-limits pack, with its default enforcement level. */
export const POLICIES = [blockingCap, ceiling, payiThreshold, useCaseLimitConfig, limitryAlertThresholds];
