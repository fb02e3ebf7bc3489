import * as pulumi from "@pulumi/pulumi";
import type { ResetRecord, ResetRequestArgs } from "../../rules/payi/reset-record.js";
import { type GetOptions, unreadOutputs } from "../get.js";
import { stackInstanceId } from "../identity.js";
import { RESOURCE_TYPES } from "../type-token.js";

// One stub for every resource of this kind, the exports of its own module: installed, it serializes as a require.
import LIMIT_PROVIDER from "./stubs/limit.js";
import { refuseImport } from "../import-option.js";

/** Inputs of a {@link Limit}. */
export interface LimitArgs {
  /** Unique name of the limit in Pay-i. Changing it renames the limit in place. */
  limitName: pulumi.Input<string>;
  /** Maximum spend in USD, > 0. Changes in place (never below the current spend). */
  max: pulumi.Input<number>;
  /** `allow` (track and alert, the default) or `block` (stop requests at max when Pay-i proxies them). Changing it replaces the limit. */
  limitType?: pulumi.Input<"allow" | "block">;
  /** Fraction of max at which the limit becomes `exceeded`, 0.75–0.99; 1 (the default) means none. Changing it replaces the limit. */
  threshold?: pulumi.Input<number>;
  /** Pay-i limit id to use; by default one is derived from the stack instance and resource name. Changing it replaces the limit (deleting the old one first). */
  limitId?: pulumi.Input<string>;
  /** Property bag stored on the limit. Changes in place. */
  properties?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Take over an existing limit with the same name (or id) instead of failing; its type and threshold must
   * match. Only a limit no stack manages (see "Who owns what" in the README): never another stack's.
   */
  adopt?: pulumi.Input<boolean>;
  /**
   * Start the spend from zero every UTC day, ISO week or month. Stored on the limit (property
   * `pulumi-limits.reset`); `pulumi-limits reset --due` carries the resets out. Changes in place, and the
   * limit's spend then counts from the change: the first reset falls due when the next period begins.
   */
  reset?: pulumi.Input<"daily" | "weekly" | "monthly">;
  /**
   * Reset the limit for the period starting `period`, at most once: `apply: false` claims the period (records
   * it in `lastReset`; an update that changes nothing remote), then `apply: true` from the same `run` resets
   * the limit. A period not later than the one recorded, or claimed by another run, changes nothing. Set by
   * `pulumi-limits reset --due` (which runs both steps); a program that declares its own limits can do the same.
   */
  resetRequest?: pulumi.Input<ResetRequestArgs>;
}

/**
 * A Pay-i spending limit, declared: `pulumi up` creates it if missing, updates name, max and
 * properties in place, and replaces it when type, threshold or id change.
 *
 * ```ts
 * new Limit("daily-cap", { limitName: "Daily Safety Cap", max: 50, limitType: "block", threshold: 0.9 });
 * ```
 */
export class Limit extends pulumi.dynamic.Resource {
  declare readonly limitId: pulumi.Output<string>;
  declare readonly limitName: pulumi.Output<string>;
  declare readonly max: pulumi.Output<number>;
  declare readonly limitType: pulumi.Output<"allow" | "block">;
  declare readonly threshold: pulumi.Output<number | undefined>;
  declare readonly properties: pulumi.Output<Record<string, string>>;
  /** Spend tracked since creation or the last reset (`totals.cost.total.base`), USD. */
  declare readonly spendUsd: pulumi.Output<number>;
  /** `ok` below threshold × max, `exceeded` from there to max, `overrun` at or above max. */
  declare readonly state: pulumi.Output<"ok" | "exceeded" | "overrun">;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;
  /**
   * Since when the tracked spend counts (the period last reset for, or when the stack created the limit or
   * set its schedule), and the reset claimed for it. Absent in states from before it was recorded.
   */
  declare readonly lastReset: pulumi.Output<ResetRecord | undefined>;

  /**
   * The Pay-i limit with this limit id, read into the program: its outputs are what Pay-i holds at each `up`,
   * `preview` and `refresh`. Pulumi never creates, updates or deletes a limit read this way (the state holds it
   * as a read resource; `destroy` leaves it), and the read claims nothing, so another stack's limit can be read.
   *
   * ```ts
   * const shared = Limit.get("shared", "pl-4f2a9c0d1e7b6a5f3c2d1e0f");
   * export const sharedSpend = shared.spendUsd;
   * ```
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Limit {
    return new Limit(name, undefined, { ...opts, id });
  }

  /** A limit this program declares. */
  constructor(name: string, args: LimitArgs, opts?: pulumi.CustomResourceOptions);
  /** The limit `opts.id` names, read as {@link Limit.get} reads it. */
  constructor(name: string, args: undefined, opts: GetOptions);
  constructor(name: string, args: LimitArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseImport(opts, `Limit '${name}'`, (id) => `Take the limit over with limitId: "${id}" and adopt: true instead.`);
    const props =
      args === undefined || opts?.id !== undefined
        ? unreadOutputs<Limit>({
            limitId: undefined,
            limitName: undefined,
            max: undefined,
            limitType: undefined,
            threshold: undefined,
            properties: undefined,
            spendUsd: undefined,
            state: undefined,
            createdAt: undefined,
            updatedAt: undefined,
            lastReset: undefined,
          })
        : {
            ...args,
            // Stable per stack and resource: the deterministic limit id is derived from it, and with the stack
            // instance it names the limit's owner (provider/ownership.ts).
            idSeed: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
            instance: stackInstanceId(),
            ...(opts?.replaceOnChanges ? { replaceOnChanges: opts.replaceOnChanges } : {}),
            limitId: args.limitId,
            spendUsd: undefined,
            state: undefined,
            createdAt: undefined,
            updatedAt: undefined,
            lastReset: undefined,
          };
    super(LIMIT_PROVIDER, name, props, opts, RESOURCE_TYPES.limit.module, RESOURCE_TYPES.limit.type);
  }
}
