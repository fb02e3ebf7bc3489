import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { PeriodSchema } from "../../sdk/limitry/resources/limits.js";
import { AggregationSchema } from "../../sdk/limitry/resources/meters.js";
import { limitViolations, meterViolations } from "../../rules/limitry/validation.js";
import { describeViolation, type Violation } from "../../rules/violation.js";
import { checkFailure } from "../errors.js";
import { isUnknown } from "../diff.js";

const StringMap = z.record(z.string(), z.string({ error: "values must be strings" }), { error: "must be a map of strings" });

/** Inputs of a `limitry.Meter`, as stored in state after `check`. */
const MeterInputsSchema = z.object({
  name: z.string({ error: "name is required and must be a string" }),
  aggregation: AggregationSchema,
  field: z.string({ error: "field is required and must be a string" }),
  description: z.string().optional(),
  eventFilter: z
    .object(
      { eventType: z.string().optional(), dimensions: StringMap.optional() },
      { error: "must be {eventType?, dimensions?}" },
    )
    .strict()
    .optional(),
  /** Take over this existing meter (`mtr_…`) at create instead of making a new one. */
  adoptId: z.string().min(1, "adoptId must not be empty").optional(),
  /** Set by the resource class: the stack instance and `organization/project/stack/name` its creates' idempotency keys derive from. */
  instance: z.string().optional(),
  idSeed: z.string().optional(),
});
export type MeterInputs = z.infer<typeof MeterInputsSchema>;

/** Inputs of a `limitry.Limit`, as stored in state after `check`. */
const LimitInputsSchema = z.object({
  name: z.string({ error: "name is required and must be a string" }),
  meterId: z.string({ error: "meterId is required and must be a string" }),
  limitValue: z.number({ error: "must be a number" }),
  period: PeriodSchema,
  customerId: z.string().optional(),
  dimensionFilters: StringMap.default({}),
  alertThresholds: z.array(z.number({ error: "must be numbers" }), { error: "must be a list of percentages" }).optional(),
  /** Take over this existing limit (`lmt_…`) at create instead of making a new one. */
  adoptId: z.string().min(1, "adoptId must not be empty").optional(),
  /** Set by the resource class: the stack instance and `organization/project/stack/name` its creates' idempotency keys derive from. */
  instance: z.string().optional(),
  idSeed: z.string().optional(),
});
export type LimitInputs = z.infer<typeof LimitInputsSchema>;

/**
 * `check` for Limitry resources: the schema and Limitry's rules, before any API call, as failures naming
 * the property and the rule. At preview some inputs may be unknown (a Limit's `meterId` from a Meter created
 * in the same update): those are skipped and every known one is still checked.
 */
function checkWith<T>(
  full: z.ZodType<T>,
  partial: z.ZodType<Partial<T>>,
  rules: (known: Partial<T>) => Violation[],
  news: Record<string, unknown>,
): pulumi.dynamic.CheckResult<T | Record<string, unknown>> {
  const own = Object.fromEntries(Object.entries(news).filter(([key]) => !key.startsWith("__")));
  const unknown = new Set(Object.keys(own).filter((key) => isUnknown(own[key])));
  const known = Object.fromEntries(Object.entries(own).filter(([key]) => !unknown.has(key)));
  const parsed = full.safeParse(known);
  if (parsed.success) return verdict(news, parsed.data, rules(parsed.data));
  const issues = parsed.error.issues.filter((issue) => !unknown.has(String(issue.path[0] ?? "")));
  if (issues.length > 0) {
    return {
      inputs: news,
      failures: issues.map((issue) => checkFailure(issue, known)),
    };
  }
  // Only unknown inputs are missing: check the rules on the known ones, keep the engine's values.
  const knownValues = partial.safeParse(known);
  return verdict(news, news, knownValues.success ? rules(knownValues.data) : []);
}

function verdict<T>(news: Record<string, unknown>, inputs: T | Record<string, unknown>, violations: Violation[]) {
  if (violations.length === 0) return { inputs };
  // Rules speak Limitry's wire names, which are the Pulumi property names too (camelCase both ways).
  const failures = violations.map((v) => ({ property: v.field.split(/[.[]/)[0] ?? v.field, reason: describeViolation(v) }));
  return { inputs: news, failures };
}

/** `check` of a `limitry.Meter`. */
export const checkMeter = (news: Record<string, unknown>) =>
  checkWith(MeterInputsSchema, MeterInputsSchema.partial(), meterViolations, news);

/** `check` of a `limitry.Limit`. */
export const checkLimit = (news: Record<string, unknown>) =>
  checkWith(LimitInputsSchema, LimitInputsSchema.partial(), limitViolations, news);
