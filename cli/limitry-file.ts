import { z } from "zod";
import { PeriodSchema } from "../sdk/limitry/resources/limits.js";
import { AggregationSchema } from "../sdk/limitry/resources/meters.js";
import { customerViolations, limitViolations, meterViolations, textViolations } from "../rules/limitry/validation.js";
import { describeViolation } from "../rules/violation.js";
import { must } from "./field-errors.js";
import { PreviousKeysSchema } from "./previous-keys.js";

const KEY = z.string().regex(/^[A-Za-z0-9._-]+$/, "key may contain letters, digits, '.', '-' and '_'");
const StringMap = z.record(z.string(), z.string({ error: "values must be strings" }));

/** One meter in the `limitry:` section of budgets.yaml. */
const LimitryMeterEntrySchema = z.strictObject({
  /** How limits in this file name the meter, and its resource key; defaults to a slug of the name. */
  key: KEY.optional(),
  previousKeys: PreviousKeysSchema,
  name: z.string({ error: "name is required" }),
  aggregation: z.enum(AggregationSchema.options, { error: must("aggregation", AggregationSchema.options.join(", ")) }),
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
  previousKeys: PreviousKeysSchema,
  name: z.string({ error: "name is required" }),
  meter: z.string().optional(),
  meterId: z.string().min(1).optional(),
  limitValue: z.number({ error: "limitValue is required and must be a number" }),
  period: z.enum(PeriodSchema.options, { error: must("period", PeriodSchema.options.join(", ")) }),
  customerId: z.string().optional(),
  dimensionFilters: StringMap.optional(),
  alertThresholds: z.array(z.number({ error: "thresholds must be numbers" })).optional(),
  /** Take over this existing limit (`lmt_…`) instead of creating one; `import` writes it. */
  adoptId: z.string().min(1).optional(),
});
export type LimitryLimitEntry = z.infer<typeof LimitryLimitEntrySchema>;

/** An external id as the file writes it: quoted when it looks like a number, or YAML reads a number. */
const EXTERNAL_ID = "a string (quote ids that look like numbers)";

/** One customer in the `limitry:` section, managed by the stack as a `limitry.Customer`. */
const LimitryCustomerEntrySchema = z
  .strictObject({
    key: KEY.optional().describe(
      "Resource key in the stack; defaults to a slug of externalId. Set it to keep the resource when externalId changes (then it is replaced).",
    ),
    previousKeys: PreviousKeysSchema,
    externalId: z
      .string({ error: must("externalId", EXTERNAL_ID) })
      .describe(
        "The id your system knows, which events, limits and checks name; 1-256 characters. Changing it replaces the customer.",
      ),
    name: z
      .string({ error: must("name", "a string") })
      .optional()
      .describe("Display name. Changes in place."),
    timezone: z
      .string({ error: must("timezone", "a string") })
      .optional()
      .describe("IANA timezone (Europe/Paris) of its day and week windows; UTC when unset. Changes in place."),
    billingCycleStart: z
      .string({ error: must("billingCycleStart", "a string") })
      .optional()
      .describe(
        "ISO-8601 date-time with an offset (2026-01-15T00:00:00Z) anchoring its month and annual windows; unset: when it is created. Changes in place.",
      ),
    metadata: z
      .record(z.string(), z.unknown(), { error: must("metadata", "a map") })
      .optional()
      .describe("Free-form metadata, at most 16 KiB as JSON. Changes in place."),
    adopt: z
      .boolean({ error: must("adopt", "true or false") })
      .optional()
      .describe(
        "Take over the customer Limitry already holds with this externalId (made by its first event) instead of failing.",
      ),
  })
  .describe("A Limitry customer the stack manages: the timezone and billing cycle its limits' windows follow.");
export type LimitryCustomerEntry = z.infer<typeof LimitryCustomerEntrySchema>;

/** The `limitry:` section: meters, limits, and customers (managed ones, and ids `status` reports on). */
export const LimitrySectionSchema = z.strictObject({
  meters: z.array(LimitryMeterEntrySchema).default([]),
  limits: z.array(LimitryLimitEntrySchema).default([]),
  /**
   * A map is a customer the stack manages (`limitry.Customer`); a plain external id is one `status` reports on
   * without managing it. `status` reports on both, and on the customers the limits name.
   */
  customers: z
    .array(
      z.union(
        [
          z.string().describe("The external id of a customer `status` reports on; not managed by the stack."),
          LimitryCustomerEntrySchema,
        ],
        { error: must("a customer", "an external id or a map with externalId") },
      ),
    )
    .default([]),
});
export type LimitrySection = z.infer<typeof LimitrySectionSchema>;

/** The customers of the section the stack manages (its map entries). */
export function managedCustomers(section: LimitrySection): LimitryCustomerEntry[] {
  return section.customers.filter((c): c is LimitryCustomerEntry => typeof c !== "string");
}

/** The external ids of every customer the section names: plain ids and managed customers. */
export function customerIds(section: LimitrySection): string[] {
  return section.customers.map((c) => (typeof c === "string" ? c : c.externalId));
}

/** How many Limitry objects the section declares (meters, limits, managed customers). */
export function limitryObjectCount(section: LimitrySection | undefined): number {
  return section ? section.meters.length + section.limits.length + managedCustomers(section).length : 0;
}

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

/** Resource key of a managed customer: its `key`, or a slug of its external id. */
export function limitryCustomerKey(entry: LimitryCustomerEntry): string {
  return entry.key ?? slug(entry.externalId);
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "entry"
  );
}

/**
 * Limitry's rules, meter references and duplicate keys, as problems at their path in the file. `raw` is the
 * section as YAML gave it: every entry is checked on the fields of the right type, however wrong the others
 * (the schema reports those), so one run lists every problem of the file.
 */
export function limitrySectionProblems(raw: unknown): SectionProblem[] {
  const problems: SectionProblem[] = [];
  const at = (path: Array<string | number>, message: string) => problems.push({ path: ["limitry", ...path], message });
  const meterKeys = new Map<string, number>();
  // A meter whose key cannot be told (no key, its name of the wrong type): references are not checked.
  let unknownMeterKey = false;
  listAt(raw, "meters").forEach((entry, i) => {
    const meter = wellTyped(LimitryMeterEntrySchema, entry);
    for (const v of meterViolations(meter)) at(["meters", i, ...fieldPath(v.field)], describeViolation(v));
    const key = meter.key ?? (meter.name === undefined ? undefined : slug(meter.name));
    if (key === undefined) {
      unknownMeterKey = true;
      return;
    }
    const dup = meterKeys.get(key);
    if (dup !== undefined)
      at(
        ["meters", i, meter.key ? "key" : "name"],
        `duplicate meter key '${key}' (also limitry.meters[${dup}]); set a distinct key`,
      );
    meterKeys.set(key, i);
  });
  const limitKeys = new Map<string, number>();
  listAt(raw, "limits").forEach((entry, i) => {
    const limit = wellTyped(LimitryLimitEntrySchema, entry);
    // Presence, whatever the type: a meter of the wrong type is the schema's to report, not a missing one.
    if (isMap(entry) && (entry["meter"] === undefined) === (entry["meterId"] === undefined)) {
      at(["limits", i], "give exactly one of meter (a key of limitry.meters) or meterId (an existing meter's id)");
    } else if (limit.meter !== undefined && !unknownMeterKey && !meterKeys.has(limit.meter)) {
      const known = [...meterKeys.keys()];
      at(
        ["limits", i, "meter"],
        `no meter with key '${limit.meter}' in limitry.meters${known.length ? ` (keys: ${known.join(", ")})` : ""}`,
      );
    }
    for (const v of limitViolations(limit)) at(["limits", i, ...fieldPath(v.field)], describeViolation(v));
    const key = limit.key ?? (limit.name === undefined ? undefined : slug(limit.name));
    if (key === undefined) return;
    const dup = limitKeys.get(key);
    if (dup !== undefined)
      at(
        ["limits", i, limit.key ? "key" : "name"],
        `duplicate limit key '${key}' (also limitry.limits[${dup}]); set a distinct key`,
      );
    limitKeys.set(key, i);
  });
  const customerKeys = new Map<string, number>();
  const externalIds = new Map<string, number>();
  listAt(raw, "customers").forEach((entry, i) => {
    if (typeof entry === "string") {
      for (const v of textViolations("externalId", entry)) at(["customers", i], describeViolation(v));
      return;
    }
    if (!isMap(entry)) return;
    const customer = wellTyped(LimitryCustomerEntrySchema, entry);
    for (const v of customerViolations(customer)) at(["customers", i, ...fieldPath(v.field)], describeViolation(v));
    if (customer.externalId === undefined) return;
    const dupId = externalIds.get(customer.externalId);
    const key = customer.key ?? slug(customer.externalId);
    const dupKey = customerKeys.get(key);
    if (dupId !== undefined)
      at(["customers", i, "externalId"], `duplicate customer '${customer.externalId}' (also limitry.customers[${dupId}])`);
    else if (dupKey !== undefined)
      at(
        ["customers", i, customer.key ? "key" : "externalId"],
        `duplicate customer key '${key}' (also limitry.customers[${dupKey}]); set a distinct key`,
      );
    externalIds.set(customer.externalId, i);
    customerKeys.set(key, i);
  });
  return problems;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The list under `name` in a raw section (empty when it is not a list). */
function listAt(raw: unknown, name: string): unknown[] {
  const list = isMap(raw) ? raw[name] : undefined;
  return Array.isArray(list) ? list : [];
}

/** The fields of a raw entry that are of the right type, parsed; the others are left out. */
function wellTyped<Shape extends z.core.$ZodLooseShape>(schema: z.ZodObject<Shape>, raw: unknown) {
  const partial = schema.partial();
  if (!isMap(raw)) return partial.parse({});
  const fields: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const parsed = z.safeParse(field, raw[key]);
    if (parsed.success && parsed.data !== undefined) fields[key] = parsed.data;
  }
  return partial.parse(fields);
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
  if (path[1] === "customers") return LimitryCustomerEntrySchema.shape;
  return LimitrySectionSchema.shape;
}
