import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, describe, expect, test } from "vitest";
import { limitry } from "../../provider/index.js";
import { Limitry } from "../../sdk/limitry/index.js";
import { inlineStack } from "../support/pulumi.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

const env = useServiceAndBackend();
let api: Limitry | undefined;
const client = (): Limitry => {
  api ??= new Limitry({ apiKey: TEST_API_KEY, baseURL: `${env.service().url}/v1`, maxRetries: 0 });
  return api;
};
afterAll(async () => api?.close());

function stepsOf(events: EngineEvent[], resource: string): string[] {
  return events.flatMap((e) => {
    const meta = e.resOutputsEvent?.metadata;
    return meta?.urn.endsWith(`::${resource}`) ? [meta.op] : [];
  });
}

describe("limitry.Customer against the real engine", () => {
  test("create, in-place update of its windows, replace on externalId, destroy", async () => {
    let declared: limitry.CustomerArgs = { externalId: "cust_e2e", name: "Acme", timezone: "Europe/Paris" };
    const stack = await inlineStack(env.backend(), "limitry-customer", async () => {
      const customer = new limitry.Customer("acme", declared);
      return { id: customer.customerId, cycle: customer.effectiveBillingCycleStart };
    });
    await stack.setConfig("limitry:apiKey", { value: TEST_API_KEY, secret: true });
    await stack.setConfig("limitry:baseUrl", { value: `${env.service().url}/v1` });

    const created = await stack.up();
    const id = String(created.outputs["id"]?.value);
    expect(await client().customers.retrieve("cust_e2e")).toMatchObject({ id, name: "Acme", timezone: "Europe/Paris" });
    expect(created.outputs["cycle"]?.value).toEqual(expect.any(String));

    declared = { ...declared, timezone: "America/New_York", billingCycleStart: "2026-01-15T00:00:00Z" };
    const events: EngineEvent[] = [];
    await stack.up({ onEvent: (e) => events.push(e) });
    expect(stepsOf(events, "acme")).toEqual(["update"]);
    expect(await client().customers.retrieve(id)).toMatchObject({
      timezone: "America/New_York",
      billingCycleStart: "2026-01-15T00:00:00.000Z",
    });

    declared = { ...declared, externalId: "cust_e2e_2" };
    const replaced: EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => replaced.push(e) });
    expect(stepsOf(replaced, "acme")).toEqual(["create-replacement", "replace", "delete-replaced"]);
    await expect(client().customers.retrieve("cust_e2e")).rejects.toMatchObject({ code: "customer_not_found" });
    expect((await client().customers.retrieve("cust_e2e_2")).id).toBe(String(up.outputs["id"]?.value));

    await stack.destroy();
    await expect(client().customers.retrieve("cust_e2e_2")).rejects.toMatchObject({ code: "customer_not_found" });
  });
});
