import { MockAgent } from "undici";
import { afterEach, beforeEach, expect, test } from "vitest";
import { Payi } from "../../sdk/index.js";

// Shapes Pay-i's docs show where the official client's types say otherwise (reference, "unconfirmed"): the
// official client accepts both, so this one must too. A real service answers only one of them, so each is
// served at the HTTP edge with undici's MockAgent.
const ORIGIN = "http://payi.test";
let agent: MockAgent;
let payi: Payi;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  payi = new Payi({ apiKey: "k", baseURL: ORIGIN, dispatcher: agent, maxRetries: 0 });
});
afterEach(async () => {
  await agent.close();
});

function answer(method: string, path: string, body: unknown) {
  agent
    .get(ORIGIN)
    .intercept({ path, method })
    .reply(200, JSON.stringify(body), {
      headers: { "content-type": "application/json" },
    });
}

test("limits.properties.update: the documented {request_id} reads as no limits; the typed array as its limits", async () => {
  answer("PUT", "/api/v1/limits/l1/properties", { request_id: "r1" });
  expect(await payi.limits.properties.update("l1", { properties: { team: "ml" } })).toEqual([]);
});

test("category deletes: {request_id} reads as no versions", async () => {
  answer("DELETE", "/api/v1/categories/acme", { request_id: "r2" });
  expect(await payi.categories.delete("acme")).toEqual([]);
  answer("DELETE", "/api/v1/categories/acme/resources/m", { request_id: "r3", message: "deleted" });
  expect(await payi.categories.deleteResource("acme", "m")).toEqual([]);
});

test("money as numeric strings and currency 'USD', as the docs' examples print them, parse to numbers", async () => {
  const totals = {
    cost: { input: { base: "0.0199" }, output: { base: "0.01" }, total: { base: "0.0299", overrun_base: null } },
    requests: { ok: 1, blocked: 0, blocked_external: 0, exceeded: 0, failed: 0, overrun: 0, total: 1 },
  };
  const limit = {
    limit_id: "l1",
    limit_name: "n",
    limit_type: "allow",
    max: "10.0",
    threshold: "0.8",
    totals,
    limit_creation_timestamp: "2026-01-01T00:00:00Z",
    limit_update_timestamp: "2026-01-01T00:00:00Z",
  };
  answer("GET", "/api/v1/limits/l1", { limit, request_id: "r" });
  expect((await payi.limits.retrieve("l1")).limit).toMatchObject({
    max: 10,
    threshold: 0.8,
    totals: { cost: { total: { base: 0.0299 } } },
  });
  answer("POST", "/api/v1/ingest", {
    request_id: "r",
    event_timestamp: "2026-01-01T00:00:00Z",
    ingest_timestamp: "2026-01-01T00:00:00Z",
    xproxy_result: { cost: { currency: "USD", total: { base: "0.0199" } }, limits: { l1: { state: "ok" } } },
  });
  const ingested = await payi.ingest.units({ category: "system.openai", resource: "gpt-4o", units: { text: { input: 1 } } });
  expect(ingested.xproxy_result.cost).toMatchObject({ currency: "USD", total: { base: 0.0199 } });
});
