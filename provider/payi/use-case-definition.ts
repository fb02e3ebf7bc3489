import * as pulumi from "@pulumi/pulumi";
import { type GetOptions, unreadOutputs } from "../get.js";
import { ownerOf } from "../identity.js";
import { RESOURCE_TYPES } from "../type-token.js";

// One stub for every resource of this kind, the exports of its own module: installed, it serializes as a require.
import DEFINITION_PROVIDER from "./stubs/use-case-definition.js";
import { refuseImport } from "../import-option.js";

/** Inputs of a {@link UseCaseDefinition}. */
export interface UseCaseDefinitionArgs {
  /** 1–64 letters, digits, `.`, `-`, `_`. Changing it replaces the definition. */
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  loggingEnabled?: pulumi.Input<boolean>;
  /**
   * Take over an existing definition of that name instead of failing. Pay-i keeps no owner record on a
   * definition: only adopt one no other stack manages.
   */
  adopt?: pulumi.Input<boolean>;
}

/** A Pay-i use-case definition. */
export class UseCaseDefinition extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly loggingEnabled: pulumi.Output<boolean | undefined>;

  /**
   * The Pay-i use case of this name, read into the program (see {@link Limit.get}): Pulumi never creates, updates
   * or deletes it, and the read claims nothing.
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): UseCaseDefinition {
    return new UseCaseDefinition(name, undefined, { ...opts, id });
  }

  /** A use case this program declares. */
  constructor(name: string, args: UseCaseDefinitionArgs, opts?: pulumi.CustomResourceOptions);
  /** The use case `opts.id` names, read as {@link UseCaseDefinition.get} reads it. */
  constructor(name: string, args: undefined, opts: GetOptions);
  constructor(name: string, args: UseCaseDefinitionArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseImport(opts, `UseCaseDefinition '${name}'`, () => "Take the use case over with adopt: true instead.");
    const props =
      args === undefined || opts?.id !== undefined
        ? unreadOutputs<UseCaseDefinition>({ name: undefined, description: undefined, loggingEnabled: undefined })
        : {
            ...args,
            owner: ownerOf(name),
            ...(opts?.replaceOnChanges ? { replaceOnChanges: opts.replaceOnChanges } : {}),
          };
    // The id is the name: a replacement keeping it (`up --replace`) must delete the old definition first.
    const { module, type } = RESOURCE_TYPES.useCaseDefinition;
    super(DEFINITION_PROVIDER, name, props, { deleteBeforeReplace: true, ...opts }, module, type);
  }
}
