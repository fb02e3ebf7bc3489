import * as pulumi from "@pulumi/pulumi";
import { type GetOptions, unreadOutputs } from "../get.js";
import { stackInstanceId } from "../identity.js";
import { RESOURCE_TYPES } from "../type-token.js";
import type { Aggregation as SdkAggregation } from "../../sdk/limitry/resources/meters.js";

/**
 * Spelled out rather than re-exported from the SDK, whose zod-built types do not compile under the
 * `pulumi new typescript` tsconfig: the `pulumi-limits` entry point must not reach them.
 */
export type Aggregation = "sum" | "count" | "max" | "latest";
// Fails to compile when the SDK's values and these drift apart.
const sameAggregation: [SdkAggregation] extends [Aggregation] ? ([Aggregation] extends [SdkAggregation] ? true : never) : never =
  true;
void sameAggregation;
// One stub for every meter, the exports of its own module: installed, it serializes as a require.
import METER_PROVIDER from "./stubs/meter.js";
import { refuseImport } from "../import-option.js";

/** Inputs of a {@link Meter}. */
export interface MeterArgs {
  /** Display name (not unique). Changes in place. */
  name: pulumi.Input<string>;
  /** `sum`, `count`, `max` or `latest`. Changing it replaces the meter. */
  aggregation: pulumi.Input<Aggregation>;
  /** `values.<key>` of each event, or `*` with `count`. Changing it replaces the meter. */
  field: pulumi.Input<string>;
  /** Changes in place. */
  description?: pulumi.Input<string>;
  /** Only events of this type and with all these dimensions count. Changing it replaces the meter. */
  eventFilter?: pulumi.Input<{
    eventType?: pulumi.Input<string>;
    dimensions?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  }>;
  /** Take over this existing meter (`mtr_…`) instead of creating one: aggregation, field and filter must match it. */
  adoptId?: pulumi.Input<string>;
}

/**
 * A Limitry meter (URN type `pulumi-nodejs:dynamic/limitry:Meter`): what is counted. Name and description
 * update in place; aggregation, field and event filter replace it (and the limits that count it).
 *
 * ```ts
 * const tokens = new limitry.Meter("tokens", { name: "Total Tokens", aggregation: "sum", field: "values.tokens",
 *   eventFilter: { eventType: "llm.completion" } });
 * ```
 */
export class Meter extends pulumi.dynamic.Resource {
  /**
   * Limitry's id (`mtr_…`), the same as the resource `id`. Give a `limitry.Limit` the meter's `id`: it stays known
   * at preview while the meter updates in place, where this output (like every output of a dynamic resource
   * being updated) is unknown and would show the limits as replaced.
   */
  declare readonly meterId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly aggregation: pulumi.Output<Aggregation>;
  declare readonly field: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly eventFilter: pulumi.Output<{ eventType?: string; dimensions?: Record<string, string> } | undefined>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;

  /**
   * The Limitry meter with this id (`mtr_…`), read into the program: its outputs are what Limitry holds at each
   * `up`, `preview` and `refresh`. Pulumi never creates, updates or deletes a meter read this way (`destroy`
   * leaves it), and the read claims nothing.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Meter {
    return new Meter(name, undefined, { ...opts, id });
  }

  /** A meter this program declares. */
  constructor(name: string, args: MeterArgs, opts?: pulumi.CustomResourceOptions);
  /** The meter `opts.id` names, read as {@link Meter.get} reads it. */
  constructor(name: string, args: undefined, opts: GetOptions);
  constructor(name: string, args: MeterArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseImport(opts, `limitry.Meter '${name}'`, (id) => `Take the meter over with adoptId: "${id}" instead.`);
    super(
      METER_PROVIDER,
      name,
      args === undefined || opts?.id !== undefined
        ? unreadOutputs<Meter>({
            meterId: undefined,
            name: undefined,
            aggregation: undefined,
            field: undefined,
            description: undefined,
            eventFilter: undefined,
            createdAt: undefined,
            updatedAt: undefined,
          })
        : {
            ...args,
            // What the create's idempotency key derives from, with the definition (provider/limitry/create-once.ts).
            idSeed: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
            instance: stackInstanceId(),
            meterId: undefined,
            createdAt: undefined,
            updatedAt: undefined,
          },
      opts,
      RESOURCE_TYPES.limitryMeter.module,
      RESOURCE_TYPES.limitryMeter.type,
    );
  }
}
