import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Clients, kindMethods } from "../../provider/methods.js";
import type { ProviderKind } from "../../provider/type-token.js";
import { Limitry } from "../../sdk/limitry/index.js";
import type { ServiceProfileName } from "../../server/profile.js";
import { startService, TEST_API_KEY } from "../support/service.js";

// The provider methods as the dynamic host calls them (provider/methods.ts), against the real local service: a
// resource read with `get` registers only its unset outputs, so its read gets nothing but the host's `__provider`.
const GET_PROPS = { __provider: "the serialized stub" };

describe.for<ServiceProfileName>(["default", "strict"])("a get's read (%s profile)", (profile) => {
  let service: Awaited<ReturnType<typeof startService>>;
  let limitry: Limitry;
  let clients: Clients;
  beforeAll(async () => {
    service = await startService({ profile });
    limitry = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${service.url}/v1`, maxRetries: 0 });
    clients = { payi: () => service.client, limitry: () => limitry };
  });
  afterAll(async () => {
    await limitry.close();
    await service.stop();
  });
  const read = (kind: ProviderKind, id: string) => kindMethods(kind, clients).read(id, GET_PROPS);

  test("answers a Pay-i limit as Pay-i holds it, with no identity, owner record or adopt of its own", async () => {
    const { limit } = await service.client.limits.create({
      limit_name: "Scripted Cap",
      max: 40,
      limit_type: "block",
      threshold: 0.8,
      properties: { team: "ml", "pulumi-limits.reset": "monthly" },
    });
    const { id, props, inputs } = await read("limit", limit.limit_id);
    const declared = {
      limitName: "Scripted Cap",
      max: 40,
      limitType: "block",
      threshold: 0.8,
      limitId: limit.limit_id,
      // Pay-i's Limit model has no properties (strict profile): none are read, nor the reset schedule among them.
      ...(profile === "strict"
        ? { properties: {} }
        : { properties: { team: "ml", "pulumi-limits.reset": "monthly" }, reset: "monthly" }),
    };
    expect(id).toBe(limit.limit_id);
    expect(inputs).toEqual(declared);
    expect(props).toEqual({
      ...declared,
      spendUsd: 0,
      state: "ok",
      createdAt: limit.limit_creation_timestamp,
      updatedAt: limit.limit_update_timestamp,
      __stateVersion: 1,
    });
  });

  test("answers a use case and its limit config by the use case's name", async () => {
    await service.client.useCases.definitions.create({ name: "summarize", description: "Summaries" });
    await service.client.useCases.definitions.limitConfig.create("summarize", { max: 0.05, properties: { tier: "free" } });
    expect((await read("useCaseDefinition", "summarize")).props).toEqual({
      ...GET_PROPS,
      name: "summarize",
      description: "Summaries",
      __stateVersion: 1,
    });
    expect((await read("useCaseLimitConfig", "summarize")).props).toEqual({
      ...GET_PROPS,
      useCaseName: "summarize",
      max: 0.05,
      limitType: "allow",
      properties: { tier: "free" },
      __stateVersion: 1,
    });
  });

  test("answers Limitry's meter, limit and customer by their ids", async () => {
    const meter = await limitry.meters.create({ name: "Tokens", aggregation: "sum", field: "values.tokens" });
    const limit = await limitry.limits.create({ name: "Daily", meterId: meter.id, limitValue: 1000, period: "day" });
    const customer = await limitry.customers.create({ externalId: "cust_acme", timezone: "Europe/Paris" });
    const stamps = (o: { createdAt: string; updatedAt: string }) => ({ createdAt: o.createdAt, updatedAt: o.updatedAt });
    expect((await read("limitryMeter", meter.id)).props).toEqual({
      name: "Tokens",
      aggregation: "sum",
      field: "values.tokens",
      meterId: meter.id,
      ...stamps(meter),
      __stateVersion: 1,
    });
    expect((await read("limitryLimit", limit.id)).props).toEqual({
      name: "Daily",
      meterId: meter.id,
      limitValue: 1000,
      period: "day",
      dimensionFilters: {},
      limitId: limit.id,
      ...stamps(limit),
      __stateVersion: 1,
    });
    expect((await read("limitryCustomer", customer.id)).props).toEqual({
      externalId: "cust_acme",
      timezone: "Europe/Paris",
      customerId: customer.id,
      effectiveBillingCycleStart: customer.billingCycleStart,
      ...stamps(customer),
      __stateVersion: 1,
    });
  });

  test.for<[ProviderKind, string, string]>([
    ["limit", "pl-missing", "Limit.get: Pay-i has no limit with the id 'pl-missing'"],
    ["useCaseDefinition", "missing", "UseCaseDefinition.get: Pay-i has no use case named 'missing'"],
    ["useCaseLimitConfig", "missing", "UseCaseLimitConfig.get: Pay-i has no use case named 'missing' with a limit config"],
    ["limitryMeter", "mtr_missing", "limitry.Meter.get: Limitry has no meter with the id 'mtr_missing'"],
    ["limitryLimit", "lmt_missing", "limitry.Limit.get: Limitry has no limit with the id 'lmt_missing'"],
    ["limitryCustomer", "cust_missing", "limitry.Customer.get: Limitry has no customer with the id 'cust_missing'"],
  ])("fails for a missing %s naming the class and the id", async ([kind, id, message]) => {
    await expect(read(kind, id)).rejects.toThrow(new Error(message));
  });

  test("a refresh of a declared resource whose object is gone still drops it (no error)", async () => {
    const state = { limitName: "Gone", max: 1, limitType: "allow", properties: {}, idSeed: "o/p/s/gone", __stateVersion: 1 };
    expect(await kindMethods("limit", clients).read("pl-gone", state)).toEqual({});
  });
});
