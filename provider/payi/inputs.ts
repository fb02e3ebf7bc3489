import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { LimitTypeSchema } from "../../sdk/payi/resources/limits.js";
import { declaredThreshold, limitViolations } from "../../rules/payi/limit.js";
import { toUnits, toUsd } from "../../rules/payi/money.js";
import { RESET_SCHEDULES, ResetRequestSchema, withResetSchedule } from "../../rules/payi/reset.js";
import { USE_CASE_NAME } from "../../rules/payi/use-case.js";
import { describeViolation } from "../../rules/violation.js";
import { checkFailure } from "../errors.js";
import { isUnknown } from "../diff.js";
import { OWNER_PROPERTY, OwnerSchema } from "../ownership.js";
import { LIMIT_INPUT_OF_WIRE } from "./wire.js";

/** Money and fractions canonicalised to 1e-10 so that equal values never diff (0.1 + 0.2 vs 0.3). */
const canonical = (n: number) => toUsd(toUnits(n));
const Money = z.number({ error: "must be a number" }).transform(canonical);
/**
 * A threshold: 1.0 is Pay-i's default, the same as none, so it is stored as none (a service may read an unset
 * threshold back as 1.0; neither is a change). Out-of-range values pass here for the rules to name.
 */
const Threshold = Money.transform(declaredThreshold).optional();
const StringMap = z
  .record(z.string(), z.string({ error: "values must be strings" }), { error: "must be a map of strings" })
  .refine((map) => !(OWNER_PROPERTY in map), `'${OWNER_PROPERTY}' is reserved for pulumi-limits' owner record`);
/** `replaceOnChanges` of the resource options, passed by the constructor: the engine cannot apply it to a dynamic provider's diff. */
const ReplaceOnChanges = z.array(z.string()).optional();

/** Inputs of a `Limit`, as stored in state after `check`. */
export const LimitInputsObject = z.object({
  limitName: z.string({ error: "limitName is required and must be a string" }),
  max: Money,
  limitType: LimitTypeSchema.default("allow"),
  threshold: Threshold,
  limitId: z.string().min(1, "limitId must not be empty").optional(),
  properties: StringMap.default({}),
  adopt: z.boolean({ error: "must be true or false" }).default(false),
  /** Stack-and-resource seed for the deterministic limit id; set by the `Limit` constructor. */
  idSeed: z.string(),
  /** Periodic reset schedule; kept on the limit as a property (see rules/payi/reset.ts). */
  reset: z.enum(RESET_SCHEDULES, { error: "must be daily, weekly or monthly" }).optional(),
  /** A period's reset, claimed then applied at most once (set by `pulumi-limits reset --due`; rules/payi/reset.ts). */
  resetRequest: ResetRequestSchema.optional(),
  /**
   * This stack instance (see provider/identity.ts); set by the `Limit` constructor. With `idSeed` it names the
   * limit's owner (`ownerFromSeed`), recorded on the limit.
   */
  instance: z.string().min(1),
  replaceOnChanges: ReplaceOnChanges,
});
/** Inputs of a `Limit` as stored: the reset schedule joins the properties, where it lives on the service. */
export const LimitInputsSchema = LimitInputsObject.transform(withResetSchedule);
export type LimitInputs = z.infer<typeof LimitInputsSchema>;

export const UseCaseDefinitionInputsSchema = z.object({
  name: z
    .string({ error: "name is required and must be a string" })
    .regex(USE_CASE_NAME, "name must be 1-64 characters of letters, digits, '.', '-' or '_'"),
  description: z.string().max(1024, "description must be at most 1024 characters").default(""),
  loggingEnabled: z.boolean({ error: "must be true or false" }).optional(),
  /** Take over an existing definition of that name (Pay-i has no owner record for definitions). */
  adopt: z.boolean({ error: "must be true or false" }).default(false),
  /** This stack instance and resource; set by the constructor. */
  owner: OwnerSchema,
  replaceOnChanges: ReplaceOnChanges,
});
export type UseCaseDefinitionInputs = z.infer<typeof UseCaseDefinitionInputsSchema>;

export const UseCaseLimitConfigInputsSchema = z.object({
  useCaseName: z
    .string({ error: "useCaseName is required and must be a string" })
    .regex(USE_CASE_NAME, "useCaseName must be 1-64 characters of letters, digits, '.', '-' or '_'"),
  max: Money,
  limitType: LimitTypeSchema.default("allow"),
  threshold: Threshold,
  properties: StringMap.default({}),
  /** Take over a limit config no stack manages. */
  adopt: z.boolean({ error: "must be true or false" }).default(false),
  /** This stack instance and resource, recorded in the config's properties; set by the constructor. */
  owner: OwnerSchema,
  replaceOnChanges: ReplaceOnChanges,
});
export type UseCaseLimitConfigInputs = z.infer<typeof UseCaseLimitConfigInputsSchema>;

/**
 * `check` for every resource: validates with the schema and Pay-i's limit rules before any API call,
 * returning failures that name the property and the rule. Known fields are validated and defaulted even
 * when others are still unknown (preview); unknown ones pass through untouched.
 */
export function checkInputs(
  schema: z.ZodObject,
  news: Record<string, unknown>,
  whole?: z.ZodType<Record<string, unknown>>,
): pulumi.dynamic.CheckResult {
  const declared = stripInternal(news);
  const unknown = Object.fromEntries(Object.entries(declared).filter(([, value]) => isUnknown(value)));
  // A schema without the unknown fields only when there are any: building one costs ten times the parse.
  const known =
    Object.keys(unknown).length === 0
      ? schema
      : z.object(Object.fromEntries(Object.entries(schema.shape).filter(([key]) => !(key in unknown))));
  const parsed = known.safeParse(declared);
  if (!parsed.success) {
    return {
      inputs: news,
      failures: parsed.error.issues.map((issue) => checkFailure(issue, declared)),
    };
  }
  const value: Record<string, unknown> = parsed.data;
  const rules = limitViolations({
    limit_name: typeof value["limitName"] === "string" ? value["limitName"] : undefined,
    max: typeof value["max"] === "number" ? value["max"] : undefined,
    threshold: typeof value["threshold"] === "number" ? value["threshold"] : undefined,
  });
  if (rules.length > 0) {
    // The shared rules speak wire names; a Pulumi user wrote camelCase.
    const failures = rules.map((v) => {
      const property = LIMIT_INPUT_OF_WIRE[v.field] ?? v.field;
      return { property, reason: describeViolation(v, property) };
    });
    return { inputs: news, failures };
  }
  // A transform over the whole input (e.g. the reset schedule into the properties) needs them all known.
  return { inputs: Object.keys(unknown).length === 0 && whole ? whole.parse(value) : { ...value, ...unknown } };
}

// The engine adds `__provider` (and the SDK may add other `__` keys); they are not ours to validate.
function stripInternal(news: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(news).filter(([key]) => !key.startsWith("__")));
}
