import * as pulumi from "@pulumi/pulumi";
import { type GetOptions, unreadOutputs } from "../get.js";
import { ownerOf } from "../identity.js";
import { RESOURCE_TYPES } from "../type-token.js";

// One stub for every resource of this kind, the exports of its own module: installed, it serializes as a require.
import LIMIT_CONFIG_PROVIDER from "./stubs/use-case-limit-config.js";
import { refuseImport } from "../import-option.js";

/** Inputs of a {@link UseCaseLimitConfig}. */
export interface UseCaseLimitConfigArgs {
  /** The use case whose instances get this limit. Changing it replaces the config. */
  useCaseName: pulumi.Input<string>;
  /** USD per instance, > 0. */
  max: pulumi.Input<number>;
  /** Default `allow`. Changing it replaces the config. */
  limitType?: pulumi.Input<"allow" | "block">;
  /** 0.75–0.99; 1 (the default) means none. Changing it replaces the config. */
  threshold?: pulumi.Input<number>;
  properties?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Take over a limit config that no stack manages (one set outside Pulumi) instead of failing. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * The limit every new instance of a use case gets (seed 002). A new `limitType` or `threshold` replaces
 * it (deleting the old config first: Pay-i keeps one per use case); `max` and `properties` update in
 * place. Existing instances keep their limits either way, and preview says how many.
 */
export class UseCaseLimitConfig extends pulumi.dynamic.Resource {
  declare readonly useCaseName: pulumi.Output<string>;
  declare readonly max: pulumi.Output<number>;
  declare readonly limitType: pulumi.Output<"allow" | "block">;
  declare readonly threshold: pulumi.Output<number | undefined>;
  declare readonly properties: pulumi.Output<Record<string, string>>;

  /**
   * The limit config of the Pay-i use case of this name, read into the program (see {@link Limit.get}): Pulumi
   * never sets, changes or deletes it, and the read claims nothing, so another stack's config can be read.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): UseCaseLimitConfig {
    return new UseCaseLimitConfig(name, undefined, { ...opts, id });
  }

  /** A limit config this program declares. */
  constructor(name: string, args: UseCaseLimitConfigArgs, opts?: pulumi.CustomResourceOptions);
  /** The limit config of the use case `opts.id` names, read as {@link UseCaseLimitConfig.get} reads it. */
  constructor(name: string, args: undefined, opts: GetOptions);
  constructor(name: string, args: UseCaseLimitConfigArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseImport(opts, `UseCaseLimitConfig '${name}'`, () => "Take the limit config over with adopt: true instead.");
    const props =
      args === undefined || opts?.id !== undefined
        ? unreadOutputs<UseCaseLimitConfig>({
            useCaseName: undefined,
            max: undefined,
            limitType: undefined,
            threshold: undefined,
            properties: undefined,
          })
        : {
            ...args,
            owner: ownerOf(name),
            ...(opts?.replaceOnChanges ? { replaceOnChanges: opts.replaceOnChanges } : {}),
          };
    const { module, type } = RESOURCE_TYPES.useCaseLimitConfig;
    super(LIMIT_CONFIG_PROVIDER, name, props, opts, module, type);
  }
}
