import { describe, expectTypeOf, test } from "vitest";
import type {
  APIError,
  APIPromise,
  CursorPage,
  Limit,
  LimitCreateParams,
  LimitResponse,
  NotFoundError,
  PagePromise,
  Payi,
  PayiError,
  RawResponse,
} from "../../sdk/index.js";
import type { Limit as LimitResource, LimitArgs } from "../../index.js";
import type * as pulumi from "@pulumi/pulumi";

// Type-level tests: the public surface compiles the way the docs show it (checked by `tsc`/vitest typecheck).
describe("public types", () => {
  test("the client's resources return typed promises and pages", () => {
    expectTypeOf<Payi["limits"]["create"]>().parameter(0).toEqualTypeOf<LimitCreateParams>();
    expectTypeOf<ReturnType<Payi["limits"]["create"]>>().toEqualTypeOf<APIPromise<LimitResponse>>();
    expectTypeOf<ReturnType<Payi["limits"]["list"]>>().toEqualTypeOf<PagePromise<Limit>>();
    expectTypeOf<Awaited<ReturnType<Payi["limits"]["list"]>>>().toEqualTypeOf<CursorPage<Limit>>();
    expectTypeOf<ReturnType<APIPromise<LimitResponse>["withResponse"]>>().resolves.toEqualTypeOf<{
      data: LimitResponse;
      response: RawResponse;
    }>();
    expectTypeOf<PagePromise<Limit>>().toExtend<AsyncIterable<Limit>>();
  });

  test("wire fields keep the API's snake_case; money is a number", () => {
    expectTypeOf<Limit["limit_type"]>().toEqualTypeOf<"allow" | "block">();
    expectTypeOf<Limit["max"]>().toEqualTypeOf<number>();
    expectTypeOf<Limit["totals"]["cost"]["total"]["base"]>().toEqualTypeOf<number>();
    expectTypeOf<LimitCreateParams>().toHaveProperty("limit_name");
  });

  test("errors form one hierarchy", () => {
    expectTypeOf<NotFoundError>().toExtend<APIError>();
    expectTypeOf<APIError>().toExtend<PayiError>();
    expectTypeOf<APIError["status"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<APIError["code"]>().toEqualTypeOf<string | undefined>();
  });

  test("the Pulumi surface is camelCase with Inputs and Outputs", () => {
    expectTypeOf<LimitArgs["limitName"]>().toEqualTypeOf<pulumi.Input<string>>();
    expectTypeOf<LimitArgs["limitType"]>().toEqualTypeOf<pulumi.Input<"allow" | "block"> | undefined>();
    expectTypeOf<LimitResource["spendUsd"]>().toEqualTypeOf<pulumi.Output<number>>();
    expectTypeOf<LimitResource["state"]>().toEqualTypeOf<pulumi.Output<"ok" | "exceeded" | "overrun">>();
  });
});
