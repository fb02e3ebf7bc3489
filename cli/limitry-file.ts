import { z } from "zod";
import { PeriodSchema } from "../sdk/limitry/resources/limits.js";
import { AggregationSchema } from "../sdk/limitry/resources/meters.js";
import { limitViolations, meterViolations } from "../rules/limitry/validation.js";
import { describeViolation } from "../rules/violation.js";

const KEY = z.string().regex(/^[A-Za-z0-9._-]+$/, "key may contain letters, digits, '.', '-' and '_'");
const StringMap = z.record(z.string(), z.string({ error: "values must be strings" }));

/** One meter in the `limitry:` section of budgets.yaml. */
const LimitryMeterEntrySchema = z.strictObject({
  /** How limits in this file name the meter, and its resource key; defaults to a slug of the name. */
  key: KEY.optional(),
  name: z.string({ error: "name is required" }),
  aggregation: AggregationSchema,
  /** `values.<key>`, or `*` with count. */
  field: z.string({ error: "field is required" }),
  description: z.string().optional(),
  eventFilter: z.strictObject({ eventType: z.string().optional(), dimensions: StringMap.optional() }).optional(),
  /** Take over this existing meter (`mtr_…`) instead of creating one; `import` writes it. */
  adoptId: z.string().min(1).optional(),
});
export type LimitryMeterEntry = z.infer<typeof LimitryMeterEntrySchema>;

/** One limit in the `limitry:` section: `meter` names a meter of this file, `meterId` an existing one. */
const LimitryLimitEntrySchema = z.strictObject({
  key: KEY.optional(),
  name: z.string({ error: "name is required" }),
  meter: z.string().optional(),
  meterId: z.string().min(1).optional(),
  limitValue: z.number({ error: "limitValue is required and must be a number" }),
  period: PeriodSchema,
  customerId: z.string().optional(),
  dimensionFilters: StringMap.optional(),
  alertThresholds: z.array(z.number({ error: "thresholds must be numbers" })).optional(),
  /** Take over this existing limit (`lmt_…`) instead of creating one; `import` writes it. */
  adoptId: z.string().min(1).optional(),
});
export type LimitryLimitEntry = z.infer<typeof LimitryLimitEntrySchema>;

/** The `limitry:` section: meters, limits, and the customers `status` reports on. */
export const LimitrySectionSchema = z.strictObject({
  meters: z.array(LimitryMeterEntrySchema).default([]),
  limits: z.array(LimitryLimitEntrySchema).default([]),
  /** Customers (external ids) whose standing `status` shows, besides those the limits name. */
  customers: z.array(z.string()).default([]),
});
export type LimitrySection = z.infer<typeof LimitrySectionSchema>;

/** A problem at a path inside the `limitry:` section (the caller positions it in the file). */
export interface SectionProblem {
  path: Array<string | number>;
  message: string;
}

/** Resource key of a meter entry: its `key`, or a slug of its name. */
export function limitryMeterKey(entry: LimitryMeterEntry): string {
  return entry.key ?? slug(entry.name);
}

/** Resource key of a limit entry: its `key`, or a slug of its name. */
export function limitryLimitKey(entry: LimitryLimitEntry): string {
  return entry.key ?? slug(entry.name);
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "entry"
  );
}

/** Limitry's rules, meter references and duplicate keys, as problems at their path in the file. */
export function limitrySectionProblems(section: LimitrySection): SectionProblem[] {
  const problems: SectionProblem[] = [];
  const at = (path: Array<string | number>, message: string) => problems.push({ path: ["limitry", ...path], message });
  const meterKeys = new Map<string, number>();
  section.meters.forEach((meter, i) => {
    for (const v of meterViolations(meter)) at(["meters", i, ...fieldPath(v.field)], describeViolation(v));
    const key = limitryMeterKey(meter);
    const dup = meterKeys.get(key);
    if (dup !== undefined)
      at(
        ["meters", i, meter.key ? "key" : "name"],
        `duplicate meter key '${key}' (also limitry.meters[${dup}]); set a distinct key`,
      );
    meterKeys.set(key, i);
  });
  const limitKeys = new Map<string, number>();
  section.limits.forEach((limit, i) => {
    if ((limit.meter === undefined) === (limit.meterId === undefined)) {
      at(["limits", i], "give exactly one of meter (a key of limitry.meters) or meterId (an existing meter's id)");
    } else if (limit.meter !== undefined && !meterKeys.has(limit.meter)) {
      const known = [...meterKeys.keys()];
      at(
        ["limits", i, "meter"],
        `no meter with key '${limit.meter}' in limitry.meters${known.length ? ` (keys: ${known.join(", ")})` : ""}`,
      );
    }
    for (const v of limitViolations({ ...limit, meterId: limit.meterId }))
      at(["limits", i, ...fieldPath(v.field)], describeViolation(v));
    const key = limitryLimitKey(limit);
    const dup = limitKeys.get(key);
    if (dup !== undefined)
      at(
        ["limits", i, limit.key ? "key" : "name"],
        `duplicate limit key '${key}' (also limitry.limits[${dup}]); set a distinct key`,
      );
    limitKeys.set(key, i);
  });
  return problems;
}

/** `alertThresholds[1]` → ["alertThresholds", 1]; `eventFilter.dimensions` → ["eventFilter", "dimensions"]. */
function fieldPath(field: string): Array<string | number> {
  return field
    .split(/[.[\]]/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The object schema expected at `path` under `limitry`, to list its fields in an unknown-field error. */
export function limitryShapeAt(path: Array<string | number>): Record<string, unknown> {
  if (path[1] === "meters")
    return path.includes("eventFilter")
      ? LimitryMeterEntrySchema.shape.eventFilter.unwrap().shape
      : LimitryMeterEntrySchema.shape;
  if (path[1] === "limits") return LimitryLimitEntrySchema.shape;
  return LimitrySectionSchema.shape;
}
