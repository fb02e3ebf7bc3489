import type * as pulumi from "@pulumi/pulumi";

/**
 * What `read` answers: the state read back and the inputs later diffs compare against. @pulumi/pulumi
 * (3.259) types `inputs` as the outputs; here they are the inputs as a state holds them.
 */
export interface ReadResult<Stored, Outputs> {
  readonly id?: string;
  readonly props?: Outputs;
  readonly inputs?: Stored;
}

/**
 * A dynamic provider with typed parameters (and results: a create or update always returns the outputs), so
 * that a method taking the wrong shape does not compile: `check` gets what the engine sends (unknown until
 * checked) and every other method the checked `Inputs`, or a state's `Outputs` in today's shape (the host
 * upgrades what earlier versions stored first, see state-upgrade.ts). `read` answers the inputs as a state
 * holds them, `Stored`: where a state may lack what the current `Inputs` require (a Limit not yet recorded on
 * its object has no stack `instance`). `pulumi.dynamic.ResourceProvider` defaults both to `any`; a
 * `TypedProvider` is still one (see runtime.ts), without a cast.
 */
export interface TypedProvider<Inputs, Outputs, Stored = Inputs> {
  // Properties, not methods: TypeScript checks a method's parameters bivariantly, a function property's strictly.
  check: (
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ) => Promise<pulumi.dynamic.CheckResult<Inputs | Record<string, unknown>>>;
  diff: (id: string, olds: Outputs, news: Inputs) => Promise<pulumi.dynamic.DiffResult>;
  create: (inputs: Inputs) => Promise<{ id: string; outs: Outputs }>;
  /**
   * `props`: what the state holds; for a resource read with `get` (provider/get.ts), none of it, only the host's
   * `__provider` (the host never reads a declared dynamic resource without a state).
   */
  read: (id: string, props: Outputs) => Promise<ReadResult<Stored, Outputs>>;
  update: (id: string, olds: Outputs, news: Inputs) => Promise<{ outs: Outputs }>;
  delete: (id: string, props: Outputs) => Promise<void>;
}
