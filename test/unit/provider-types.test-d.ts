import { describe, expectTypeOf, test } from "vitest";
import type { MeterInputs } from "../../provider/limitry/inputs.js";
import type { LimitInputs } from "../../provider/payi/inputs.js";
import { type LimitOutputs, limitProvider } from "../../provider/payi/limit-provider.js";
import type { TypedProvider } from "../../provider/typed-provider.js";
import type { Payi } from "../../sdk/index.js";

declare const client: () => Payi;
declare const limit: TypedProvider<LimitInputs, LimitOutputs>;
declare const created: { id: string; outs: LimitOutputs };

// Type-level tests: a provider's methods take its own inputs and outputs, and nothing else compiles.
describe("typed dynamic providers", () => {
  test("each method takes the resource's checked inputs or its stored outputs", () => {
    const provider = limitProvider(client);
    expectTypeOf(provider.create).parameter(0).toEqualTypeOf<LimitInputs>();
    expectTypeOf(provider.diff).parameter(1).toEqualTypeOf<LimitOutputs>();
    expectTypeOf(provider.diff).parameter(2).toEqualTypeOf<LimitInputs>();
    expectTypeOf(provider.update).returns.resolves.toEqualTypeOf<{ outs: LimitOutputs }>();
    expectTypeOf(provider.check).parameter(1).toEqualTypeOf<Record<string, unknown>>();
  });

  test("a method declared with another resource's inputs, or outputs of the wrong shape, does not compile", () => {
    const wrongInputs: TypedProvider<LimitInputs, LimitOutputs> = {
      ...limit,
      // @ts-expect-error a Limitry meter's inputs are not a Pay-i limit's
      create: async (_inputs: MeterInputs) => created,
    };
    const wrongOutputs: TypedProvider<LimitInputs, LimitOutputs> = {
      ...limit,
      // @ts-expect-error an update must return the limit's outputs
      update: async (_id: string, _olds: LimitOutputs, news: LimitInputs) => ({ outs: news }),
    };
    const wrongRead: TypedProvider<LimitInputs, LimitOutputs> = {
      ...limit,
      // @ts-expect-error read's props are the stored outputs, not a number
      read: async (id: string, _props?: number) => ({ id }),
    };
    void [wrongInputs, wrongOutputs, wrongRead];
  });
});
