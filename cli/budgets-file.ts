import { readFile } from "node:fs/promises";
import { LineCounter, isNode, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { THRESHOLD_DEFAULT, THRESHOLD_MIN, limitViolations } from "../rules/payi/limit.js";
import { RESET_SCHEDULES } from "../rules/payi/reset.js";
import { USE_CASE_NAME } from "../rules/payi/use-case.js";
import { describeViolation, issueMessage } from "../rules/violation.js";
import { LIMIT_INPUT_OF_WIRE } from "../provider/payi/wire.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { must } from "./field-errors.js";
import { LimitrySectionSchema, limitryObjectCount, limitrySectionProblems, limitryShapeAt } from "./limitry-file.js";
import { FILE_FIELDS } from "./vocabulary.js";
import { PreviousKeysSchema, previousKeyProblems } from "./previous-keys.js";
import { VarsSchema, withStackValues } from "./stack-values.js";

const LimitTypeSchema = z
  .enum(["allow", "block"], { error: must("type", "allow or block") })
  .describe(
    "allow (track and alert, the default) or block (stop requests at max when Pay-i proxies them). Changing it replaces the limit.",
  );
const PropertiesSchema = z
  .record(z.string(), z.string({ error: must("a property value", "a string") }), {
    error: must("properties", "a map of strings"),
  })
  .describe("String properties stored on the limit. Change in place.");
const ThresholdSchema = z.number({ error: must("threshold", "a number") }).meta({
  description:
    "Fraction of max at which the limit becomes `exceeded`, 0.75-0.99; 1 (the default) means none. Changing it replaces the limit.",
  minimum: THRESHOLD_MIN,
  maximum: THRESHOLD_DEFAULT,
});

/** One limit in budgets.yaml. */
export const LimitEntrySchema = z
  .strictObject({
    name: z.string({ error: must("name", "a string") }).describe("Unique limit name in Pay-i. Renaming changes it in place."),
    key: z
      .string({ error: must("key", "a string") })
      .regex(/^[A-Za-z0-9._-]+$/, "key may contain letters, digits, '.', '-' and '_'")
      .optional()
      .describe("Resource key in the stack; defaults to a slug of the name. Pins which resource manages this limit."),
    previousKeys: PreviousKeysSchema,
    max: z
      .number({ error: must("max", "a number") })
      .meta({ description: "Maximum spend in USD, > 0. Changes in place (never below the current spend).", exclusiveMinimum: 0 }),
    type: LimitTypeSchema.default("allow"),
    threshold: ThresholdSchema.optional(),
    properties: PropertiesSchema.optional(),
    id: z
      .string({ error: must("id", "a string") })
      .min(1)
      .optional()
      .describe("Pay-i limit id; derived from the stack and key when absent. Changing it replaces the limit."),
    adopt: z
      .boolean({ error: must("adopt", "true or false") })
      .default(false)
      .describe("Take over an existing limit with this name (its type and threshold must match) instead of failing."),
    reset: z
      .enum(RESET_SCHEDULES, { error: must("reset", "daily, weekly or monthly") })
      .optional()
      .describe(
        "Start the spend from zero every UTC day, ISO week (Monday) or month; `pulumi-limits reset --due` carries it out.",
      ),
  })
  .describe("A Pay-i spending limit.");
export type LimitEntry = z.infer<typeof LimitEntrySchema>;

/** One use case, optionally with the limit each of its instances gets. */
const UseCaseEntrySchema = z
  .strictObject({
    name: z
      .string({ error: must("name", "a string") })
      .regex(USE_CASE_NAME, "name must be 1-64 characters of letters, digits, '.', '-' or '_'")
      .describe("Use-case name: 1-64 letters, digits, '.', '-', '_'. Changing it replaces the use case."),
    description: z.string({ error: must("description", "a string") }).default(""),
    loggingEnabled: z.boolean({ error: must("loggingEnabled", "true or false") }).optional(),
    limitConfig: z
      .strictObject(
        {
          max: z
            .number({ error: must("max", "a number") })
            .meta({ description: "USD each instance may spend, > 0.", exclusiveMinimum: 0 }),
          type: LimitTypeSchema.default("allow"),
          threshold: ThresholdSchema.optional(),
          properties: PropertiesSchema.optional(),
        },
        { error: must("limitConfig", "a map") },
      )
      .optional()
      .describe("The limit every new instance of the use case gets."),
    adopt: z
      .boolean({ error: must("adopt", "true or false") })
      .default(false)
      .describe("Take over an existing use case (and its limit config) that no stack manages, instead of failing."),
  })
  .describe("A Pay-i use-case definition.");
export type UseCaseEntry = z.infer<typeof UseCaseEntrySchema>;

/**
 * The whole file: one schema with a section per kind of object (and, as backends are added, per backend).
 * Top-level keys starting with `x-` are free for YAML anchors (`x-defaults: &defaults`) and are ignored.
 */
export const BudgetsFileSchema = z.strictObject(
  {
    limits: z
      .array(LimitEntrySchema, { error: must("limits", "a list") })
      .default([])
      .describe("Pay-i spending limits."),
    useCases: z
      .array(UseCaseEntrySchema, { error: must("useCases", "a list") })
      .default([])
      .describe("Pay-i use cases."),
    /** Limitry meters, limits and customers, applied in the same stack (see cli/limitry-file.ts). */
    limitry: LimitrySectionSchema.optional(),
    /** Values per stack, used as `${name}` in any field (see cli/stack-values.ts). */
    vars: VarsSchema.optional(),
  },
  { error: must("the file", "a map of sections (limits, useCases)") },
);
export type BudgetsFile = z.infer<typeof BudgetsFileSchema>;

/** Top-level keys reserved for anchors and tooling: `x-anything`. */
const EXTENSION_KEY = /^x-/;

/** A problem in the file, at a 1-based line and column. */
export interface FileProblem {
  line: number;
  column: number;
  path: string;
  message: string;
}

/** The resource key of a limit entry: its `key`, or a slug of its name. */
export function limitKey(entry: LimitEntry): string {
  return entry.key ?? slug(entry.name);
}

/** A resource key made from a name: lower case, runs of other characters as `-`. */
export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "limit"
  );
}

/**
 * Parses budgets.yaml text. Every problem of the file (YAML syntax; then types, unknown fields, Pay-i's
 * limit rules and duplicates, all in one pass) is reported with its line and column; the result is either
 * the file or the full list of problems. YAML merge keys (`<<: *defaults`) work, and top-level `x-…` keys
 * hold anchors without being read as sections.
 */
function parseBudgets(
  text: string,
  stack: string | undefined,
):
  | { budgets: BudgetsFile; declaresNothing: boolean; at: (path: Array<string | number>, message: string) => FileProblem }
  | { problems: FileProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        line: e.linePos?.[0].line ?? 1,
        column: e.linePos?.[0].col ?? 1,
        path: "",
        message: (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ""),
      })),
    };
  }
  const at = (path: Array<string | number>, message: string): FileProblem => ({
    ...position(doc, lineCounter, path),
    path: formatPath(path),
    message,
  });
  const values = withStackValues(withoutExtensions(doc.toJS() ?? {}), stack);
  const raw = values.value;
  const parsed = BudgetsFileSchema.safeParse(raw);
  const problems: FileProblem[] = values.problems.map((p) => at(p.path, p.message));
  // A field whose reference did not resolve is reported once, for that, not again for its type.
  const flagged = new Set<string>(values.problems.map((p) => formatPath(p.path)));
  for (const issue of parsed.success ? [] : parsed.error.issues.flatMap(fittingIssues)) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (flagged.has(formatPath(path))) continue;
    flagged.add(formatPath(path));
    if (issue.code === "unrecognized_keys") {
      const known = Object.keys(shapeAt(path));
      problems.push(
        at([...path, issue.keys[0] ?? ""], `unknown field '${issue.keys.join("', '")}' (expected one of: ${known.join(", ")})`),
      );
    } else {
      problems.push(at(path, issueMessage(issue)));
    }
  }
  // Rules and duplicates are checked on every value of the right type, even when other fields of the
  // file are wrong, so one run lists every problem.
  const rule = (path: Array<string | number>, message: string) => {
    if (!flagged.has(formatPath(path))) problems.push(at(path, message));
  };
  const seenNames = new Map<string, number>();
  const seenKeys = new Map<string, number>();
  entries(raw, "limits").forEach((entry, i) => {
    const name = asString(entry["name"]);
    for (const v of limitViolations({ limit_name: name, max: asNumber(entry["max"]), threshold: asNumber(entry["threshold"]) })) {
      // The rules speak wire names; the file has its own.
      const field = FILE_FIELDS.limit[LIMIT_INPUT_OF_WIRE[v.field] ?? v.field] ?? v.field;
      rule(["limits", i, field], describeViolation(v, field));
    }
    if (name === undefined) return;
    const dupName = seenNames.get(name);
    const declaredKey = asString(entry["key"]);
    const key = declaredKey ?? slug(name);
    const dupKey = seenKeys.get(key);
    if (dupName !== undefined) rule(["limits", i, "name"], `duplicate limit name '${name}' (also limits[${dupName}])`);
    else if (dupKey !== undefined)
      rule(["limits", i, declaredKey ? "key" : "name"], `duplicate key '${key}' (also limits[${dupKey}]); set a distinct key`);
    seenNames.set(name, i);
    seenKeys.set(key, i);
  });
  const seenUseCases = new Map<string, number>();
  entries(raw, "useCases").forEach((entry, i) => {
    const config = entry["limitConfig"];
    if (config && typeof config === "object" && !Array.isArray(config)) {
      const c: Record<string, unknown> = { ...config };
      for (const v of limitViolations({ max: asNumber(c["max"]), threshold: asNumber(c["threshold"]) })) {
        rule(["useCases", i, "limitConfig", v.field], describeViolation(v));
      }
    }
    const name = asString(entry["name"]);
    if (name === undefined) return;
    const dup = seenUseCases.get(name);
    if (dup !== undefined) rule(["useCases", i, "name"], `duplicate use case '${name}' (also useCases[${dup}])`);
    seenUseCases.set(name, i);
  });
  const limitry = isMapValue(raw) ? raw["limitry"] : undefined;
  for (const p of limitrySectionProblems(limitry)) rule(p.path, p.message);
  for (const [section, keyOf] of KEYED_SECTIONS) {
    const list = entries(section.length === 1 ? raw : limitry, section.at(-1) ?? "");
    const keyed = list.map((e) => ({ key: keyOf(e), previousKeys: e["previousKeys"] }));
    const label = (i: number) => `${section.join(".")}[${i}]`;
    for (const p of previousKeyProblems(keyed, label)) rule([...section, ...p.path], p.message);
  }
  if (problems.length > 0 || !parsed.success) {
    return { problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) };
  }
  // An explicit empty section (`limits: []`, `useCases: []`, `limitry: { limits: [] }`) says "none" on purpose;
  // an empty or comment-only file may be an accident.
  const explicit =
    doc.contents !== null &&
    (doc.has("limits") || doc.has("useCases") || doc.hasIn(["limitry", "meters"]) || doc.hasIn(["limitry", "limits"]));
  return { budgets: parsed.data, declaresNothing: !explicit && isEmpty(parsed.data), at };
}

/**
 * A failed union's issues as those of the one option the value's type fits (a customer map's own field errors,
 * at their paths), else the union's own message (a number where an id or a map goes).
 */
function fittingIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union") return [issue];
  const fitting = issue.errors.filter((option) => !option.some((i) => i.path.length === 0 && i.code === "invalid_type"));
  const [only] = fitting;
  if (fitting.length !== 1 || !only) return [issue];
  return only.map((i) => ({ ...i, path: [...issue.path, ...i.path] })).flatMap(fittingIssues);
}

/** A raw entry's key: its `key`, else a slug of the field it defaults from (when that is a string). */
const keyFrom =
  (field: string) =>
  (entry: Record<string, unknown>): string | undefined => {
    const declared = asString(entry["key"]);
    const from = asString(entry[field]);
    return declared ?? (from === undefined ? undefined : slug(from));
  };

/** The sections whose entries have a key (and so may list previous keys), with where each key defaults from. */
const KEYED_SECTIONS: Array<[string[], (entry: Record<string, unknown>) => string | undefined]> = [
  [["limits"], keyFrom("name")],
  [["limitry", "meters"], keyFrom("name")],
  [["limitry", "limits"], keyFrom("name")],
  [["limitry", "customers"], keyFrom("externalId")],
];

/** The file's top-level map without its `x-…` keys (anchor holders); anything else as it is. */
function withoutExtensions(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !EXTENSION_KEY.test(key)));
}

function isMapValue(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The map entries of a top-level list section, whatever else is wrong with the file. */
function entries(raw: unknown, section: string): Array<Record<string, unknown>> {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return [];
  const list: unknown = Object.entries(raw).find(([key]) => key === section)?.[1];
  if (!Array.isArray(list)) return [];
  return list.map((e: unknown) => (e && typeof e === "object" && !Array.isArray(e) ? { ...e } : {}));
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function asNumber(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** True when the file declares no limit and no use case: applying it deletes everything the stack manages. */
function isEmpty(budgets: BudgetsFile): boolean {
  return budgets.limits.length === 0 && budgets.useCases.length === 0 && limitryObjectCount(budgets.limitry) === 0;
}

/** A problem the file's contents cause outside it (a name the service does not know), at a path in the file. */
export interface ReferenceProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * Reads and parses a budgets file; problems become one CliError (exit 2) listing `file:line:col: path: message`.
 * A file that declares nothing (empty, comments only) is refused unless `allowEmpty`: applied, it would
 * delete every limit of the stack. `limits: []` declares that on purpose. `references` checks what the
 * parsed file names on the services; its problems are positioned and reported the same way.
 */
export async function loadBudgets(
  file: string,
  options: {
    allowEmpty?: boolean;
    references?: (budgets: BudgetsFile) => Promise<ReferenceProblem[]>;
    /** The stack the file is applied to: its values of `vars:` and `${stack}` (see cli/stack-values.ts). */
    stack?: string;
  } = {},
): Promise<BudgetsFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, ExitCode.badInput);
  }
  const result = parseBudgets(text, options.stack);
  if ("problems" in result) throw invalid(file, result.problems);
  if (result.declaresNothing && !options.allowEmpty) {
    throw new CliError(
      `${file} declares no limits and no use cases: applying it would delete every limit and use case of the stack. Write an empty section (\`limits: []\` or \`useCases: []\`) in the file to mean that, or pass --allow-empty.`,
      ExitCode.badInput,
    );
  }
  const references = (await options.references?.(result.budgets)) ?? [];
  if (references.length > 0)
    throw invalid(
      file,
      references.map((p) => result.at(p.path, p.message)),
    );
  return result.budgets;
}

function invalid(file: string, problems: FileProblem[]): CliError {
  const lines = problems.map((p) => `${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.message}`);
  return new CliError(`${file} is not valid:\n${lines.join("\n")}`, ExitCode.badInput);
}

/** Position of the deepest node along `path` that exists (the field, else its parent entry). */
function position(doc: Document, lineCounter: LineCounter, path: Array<string | number>): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      return { line, column: col };
    }
    // A key that exists with a missing value: point at the parent map.
  }
  return { line: 1, column: 1 };
}

/** The object schema whose fields are expected at `path`, to list them in an unknown-field error. */
function shapeAt(path: Array<string | number>): Record<string, unknown> {
  if (path.length === 0) return BudgetsFileSchema.shape;
  if (path[0] === "limits") return LimitEntrySchema.shape;
  if (path[0] === "limitry") return limitryShapeAt(path);
  if (path.includes("limitConfig")) return UseCaseEntrySchema.shape.limitConfig.unwrap().shape;
  return UseCaseEntrySchema.shape;
}

function formatPath(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}
