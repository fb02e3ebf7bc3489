import type { EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";
import { formatUsd } from "../rules/payi/money.js";
import { LAST_RESET_PROPERTY, RESET_PROPERTY } from "../rules/payi/reset.js";
import { FILE_FIELDS, NAME_INPUT } from "./vocabulary.js";
import { ordered, type PolicyViolation, policyViolation, renderViolations } from "./policy.js";

/** What a plan does to one resource. */
export type ChangeOp = "create" | "update" | "replace" | "delete";

/** Resource kinds of a budgets stack, as the file names them. */
export type ResourceKind = "limit" | "useCase" | "useCaseLimitConfig";

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
  /** Limit or use-case name (the new one for creates and updates). */
  name: string;
  /** Pay-i limit id, or use-case name, of the object changed; absent for creates. */
  id?: string;
  changes: PropertyChange[];
  /** Why the resource is replaced rather than updated, one line per property. */
  replaceReasons: string[];
  /** Tracked spend that a replace or delete discards, USD (limits only). */
  spendDiscardedUsd?: number;
}

/** A plan: every resource change, plus warnings a reviewer must not miss. */
export interface Plan {
  changes: ResourceChange[];
  warnings: string[];
  /** What the policy packs (`--policy-pack`) reported; a mandatory one stopped the run. */
  policyViolations: PolicyViolation[];
}

const KINDS: Record<string, ResourceKind> = {
  Limit: "limit",
  UseCaseDefinition: "useCase",
  UseCaseLimitConfig: "useCaseLimitConfig",
};

const KIND_ORDER: ResourceKind[] = ["limit", "useCase", "useCaseLimitConfig"];

const PLANNED: Partial<Record<OpType, ChangeOp>> = { create: "create", update: "update", replace: "replace", delete: "delete" };

/** The resource kind of a Pulumi type token (`pulumi-nodejs:dynamic/payi:Limit`), if it is one of ours. */
export function resourceKind(type: string): ResourceKind | undefined {
  // Pay-i's module only: `pulumi-nodejs:dynamic/limitry:Limit` is Limitry's, not a Pay-i limit.
  if (!type.includes("/payi:")) return undefined;
  return KINDS[type.slice(type.lastIndexOf(":") + 1)];
}

/** Collects a plan from the engine's step events (`onEvent` of preview or up). */
export class PlanRecorder {
  private readonly byUrn = new Map<string, ResourceChange>();
  private readonly violations: PolicyViolation[] = [];

  /** Feed every engine event; resource pre-events of our kinds and policy violations count. */
  readonly onEvent = (event: EngineEvent): void => {
    const metadata = event.resourcePreEvent?.metadata;
    if (metadata) this.record(metadata);
    if (event.policyEvent) this.violations.push(policyViolation(event.policyEvent));
  };

  private record(step: StepEventMetadata): void {
    const op = PLANNED[step.op];
    const kind = resourceKind(step.type);
    if (!op || !kind) return;
    const oldInputs = step.old?.inputs ?? {};
    const newInputs = step.new?.inputs ?? {};
    const key = step.urn.slice(step.urn.lastIndexOf("::") + 2);
    const name = String(newInputs[NAME_INPUT[kind]] ?? oldInputs[NAME_INPUT[kind]] ?? key);
    const id = step.old?.id || undefined;
    const change: ResourceChange = {
      op,
      kind,
      key,
      name,
      ...(id ? { id } : {}),
      changes: op === "delete" ? [] : propertyChanges(kind, oldInputs, newInputs),
      replaceReasons: op === "replace" ? (step.keys ?? []).map((k) => replaceReason(kind, k)) : [],
    };
    const spend = step.old?.outputs?.["spendUsd"];
    if (kind === "limit" && (op === "replace" || op === "delete") && typeof spend === "number") change.spendDiscardedUsd = spend;
    this.byUrn.set(step.urn, change);
  }

  /** The plan so far; warnings name every amount a replace or delete discards. */
  plan(): Plan {
    // The engine runs steps in parallel: order the plan the same way every time.
    const changes = [...this.byUrn.values()].sort(
      (a, b) =>
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key),
    );
    const warnings = changes
      .filter((c) => (c.spendDiscardedUsd ?? 0) > 0)
      .map(
        (c) =>
          `${c.op === "delete" ? "deleting" : "replacing"} limit '${c.name}'${c.id ? ` (${c.id})` : ""} discards its tracked spend of ${formatUsd(c.spendDiscardedUsd ?? 0)}`,
      );
    return { changes, warnings, policyViolations: ordered(this.violations) };
  }
}

function propertyChanges(kind: ResourceKind, olds: Record<string, unknown>, news: Record<string, unknown>): PropertyChange[] {
  const out: PropertyChange[] = [];
  for (const [input, field] of Object.entries(FILE_FIELDS[kind])) {
    const before = olds[input];
    const after = news[input];
    if (input === "properties") {
      const a = record(before);
      const b = record(after);
      // Reserved keys (the reset schedule) show as their own field.
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
        (k) => k !== RESET_PROPERTY && k !== LAST_RESET_PROPERTY,
      );
      for (const k of keys.sort()) {
        if (a[k] !== b[k]) out.push({ property: `properties.${k}`, old: a[k], new: b[k] });
      }
    } else if (JSON.stringify(before ?? null) !== JSON.stringify(after ?? null)) {
      out.push({ property: field, old: before, new: after });
    }
  }
  return out;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? { ...value } : {};
}

function replaceReason(kind: ResourceKind, input: string): string {
  const field = FILE_FIELDS[kind][input] ?? input;
  if (kind === "limit" && input === "limitId") return "id is the limit's identity in Pay-i: a new id means a new limit";
  if (kind === "useCaseLimitConfig" && input !== "useCaseName")
    return `a new ${field} makes a different limit: the new config is written over the old one (never deleted first), and only new instances get it`;
  return `${field} cannot change in place (Pay-i fixes it when the ${kind === "useCase" ? "use case" : "limit"} is created)`;
}

/** A property value as printed in a plan: money as USD, thresholds as percent of max. */
export function formatValue(property: string, value: unknown): string {
  if (value === undefined || value === null) return "(none)";
  if (property === "max" && typeof value === "number") return formatUsd(value);
  if (property === "threshold" && typeof value === "number") return `${Number((value * 100).toFixed(2))}%`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

const SYMBOL: Record<ChangeOp, string> = { create: "+", update: "~", replace: "+-", delete: "-" };
const LABEL: Record<ResourceKind, string> = { limit: "limit", useCase: "use case", useCaseLimitConfig: "use-case limit" };

/** The plan as text: one block per resource, every changed property `old → new`. */
export function renderPlan(plan: Plan, title: string): string {
  const lines = [plan.changes.length === 0 ? `${title}: no changes.` : `${title}:`];
  for (const c of plan.changes) {
    lines.push(
      `  ${SYMBOL[c.op].padEnd(2)} ${c.op.padEnd(7)} ${LABEL[c.kind]} '${c.name}'${c.id && c.op !== "create" ? ` (${c.id})` : ""}`,
    );
    for (const p of c.changes) {
      lines.push(
        c.op === "create"
          ? `        ${p.property}: ${formatValue(p.property, p.new)}`
          : `        ${p.property}: ${formatValue(p.property, p.old)} → ${formatValue(p.property, p.new)}`,
      );
    }
    for (const reason of c.replaceReasons) lines.push(`        replaced because ${reason}`);
    if (c.spendDiscardedUsd !== undefined) lines.push(`        tracked spend discarded: ${formatUsd(c.spendDiscardedUsd)}`);
  }
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  lines.push(...renderViolations(plan.policyViolations));
  return `${lines.join("\n")}\n`;
}
