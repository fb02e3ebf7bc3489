import { describe, expect } from "vitest";
import { test } from "../support/service.js";

describe("requests and category deletes through the SDK", () => {
  test("a past request's result is found by request id and by provider response id, and takes properties", async ({
    service,
  }) => {
    const { client } = service;
    const ingested = await client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1000, output: 500 } },
      provider_response_id: "chatcmpl-1",
    });
    const requestId = ingested.xproxy_result.request_id ?? "";
    expect((await client.requests.requestId.result(requestId)).xproxy_result.cost?.total?.base).toBe(0.0075);
    expect((await client.requests.responseId.result("system.openai", "chatcmpl-1")).xproxy_result.request_id).toBe(requestId);
    expect(await client.requests.requestId.updateProperties(requestId, { properties: { reviewed: "yes" } })).toMatchObject({
      request_id: requestId,
    });
    expect(
      await client.requests.responseId.updateProperties("system.openai", "chatcmpl-1", { properties: { reviewed: null } }),
    ).toMatchObject({
      request_id: requestId,
    });
    await expect(client.requests.responseId.result("system.anthropic", "chatcmpl-1")).rejects.toMatchObject({
      status: 404,
      code: "request_not_found",
    });
  });

  test("deleting a resource or a category answers with every version deleted; system categories are refused", async ({
    service,
  }) => {
    const { client } = service;
    const v1 = await client.categories.resources.create("acme", "m", { units: { text: { input_price: 0.000001 } } });
    const v2 = await client.categories.resources.create("acme", "m", { units: { text: { input_price: 0.000002 } } });
    const other = await client.categories.resources.create("acme", "n", { units: { text: { input_price: 0.000001 } } });
    expect((await client.categories.deleteResource("acme", "m")).map((v) => v.resource_id)).toEqual([
      v1.resource_id,
      v2.resource_id,
    ]);
    expect((await client.categories.delete("acme")).map((v) => v.resource_id)).toEqual([other.resource_id]);
    await expect(client.categories.delete("acme")).rejects.toMatchObject({ status: 404, code: "category_not_found" });
    await expect(client.categories.delete("system.openai")).rejects.toMatchObject({ status: 400, code: "invalid_category" });
  });
});
