import type * as automation from "@pulumi/pulumi/automation";
import { afterAll, describe, expect, test } from "vitest";
import { Limit, UseCaseDefinition, UseCaseLimitConfig, limitry } from "../../provider/index.js";
import { Limitry } from "../../sdk/limitry/index.js";
import { inlineStack } from "../support/pulumi.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

const env = useServiceAndBackend();
let api: Limitry | undefined;
const limitryClient = (): Limitry => {
  api ??= new Limitry({ apiKey: TEST_API_KEY, baseURL: `${env.service().url}/v1`, maxRetries: 0 });
  return api;
};
afterAll(async () => api?.close());

/** An inline-program stack of project `project` on the shared backend, configured for both APIs of the service. */
async function programStack(project: string, program: automation.PulumiFn): Promise<automation.Stack> {
  const stack = await inlineStack(env.backend(), project, program);
  await stack.setAllConfig({
    "payi:apiKey": { value: TEST_API_KEY, secret: true },
    "payi:baseUrl": { value: env.service().url },
    "limitry:apiKey": { value: TEST_API_KEY, secret: true },
    "limitry:baseUrl": { value: `${env.service().url}/v1` },
  });
  return stack;
}

/** `up`: the stack's outputs as plain values, and the step each resource of the program took, by its name. */
async function upWithSteps(stack: automation.Stack) {
  const events: automation.EngineEvent[] = [];
  const { outputs, summary } = await stack.up({ onEvent: (e) => events.push(e) });
  const steps = events.flatMap((e) => {
    const meta = e.resOutputsEvent?.metadata;
    return meta?.type.startsWith("pulumi-nodejs:dynamic/") ? [[meta.urn.split("::").at(-1), meta.op]] : [];
  });
  return {
    outputs: Object.fromEntries(Object.entries(outputs).map(([key, { value }]) => [key, value])),
    steps: Object.fromEntries(steps),
    changes: summary.resourceChanges,
  };
}

/** The types of the resources a stack's state holds (its providers aside), and which of them it only reads. */
async function stateOf(stack: automation.Stack): Promise<{ types: string[]; external: string[] }> {
  const { deployment } = await stack.exportStack();
  const all: { type: string; external?: boolean }[] = deployment.resources ?? [];
  const resources = all.filter((r) => !r.type.startsWith("pulumi:providers:"));
  return {
    types: resources.map((r) => r.type),
    external: resources.filter((r) => r.external).map((r) => r.type),
  };
}

const strict = () => env.service().profile === "strict";

describe("get: a resource class reads an existing object into a program", () => {
  test("Limit.get exports a limit made through the API; up and destroy leave it as it was", async () => {
    const { limit } = await env.service().client.limits.create({
      limit_name: "Scripted Cap",
      max: 40,
      limit_type: "block",
      threshold: 0.8,
      properties: { team: "ml" },
    });
    await env.service().client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1000, output: 1000 } },
      limit_ids: [limit.limit_id],
    });
    const before = (await env.service().client.limits.retrieve(limit.limit_id)).limit;
    const stack = await programStack("get-limit", async () => {
      const read = Limit.get("scripted", limit.limit_id);
      return {
        limitId: read.limitId,
        limitName: read.limitName,
        max: read.max,
        limitType: read.limitType,
        threshold: read.threshold,
        properties: read.properties,
        spendUsd: read.spendUsd,
        state: read.state,
      };
    });

    const up = await upWithSteps(stack);
    expect(up.outputs).toEqual({
      limitId: limit.limit_id,
      limitName: "Scripted Cap",
      max: 40,
      limitType: "block",
      threshold: 0.8,
      // Pay-i's Limit model has no properties (strict profile): none can be read.
      properties: strict() ? {} : { team: "ml" },
      spendUsd: 0.0125,
      state: "ok",
    });
    expect(up.steps).toEqual({ scripted: "read" });
    expect(up.changes).toEqual({ create: 1 });
    // A read resource, and no StackInstance: a get claims nothing.
    expect(await stateOf(stack)).toEqual({
      types: ["pulumi:pulumi:Stack", "pulumi-nodejs:dynamic/payi:Limit"],
      external: ["pulumi-nodejs:dynamic/payi:Limit"],
    });
    expect((await stack.preview()).changeSummary).toEqual({ same: 1 });
    const again = await upWithSteps(stack);
    expect([again.steps, again.changes]).toEqual([{ scripted: "read" }, { same: 1 }]);
    // A refresh reads it again from what the state holds: nothing changed.
    expect((await stack.refresh()).summary.resourceChanges).toEqual({ same: 2 });

    await stack.destroy();
    expect((await env.service().client.limits.retrieve(limit.limit_id)).limit).toEqual(before);
  });

  test("another stack's limit is read without a claim: its owner still updates and deletes it", async () => {
    let max = 100;
    const owner = await programStack("get-owner", async () => {
      const owned = new Limit("team", { limitName: "Team Budget", max, properties: { team: "search" } });
      return { limitId: owned.limitId };
    });
    const limitId = String((await owner.up()).outputs["limitId"]?.value);
    const before = (await env.service().client.limits.retrieve(limitId)).limit;

    const reader = await programStack("get-reader", async () => {
      const theirs = Limit.get("theirs", limitId);
      return { limitName: theirs.limitName, max: theirs.max, properties: theirs.properties };
    });
    const read = await upWithSteps(reader);
    expect(read.steps).toEqual({ theirs: "read" });
    expect(read.outputs).toEqual({
      limitName: "Team Budget",
      max: 100,
      // The owner record is pulumi-limits' own: never among the properties a limit shows.
      properties: strict() ? {} : { team: "search" },
    });
    await reader.destroy();
    expect((await env.service().client.limits.retrieve(limitId)).limit).toEqual(before);

    // Its owner's record is untouched: the owner stack updates it in place, and its destroy deletes it.
    max = 120;
    expect((await owner.up()).summary.resourceChanges).toEqual({ same: 2, update: 1 });
    expect((await env.service().client.limits.retrieve(limitId)).limit.max).toBe(120);
    await owner.destroy();
    await expect(env.service().client.limits.retrieve(limitId)).rejects.toMatchObject({ code: "limit_not_found" });
  });

  test("UseCaseDefinition.get and UseCaseLimitConfig.get read a use case and its limit config by its name", async () => {
    await env.service().client.useCases.definitions.create({ name: "summarize", description: "Summaries" });
    await env.service().client.useCases.definitions.limitConfig.create("summarize", {
      max: 0.05,
      limit_type: "block",
      threshold: 0.9,
      properties: { tier: "free" },
    });
    const before = await env.service().client.useCases.definitions.retrieve("summarize");
    const stack = await programStack("get-use-case", async () => {
      const definition = UseCaseDefinition.get("summarize", "summarize");
      const config = UseCaseLimitConfig.get("summarize-limit", "summarize");
      return {
        name: definition.name,
        description: definition.description,
        useCaseName: config.useCaseName,
        max: config.max,
        limitType: config.limitType,
        threshold: config.threshold,
        properties: config.properties,
      };
    });

    const up = await upWithSteps(stack);
    expect(up.steps).toEqual({ summarize: "read", "summarize-limit": "read" });
    expect(up.outputs).toEqual({
      name: "summarize",
      description: "Summaries",
      useCaseName: "summarize",
      max: 0.05,
      limitType: "block",
      threshold: 0.9,
      properties: { tier: "free" },
    });
    await stack.destroy();
    expect(await env.service().client.useCases.definitions.retrieve("summarize")).toEqual({
      ...before,
      request_id: expect.any(String),
    });
  });

  test("limitry.Meter.get, limitry.Limit.get and limitry.Customer.get read Limitry's objects by their ids", async () => {
    const meter = await limitryClient().meters.create({ name: "Tokens", aggregation: "sum", field: "values.tokens" });
    const limit = await limitryClient().limits.create({
      name: "Daily tokens",
      meterId: meter.id,
      limitValue: 100_000,
      period: "day",
      customerId: "cust_acme",
      alertThresholds: [50, 80],
    });
    const customer = await limitryClient().customers.create({
      externalId: "cust_acme",
      name: "Acme",
      timezone: "Europe/Paris",
      billingCycleStart: "2026-01-15T00:00:00.000Z",
    });
    const stack = await programStack("get-limitry", async () => {
      const m = limitry.Meter.get("tokens", meter.id);
      const l = limitry.Limit.get("daily", limit.id);
      const c = limitry.Customer.get("acme", customer.id);
      return {
        meter: { meterId: m.meterId, name: m.name, aggregation: m.aggregation, field: m.field },
        limit: { limitId: l.limitId, meterId: l.meterId, limitValue: l.limitValue, period: l.period, alerts: l.alertThresholds },
        customer: {
          customerId: c.customerId,
          externalId: c.externalId,
          timezone: c.timezone,
          billingCycle: c.effectiveBillingCycleStart,
        },
      };
    });

    const up = await upWithSteps(stack);
    expect(up.steps).toEqual({ tokens: "read", daily: "read", acme: "read" });
    expect(up.outputs).toEqual({
      meter: { meterId: meter.id, name: "Tokens", aggregation: "sum", field: "values.tokens" },
      limit: { limitId: limit.id, meterId: meter.id, limitValue: 100_000, period: "day", alerts: [50, 80] },
      customer: {
        customerId: customer.id,
        externalId: "cust_acme",
        timezone: "Europe/Paris",
        billingCycle: "2026-01-15T00:00:00.000Z",
      },
    });
    await stack.destroy();
    expect((await limitryClient().meters.retrieve(meter.id)).updatedAt).toBe(meter.updatedAt);
    expect((await limitryClient().limits.retrieve(limit.id)).updatedAt).toBe(limit.updatedAt);
    expect((await limitryClient().customers.retrieve(customer.id)).updatedAt).toBe(customer.updatedAt);
  });

  test("a get of an id nothing has fails in one line naming the class and the id", async () => {
    let read = (): unknown => Limit.get("gone", "pl-missing");
    const stack = await programStack("get-missing", async () => {
      read();
    });
    const missing = async () => String(await stack.up().catch((e: unknown) => e));
    expect(await missing()).toContain("error: Limit.get: Pay-i has no limit with the id 'pl-missing'\n");
    read = () => UseCaseLimitConfig.get("gone", "no_such_use_case");
    expect(await missing()).toContain(
      "error: UseCaseLimitConfig.get: Pay-i has no use case named 'no_such_use_case' with a limit config\n",
    );
    read = () => limitry.Customer.get("gone", "cust_missing");
    expect(await missing()).toContain("error: limitry.Customer.get: Limitry has no customer with the id 'cust_missing'\n");
  });
});
