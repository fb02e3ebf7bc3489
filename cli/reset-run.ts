/**
 * `reset --due` on a stack: which of the file's scheduled limits are due, and the two targeted updates that
 * claim their periods and then apply the resets claimed, each under the stack's lock (rules/payi/reset.ts).
 * The resets' bookkeeping is the `Limit`s' `lastReset` output, in the stack's state: every runner reads the
 * same through the backend, whatever Pay-i returns of a limit.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import * as pulumi from "@pulumi/pulumi";
import { ConcurrentUpdateError, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { Limit } from "../provider/index.js";
import { isGone } from "../provider/payi/client.js";
import { LimitInputsObject } from "../provider/payi/inputs.js";
import {
  countsSince,
  nextPeriodStart,
  periodStart,
  resetDue,
  ResetRecordSchema,
  type ResetRecord,
  type ResetSchedule,
} from "../rules/payi/reset.js";
import { typeToken } from "../provider/type-token.js";
import { Payi } from "../sdk/index.js";
import type { BudgetsFile, LimitEntry } from "./budgets-file.js";
import { commandErrorLine } from "./output.js";
import { resolveLimitKeys, stateResources, type StateResource } from "./resource-keys.js";
import { limitArgs, limitEntry, type LimitSettings } from "./vocabulary.js";
import { cliUrn } from "./targets.js";
import { budgetsStack, type StackSettings } from "./workspace.js";

/** What `reset --due` did with one limit that declares a schedule. */
export interface ResetResult {
  name: string;
  limitId: string | null;
  schedule: ResetSchedule;
  /**
   * `reset` by this run; `not-due` (reset, created or given its schedule in this period); `claimed` (another
   * run claimed this period's reset and has not confirmed it: still running, or it failed and this period's
   * reset was missed); `failed` (this run's reset did not happen or may not have: `error` says which);
   * `missing` (not on the service, or not in the stack yet: run `up`).
   */
  outcome: "reset" | "not-due" | "claimed" | "failed" | "missing";
  /** Start of the current period (UTC). */
  periodStart: string;
  /** Since when the spend counted before this run: the start of the period last reset for, or the creation. */
  lastReset: string | null;
  nextReset: string;
  /** Spend the reset cleared, USD. */
  spendClearedUsd?: number;
  /** When another run claimed this period's reset (`claimed`). */
  claimedAt?: string;
  /** Why this run's reset failed (`failed`). */
  error?: string;
}

/** How long `reset --due` waits for another run's lock on the stack before failing as `up` does (exit 4). */
const LOCK_WAIT_MS = 10 * 60_000;

/** A limit of the file with a schedule, and its current period. */
interface Scheduled {
  entry: LimitEntry;
  schedule: ResetSchedule;
  key: string;
  period: string;
  nextReset: string;
}

/** A scheduled limit as the stack's state and the service hold it at the start of a claim. */
type Found =
  | { held: false; limitId: string | null }
  | { held: true; resource: StateResource; record: ResetRecord | undefined; since: Date; due: boolean };

/** Resets the file's due limits of the stack, each at most once per period, and says what it did with each. */
export async function resetDueLimits(budgets: BudgetsFile, settings: StackSettings, now: Date): Promise<ResetResult[]> {
  // Limitry's objects are never part of a reset: no Limitry key needed.
  const { stack, state } = await budgetsStack({ ...budgets, limitry: undefined }, settings);
  const { keys } = resolveLimitKeys(budgets.limits, state);
  const scheduled: Scheduled[] = budgets.limits.flatMap((entry, i) =>
    entry.reset === undefined
      ? []
      : [
          {
            entry,
            schedule: entry.reset,
            key: keys[i] ?? "",
            period: periodStart(entry.reset, now).toISOString(),
            nextReset: nextPeriodStart(entry.reset, now).toISOString(),
          },
        ],
  );
  const run = randomUUID();
  const errors = new Map<string, string>();
  /** Each limit's `lastReset` as last seen: in the state, then as the updates left it. */
  const records = new Map<string, ResetRecord | undefined>();
  const client = new Payi({
    apiKey: settings.environment.apiKeys[0] ?? "",
    baseURL: settings.baseUrl ?? settings.environment.baseUrl,
  });
  let known: StateResource[] | undefined = state;
  try {
    // Claim. Having waited for the lock, look again: the run that held it may have claimed the same periods.
    const before = await whenUnlocked(settings.stack, async () => {
      const found = await look(known ?? (await stateResources(stack)), scheduled, client, now);
      known = undefined;
      for (const [key, f] of found) if (f.held) records.set(key, f.record);
      const due = scheduled.filter((s) => {
        const f = found.get(s.key);
        return f?.held === true && f.due;
      });
      for (const [key, record] of await resetUpdate(stack, due, found, { run, apply: false }, errors)) records.set(key, record);
      return found;
    });
    const mine = scheduled.filter((s) => claimedBy(records.get(s.key), s, run) && !records.get(s.key)?.appliedAt);
    if (mine.length > 0) {
      const applied = await whenUnlocked(settings.stack, () => resetUpdate(stack, mine, before, { run, apply: true }, errors));
      for (const [key, record] of applied) records.set(key, record);
    }
    return scheduled.map((s) => result(s, before.get(s.key), records.get(s.key), run, errors.get(s.key)));
  } finally {
    await client.close();
  }
}

/**
 * The limits of `scheduled` as the state holds them, and whether each is due. The service is asked only
 * about those that may be (whether the limit still exists, and for a state from before `lastReset`, the
 * legacy record on the limit).
 */
async function look(state: StateResource[], scheduled: Scheduled[], client: Payi, now: Date): Promise<Map<string, Found>> {
  const found = new Map<string, Found>();
  await Promise.all(
    scheduled.map(async (s) => {
      const resource = state.find((r) => r.kind === "limit" && r.key === s.key);
      if (!resource) {
        found.set(s.key, { held: false, limitId: null });
        return;
      }
      const record = recordOf(resource);
      if (record && !resetDue(s.schedule, new Date(record.since), now)) {
        found.set(s.key, { held: true, resource, record, since: new Date(record.since), due: false });
        return;
      }
      const live = await client.limits.retrieve(resource.id).then(
        (r) => r.limit,
        (error: unknown) => (isGone(error, "limit_not_found") ? undefined : Promise.reject(error)),
      );
      if (!live) {
        found.set(s.key, { held: false, limitId: resource.id });
        return;
      }
      const since = countsSince(record, live.properties, live.limit_creation_timestamp);
      found.set(s.key, { held: true, resource, record, since, due: resetDue(s.schedule, since, now) });
    }),
  );
  return found;
}

/**
 * One targeted update of the stack asking `limits` for their periods' reset step (claim or apply). Each is
 * declared with the arguments its state holds, so the update changes nothing but the reset even when the
 * file has changes not applied yet. Errors of single limits are kept in `errors`; the others go on. Resolves
 * to the `lastReset` each limit has after the update.
 */
async function resetUpdate(
  stack: Stack,
  limits: Scheduled[],
  found: Map<string, Found>,
  step: { run: string; apply: boolean },
  errors: Map<string, string>,
): Promise<Map<string, ResetRecord | undefined>> {
  const declared: Array<{ s: Scheduled; args: LimitSettings }> = [];
  for (const s of limits) {
    const f = found.get(s.key);
    const args = f?.held ? declaredArgs(f.resource) : undefined;
    if (args) declared.push({ s, args: { ...args, resetRequest: { period: s.period, ...step } } });
    else errors.set(s.key, "its state was written by an older pulumi-limits: run `pulumi-limits up` once, then reset again");
  }
  const records = new Map<string, ResetRecord | undefined>();
  if (declared.length === 0) return records;
  const urns = new Map(declared.map(({ s }) => [limitUrn(stack, s.key), s.key]));
  const onEvent = (event: EngineEvent) => {
    const outputs = event.resOutputsEvent?.metadata.new;
    const done = outputs ? urns.get(outputs.urn) : undefined;
    if (outputs && done) records.set(done, ResetRecordSchema.safeParse(outputs.outputs["lastReset"]).data);
    const d = event.diagnosticEvent;
    const key = d?.urn ? urns.get(d.urn) : undefined;
    if (d && key && d.severity === "error") errors.set(key, d.message.replace(/^error: /, "").trim());
  };
  try {
    await stack.up({
      // Nothing but the limits asked: untargeted resources keep their state. The stack's outputs would not
      // (a targeted update replaces them with what the program returns): they are read back while this
      // update holds the lock, so no other run can change them in between.
      program: async () => {
        for (const { s, args } of declared) new Limit(s.key, args);
        const outputs = await stack.outputs();
        return Object.fromEntries(
          Object.entries(outputs).map(([name, o]) => [name, o.secret ? pulumi.secret(o.value) : o.value]),
        );
      },
      target: [...urns.keys()],
      refresh: false,
      continueOnError: true,
      onEvent,
    });
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) throw error;
    for (const { s } of declared) if (!records.has(s.key) && !errors.has(s.key)) errors.set(s.key, commandErrorLine(error));
  }
  return records;
}

/** The `Limit` arguments a state resource holds (the reset schedule as its own field), or none if unreadable. */
function declaredArgs(resource: StateResource): LimitSettings | undefined {
  const parsed = LimitInputsObject.safeParse(resource.inputs);
  return parsed.success ? limitArgs(limitEntry(parsed.data)) : undefined;
}

function recordOf(resource: StateResource): ResetRecord | undefined {
  return ResetRecordSchema.safeParse(resource.outputs["lastReset"]).data;
}

function claimedBy(record: ResetRecord | undefined, s: Scheduled, run: string): boolean {
  return record?.since === s.period && record.run === run;
}

function result(
  s: Scheduled,
  before: Found | undefined,
  record: ResetRecord | undefined,
  run: string,
  error: string | undefined,
): ResetResult {
  const base = { name: s.entry.name, schedule: s.schedule, periodStart: s.period, nextReset: s.nextReset };
  if (!before?.held) return { ...base, limitId: before?.limitId ?? null, outcome: "missing", lastReset: null };
  const id = before.resource.id;
  const known = { ...base, limitId: id, lastReset: before.since.toISOString() };
  // The provider's messages start by naming the limit, which this result names already.
  const named = /^limit '.*?' \((\S+)\): /.exec(error ?? "");
  const cause = named?.[1] === id ? error?.slice(named[0].length) : error;
  if (claimedBy(record, s, run)) {
    if (record?.appliedAt) return { ...known, outcome: "reset", spendClearedUsd: record.spendClearedUsd ?? 0 };
    return { ...known, outcome: "failed", error: cause ?? "the reset was claimed but not applied" };
  }
  if (cause !== undefined) return { ...known, outcome: "failed", error: cause };
  if (record?.since === s.period && record.run !== undefined && record.appliedAt === undefined) {
    return { ...known, outcome: "claimed", ...(record.claimedAt ? { claimedAt: record.claimedAt } : {}) };
  }
  return { ...known, outcome: "not-due", lastReset: record?.since ?? known.lastReset };
}

/** URN of the `Limit` under resource key `key` (the stack's own name, without an org/project prefix). */
function limitUrn(stack: Stack, key: string): string {
  return cliUrn(stack.name, typeToken("limit"), key);
}

/**
 * Runs `operation`, an update of the stack, once it gets the stack's lock. Pulumi's DIY backends fail at once
 * when another run holds it (see backend-errors.ts); a scheduled reset waits instead, so that runners that
 * start together all finish, one doing the resets and the others finding them done. After
 * {@link LOCK_WAIT_MS} the lock error goes to the caller (exit 4, naming the holder).
 */
async function whenUnlocked<T>(stackName: string, operation: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || Date.now() >= deadline) throw error;
      if (attempt === 0) {
        process.stderr.write(
          `pulumi-limits: stack '${stackName}' is locked by another run; waiting for it (up to ${LOCK_WAIT_MS / 60_000} minutes)\n`,
        );
      }
      // Jittered, so that runs that met at the lock do not meet there again.
      await sleep(Math.min(8_000, 500 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }
}
