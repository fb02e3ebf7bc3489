import { readFile } from "node:fs/promises";
import { LineCounter, isNode, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { limitViolations } from "../rules/payi/limit.js";
import { USE_CASE_NAME } from "../rules/payi/use-case.js";
import { describeViolation, issueMessage } from "../rules/violation.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { LimitrySectionSchema, limitrySectionProblems, limitryShapeAt } from "./limitry-file.js";

const LimitTypeSchema = z.enum(["allow", "block"], { error: "type must be allow or block" });
const PropertiesSchema = z.record(z.string(), z.string({ error: "property values must be strings" }));

/** One limit in budgets.yaml. */
export const LimitEntrySchema = z.strictObject({
  /** Unique limit name in Pay-i. */
  name: z.string({ error: "name is required" }),
  /** Resource key in the stack; defaults to a slug of the name. Keep it when renaming to rename in place. */
  key: z.string().regex(/^[A-Za-z0-9._-]+$/, "key may contain letters, digits, '.', '-' and '_'").optional(),
  /** USD. */
  max: z.number({ error: "max is required and must be a number" }),
  type: LimitTypeSchema.default("allow"),
  /** 0.75–0.99. */
  threshold: z.number({ error: "threshold must be a number" }).optional(),
  properties: PropertiesSchema.optional(),
  /** Pay-i limit id; derived from the stack and key when absent. */
  id: z.string().min(1).optional(),
  /** Take over an existing limit with this name instead of failing. */
  adopt: z.boolean().default(false),
});
export type LimitEntry = z.infer<typeof LimitEntrySchema>;

/** One use case, optionally with the limit each of its instances gets. */
export const UseCaseEntrySchema = z.strictObject({
  name: z.string({ error: "name is required" }).regex(USE_CASE_NAME, "name must be 1-64 characters of letters, digits, '.', '-' or '_'"),
  description: z.string().default(""),
  loggingEnabled: z.boolean().optional(),
  limitConfig: z
    .strictObject({
      max: z.number({ error: "max is required and must be a number" }),
      type: LimitTypeSchema.default("allow"),
      threshold: z.number().optional(),
      properties: PropertiesSchema.optional(),
    })
    .optional(),
});
export type UseCaseEntry = z.infer<typeof UseCaseEntrySchema>;

/** The whole file. */
export const BudgetsFileSchema = z.strictObject({
  limits: z.array(LimitEntrySchema).default([]),
  useCases: z.array(UseCaseEntrySchema).default([]),
  /** Limitry meters and limits, applied in the same stack (see cli/limitry-file.ts). */
  limitry: LimitrySectionSchema.optional(),
});
export type BudgetsFile = z.infer<typeof BudgetsFileSchema>;

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
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "limit";
}

/**
 * Parses budgets.yaml text. Every problem (YAML syntax, schema, Pay-i's limit rules, duplicates) is
 * reported with its line and column; the result is either the file or the full list of problems.
 */
export function parseBudgets(text: string): { budgets: BudgetsFile; declaresNothing: boolean } | { problems: FileProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
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
  const at = (path: Array<string | number>, message: string): FileProblem => ({ ...position(doc, lineCounter, path), path: formatPath(path), message });
  const parsed = BudgetsFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
        if (issue.code === "unrecognized_keys") {
          const known = Object.keys(shapeAt(path));
          return at([...path, issue.keys[0] ?? ""], `unknown field '${issue.keys.join("', '")}' (expected one of: ${known.join(", ")})`);
        }
        return at(path, issueMessage(issue));
      }),
    };
  }
  const budgets = parsed.data;
  const problems: FileProblem[] = [];
  const seenNames = new Map<string, number>();
  const seenKeys = new Map<string, number>();
  budgets.limits.forEach((entry, i) => {
    for (const v of limitViolations({ limit_name: entry.name, max: entry.max, threshold: entry.threshold })) {
      const field = v.field === "limit_name" ? "name" : v.field;
      problems.push(at(["limits", i, field], describeViolation(v, field)));
    }
    const dupName = seenNames.get(entry.name);
    if (dupName !== undefined) problems.push(at(["limits", i, "name"], `duplicate limit name '${entry.name}' (also limits[${dupName}])`));
    seenNames.set(entry.name, i);
    const key = limitKey(entry);
    const dupKey = seenKeys.get(key);
    if (dupKey !== undefined) problems.push(at(["limits", i, entry.key ? "key" : "name"], `duplicate key '${key}' (also limits[${dupKey}]); set a distinct key`));
    seenKeys.set(key, i);
  });
  const seenUseCases = new Map<string, number>();
  budgets.useCases.forEach((entry, i) => {
    if (entry.limitConfig) {
      for (const v of limitViolations({ max: entry.limitConfig.max, threshold: entry.limitConfig.threshold })) {
        problems.push(at(["useCases", i, "limitConfig", v.field], describeViolation(v)));
      }
    }
    const dup = seenUseCases.get(entry.name);
    if (dup !== undefined) problems.push(at(["useCases", i, "name"], `duplicate use case '${entry.name}' (also useCases[${dup}])`));
    seenUseCases.set(entry.name, i);
  });
  if (budgets.limitry) problems.push(...limitrySectionProblems(budgets.limitry).map((p) => at(p.path, p.message)));
  if (problems.length > 0) return { problems };
  // An explicit `limits: []` says "no limits" on purpose; an empty or comment-only file may be an accident.
  const explicit = doc.contents !== null && doc.has("limits");
  return { budgets, declaresNothing: !explicit && isEmpty(budgets) };
}

/** True when the file declares no limit and no use case: applying it deletes everything the stack manages. */
export function isEmpty(budgets: BudgetsFile): boolean {
  const limitry = (budgets.limitry?.meters.length ?? 0) + (budgets.limitry?.limits.length ?? 0);
  return budgets.limits.length === 0 && budgets.useCases.length === 0 && limitry === 0;
}

/**
 * Reads and parses a budgets file; problems become one CliError (exit 2) listing `file:line:col: path: message`.
 * A file that declares nothing (empty, comments only) is refused unless `allowEmpty`: applied, it would
 * delete every limit of the stack. `limits: []` declares that on purpose.
 */
export async function loadBudgets(file: string, options: { allowEmpty?: boolean } = {}): Promise<BudgetsFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, ExitCode.badInput);
  }
  const result = parseBudgets(text);
  if ("problems" in result) {
    const lines = result.problems.map((p) => `${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.message}`);
    throw new CliError(`${file} is not valid:\n${lines.join("\n")}`, ExitCode.badInput);
  }
  if (result.declaresNothing && !options.allowEmpty) {
    throw new CliError(
      `${file} declares no limits and no use cases: applying it would delete every limit and use case of the stack. Write \`limits: []\` in the file to mean that, or pass --allow-empty.`,
      ExitCode.badInput,
    );
  }
  return result.budgets;
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
