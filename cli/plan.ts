import type { EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";
import { isUnknown, same } from "../provider/diff.js";
import { configChangeNote } from "../provider/payi/use-case-impact.js";
import { formatUsd } from "../rules/payi/money.js";
import { KINDS, fieldNamed, fileKeyOf, formatField, kindOf, kindOfToken, type Kind, type ResourceKind } from "./kinds.js";
import { ordered, type PolicyViolation, policyViolation, renderViolations } from "./policy.js";

/**
 * What a plan does to one resource. `adopt` is a create told to take over an existing object (`adopt: true`,
 * `adoptId`); `import` is the engine's import of one.
 */
export type ChangeOp = "create" | "adopt" | "import" | "update" | "replace" | "delete";

/** One changed property: the file's field name and its value before and after (`undefined` = not set). */
export interface PropertyChange {
  property: string;
  old: unknown;
  new: unknown;
}

/** One resource change of a plan: what a reviewer needs to approve it. */
export interface ResourceChange {
  op: ChangeOp;
  kind: ResourceKind;
  /** Resource key in the stack. */
  key: string;
  /** The object's name (the new one for creates and updates). */
  name: string;
  /** The service's id of the object changed (see `id` in cli/kinds.ts); absent for creates. */
  id?: string;
  changes: PropertyChange[];
  /** Why the resource is replaced rather than updated, one line per property. */
  replaceReasons: string[];
  /** What an adopt or import takes over. */
  takesOver?: string;
  /** Tracked spend that a replace or delete discards, USD (Pay-i limits). */
  spendDiscardedUsd?: number;
  /** What a delete discards besides the object (see `discards` in cli/kinds.ts). */
  discards?: string;
}

/** A plan: every resource change, plus warnings a reviewer must not miss. */
export interface Plan {
  changes: ResourceChange[];
  warnings: string[];
  /** What the policy packs (`--policy-pack`) reported; a mandatory one stopped the run. */
  policyViolations: PolicyViolation[];
}

const PLANNED: Partial<Record<OpType, ChangeOp>> = {
  create: "create",
  import: "import",
  update: "update",
  replace: "replace",
  delete: "delete",
};

/** Collects a plan from the engine's step events (`onEvent` of preview, up or destroy). */
export class PlanRecorder {
  private readonly byUrn = new Map<string, { change: ResourceChange; note: string | undefined }>();
  private readonly violations: PolicyViolation[] = [];

  /** Feed every engine event; resource pre-events of our kinds and policy violations count. */
  readonly onEvent = (event: EngineEvent): void => {
    const metadata = event.resourcePreEvent?.metadata;
    if (metadata) this.record(metadata);
    if (event.policyEvent) this.violations.push(policyViolation(event.policyEvent));
  };

  private record(step: StepEventMetadata): void {
    const planned = PLANNED[step.op];
    const kind = kindOfToken(step.type);
    if (!planned || !kind) return;
    const oldInputs = step.old?.inputs ?? {};
    const newInputs = step.new?.inputs ?? {};
    const key = step.urn.slice(step.urn.lastIndexOf("::") + 2);
    const known = (value: unknown) => (value === undefined || value === null || isUnknown(value) ? undefined : value);
    const name = String(known(newInputs[kind.nameInput]) ?? known(oldInputs[kind.nameInput]) ?? fileKeyOf(kind.kind, key));
    const adopting = planned === "create" ? takesOver(kind, name, newInputs) : undefined;
    const op: ChangeOp = adopting ? "adopt" : planned;
    const id = step.old?.id || (op === "import" ? step.new?.id : undefined) || undefined;
    const changes = op === "delete" ? [] : propertyChanges(kind, oldInputs, newInputs);
    const change: ResourceChange = {
      op,
      kind: kind.kind,
      key,
      name,
      ...(id ? { id } : {}),
      changes,
      replaceReasons: op === "replace" ? (step.keys ?? []).map((input) => replaceReason(kind, input)) : [],
      ...(adopting ? { takesOver: adopting } : {}),
      ...(op === "import" && id ? { takesOver: `${kind.label} ${id} (import)` } : {}),
    };
    const spend = kind.spendOutput ? step.old?.outputs?.[kind.spendOutput] : undefined;
    if ((op === "replace" || op === "delete") && typeof spend === "number") change.spendDiscardedUsd = spend;
    if (op === "delete" && kind.discards) change.discards = kind.discards;
    this.byUrn.set(step.urn, { change, note: changeNote(kind, op, name, oldInputs, newInputs) });
  }

  /**
   * The plan so far. Warnings name every amount a replace or delete discards, what a change of a use case's
   * limit config leaves to running instances, then `notes` (what goes with the use cases the file dropped).
   */
  plan(notes: readonly string[] = []): Plan {
    // The engine runs steps in parallel: order the plan the same way every time.
    const order = (c: ResourceChange) => KINDS.findIndex((k) => k.kind === c.kind);
    const recorded = [...this.byUrn.values()].sort(
      ({ change: a }, { change: b }) => order(a) - order(b) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key),
    );
    const changes = recorded.map((r) => r.change);
    const spend = changes
      .filter((c) => (c.spendDiscardedUsd ?? 0) > 0)
      .map(
        (c) =>
          `${c.op === "delete" ? "deleting" : "replacing"} ${kindOf(c.kind).label} '${c.name}'${c.id ? ` (${c.id})` : ""} discards its tracked spend of ${formatUsd(c.spendDiscardedUsd ?? 0)}`,
      );
    const changeNotes = recorded.flatMap((r) => (r.note ? [r.note] : []));
    const warnings = [...new Set([...spend, ...changeNotes, ...notes])];
    return { changes, warnings, policyViolations: ordered(this.violations) };
  }
}

/** What a create told to adopt takes over, if it is told to (its kind's `adoptInput`). */
function takesOver(kind: Kind, name: string, inputs: Record<string, unknown>): string | undefined {
  const value = kind.adoptInput ? inputs[kind.adoptInput] : undefined;
  if (typeof value === "string" && value !== "" && !isUnknown(value)) return `${kind.label} ${value} (${kind.adoptInput})`;
  if (value === true)
    return `the existing ${kind.label} '${name}' if there is one (${kind.adoptInput}: true); else it is created`;
  return undefined;
}

/** The changed fields, each `old → new` under its file name; maps (properties, filters) per key. */
function propertyChanges(kind: Kind, olds: Record<string, unknown>, news: Record<string, unknown>): PropertyChange[] {
  const out: PropertyChange[] = [];
  for (const f of kind.fields) collect(f.field, olds[f.input], news[f.input], f.hidden ?? [], out);
  return out;
}

function collect(path: string, before: unknown, after: unknown, hidden: readonly string[], out: PropertyChange[]): void {
  if (!isUnknown(before) && !isUnknown(after) && (isMap(before) || isMap(after))) {
    const a = isMap(before) ? before : {};
    const b = isMap(after) ? after : {};
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !hidden.includes(k)).sort();
    for (const k of keys) collect(`${path}.${k}`, a[k], b[k], [], out);
  } else if (!same(before, after)) {
    out.push({ property: path, old: before, new: after });
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function replaceReason(kind: Kind, input: string): string {
  // No input of any kind is named `id`: the engine names it for a replacement asked with --replace.
  if (input === "id") return "a replacement was asked for (--replace)";
  return kind.replaceReason(kind.fields.find((f) => f.input === input)?.field ?? input);
}

/**
 * What a change means beyond its fields: a use case's limit config reaches new instances only. In the
 * provider's words (it warns the same in the engine's stream), listing inputs as its diff does: the replacing
 * ones, then the rest.
 */
function changeNote(
  kind: Kind,
  op: ChangeOp,
  name: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): string | undefined {
  if (kind.kind !== "useCaseLimitConfig" || (op !== "update" && op !== "replace")) return undefined;
  if (!same(olds[kind.nameInput], news[kind.nameInput])) return undefined; // the definition's rename tells
  const changed = kind.fields.filter((f) => !same(olds[f.input], news[f.input]));
  const inputs = [...changed.filter((f) => f.replaces), ...changed.filter((f) => !f.replaces)].map((f) => f.input);
  return inputs.length > 0 ? configChangeNote(name, { kind: op, fields: inputs }) : undefined;
}

/** A property value as printed in a plan, in its field's unit (money as USD, thresholds as percent of max). */
export function formatValue(kind: ResourceKind, property: string, value: unknown): string {
  return formatField(fieldNamed(kind, property), value);
}

/**
 * How a plan names a resource: `limit 'Monthly Budget' (pl-…)`, `Limitry limit 'Daily' (key daily, lmt_…)`: its
 * name, the file key where names are not unique, and the service's id (unless `table`, a Markdown cell: name
 * unquoted, no id).
 */
export function describe(c: ResourceChange, table = false): string {
  const kind = kindOf(c.kind);
  const id = table || c.op === "create" || c.op === "adopt" ? undefined : c.id;
  const ref = [kind.uniqueName ? undefined : `key ${fileKeyOf(c.kind, c.key)}`, id].filter((r) => r !== undefined);
  return `${kind.label} ${table ? c.name : `'${c.name}'`}${ref.length ? ` (${ref.join(", ")})` : ""}`;
}

const SYMBOL: Record<ChangeOp, string> = { create: "+", adopt: "+", import: "=", update: "~", replace: "+-", delete: "-" };

/** The plan as text: one block per resource, every changed property `old → new`. */
export function renderPlan(plan: Plan, title: string): string {
  const lines = [plan.changes.length === 0 ? `${title}: no changes.` : `${title}:`];
  for (const c of plan.changes) {
    lines.push(`  ${SYMBOL[c.op].padEnd(2)} ${c.op.padEnd(7)} ${describe(c)}`);
    if (c.takesOver) lines.push(`        takes over ${c.takesOver}`);
    const fresh = c.op === "create" || c.op === "adopt" || c.op === "import";
    for (const p of c.changes) {
      const value = (v: unknown) => formatValue(c.kind, p.property, v);
      lines.push(fresh ? `        ${p.property}: ${value(p.new)}` : `        ${p.property}: ${value(p.old)} → ${value(p.new)}`);
    }
    for (const reason of c.replaceReasons) lines.push(`        replaced because ${reason}`);
    if (c.spendDiscardedUsd !== undefined) lines.push(`        tracked spend discarded: ${formatUsd(c.spendDiscardedUsd)}`);
    if (c.discards) lines.push(`        discards ${c.discards}`);
  }
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  lines.push(...renderViolations(plan.policyViolations));
  return `${lines.join("\n")}\n`;
}
