import * as pulumi from "@pulumi/pulumi";
import { type GetOptions, unreadOutputs } from "../get.js";
import { stackInstanceId } from "../identity.js";
import { RESOURCE_TYPES } from "../type-token.js";
import type { Period as SdkPeriod } from "../../sdk/limitry/resources/limits.js";

/**
 * Spelled out rather than re-exported from the SDK, whose zod-built types do not compile under the
 * `pulumi new typescript` tsconfig: the `pulumi-limits` entry point must not reach them.
 */
export type Period = "hour" | "day" | "week" | "month" | "annual" | "all_time";
// Fails to compile when the SDK's values and these drift apart.
const samePeriod: [SdkPeriod] extends [Period] ? ([Period] extends [SdkPeriod] ? true : never) : never = true;
void samePeriod;
// One stub for every limit, the exports of its own module: installed, it serializes as a require.
import LIMIT_PROVIDER from "./stubs/limit.js";
import { refuseImport } from "../import-option.js";

/** Inputs of a {@link Limit}. */
export interface LimitArgs {
  /** Display name (not unique). Changes in place. */
  name: pulumi.Input<string>;
  /** The meter counted: a `limitry.Meter`'s `id`, or an existing meter's id. Changing it replaces the limit. */
  meterId: pulumi.Input<string>;
  /** Integer > 0 in the meter's unit. Changes in place. */
  limitValue: pulumi.Input<number>;
  /** `hour`, `day`, `week`, `month`, `annual` or `all_time`. Changing it replaces the limit. */
  period: pulumi.Input<Period>;
  /** The customer (your external id) the limit is for; none: every customer, each on its own. Changing it replaces the limit. */
  customerId?: pulumi.Input<string>;
  /** Only events with all these dimensions count (e.g. `{ model: "gpt-4" }`). Changing it replaces the limit. */
  dimensionFilters?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Percentages 1–100 of `limitValue` at which alerts fire. Changes in place. */
  alertThresholds?: pulumi.Input<pulumi.Input<number>[]>;
  /** Take over this existing limit (`lmt_…`) instead of creating one: meter, period, customer and filters must match it. */
  adoptId?: pulumi.Input<string>;
}

/**
 * A Limitry usage limit (URN type `pulumi-nodejs:dynamic/limitry:Limit`). Name, limit value and alert
 * thresholds update in place; meter, period, customer and dimension filters replace it.
 *
 * ```ts
 * new limitry.Limit("daily", { name: "Daily token limit", meterId: tokens.id, limitValue: 100_000,
 *   period: "day", customerId: "cust_123", alertThresholds: [50, 80, 100] });
 * ```
 */
export class Limit extends pulumi.dynamic.Resource {
  /** Limitry's id (`lmt_…`), also the resource id. */
  declare readonly limitId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly meterId: pulumi.Output<string>;
  declare readonly limitValue: pulumi.Output<number>;
  declare readonly period: pulumi.Output<Period>;
  declare readonly customerId: pulumi.Output<string | undefined>;
  declare readonly dimensionFilters: pulumi.Output<Record<string, string>>;
  declare readonly alertThresholds: pulumi.Output<number[] | undefined>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;

  /**
   * The Limitry limit with this id (`lmt_…`), read into the program (see {@link Meter.get}): Pulumi never creates,
   * updates or deletes it, and the read claims nothing.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Limit {
    return new Limit(name, undefined, { ...opts, id });
  }

  /** A limit this program declares. */
  constructor(name: string, args: LimitArgs, opts?: pulumi.CustomResourceOptions);
  /** The limit `opts.id` names, read as {@link Limit.get} reads it. */
  constructor(name: string, args: undefined, opts: GetOptions);
  constructor(name: string, args: LimitArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseImport(opts, `limitry.Limit '${name}'`, (id) => `Take the limit over with adoptId: "${id}" instead.`);
    super(
      LIMIT_PROVIDER,
      name,
      args === undefined || opts?.id !== undefined
        ? unreadOutputs<Limit>({
            limitId: undefined,
            name: undefined,
            meterId: undefined,
            limitValue: undefined,
            period: undefined,
            customerId: undefined,
            dimensionFilters: undefined,
            alertThresholds: undefined,
            createdAt: undefined,
            updatedAt: undefined,
          })
        : {
            ...args,
            // What the create's idempotency key derives from, with the definition (provider/limitry/create-once.ts).
            idSeed: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
            instance: stackInstanceId(),
            limitId: undefined,
            createdAt: undefined,
            updatedAt: undefined,
          },
      opts,
      RESOURCE_TYPES.limitryLimit.module,
      RESOURCE_TYPES.limitryLimit.type,
    );
  }
}
