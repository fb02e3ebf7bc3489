import { describe, expect } from "vitest";
import { Payi } from "../../sdk/index.js";
import { APIConnectionError, Limitry } from "../../sdk/limitry/index.js";
import { startDroppingProxy } from "../support/dropping-proxy.js";
import { TEST_API_KEY, test } from "../support/service.js";

const event = { category: "system.openai", resource: "gpt-4o", units: { text: { input: 1000, output: 500 } } }; // $0.0075

/** A client whose every call loses its first answer after the service has applied it, then retries. */
async function lossyClient(serviceUrl: string) {
  const proxy = await startDroppingProxy(serviceUrl);
  const client = new Payi({ apiKey: TEST_API_KEY, baseURL: proxy.url, maxRetries: 2 });
  return {
    client,
    proxy,
    async [Symbol.asyncDispose]() {
      await client.close();
      await proxy.close();
    },
  };
}

describe("a response lost after the write", () => {
  test("ingest.units charges once", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    const { limit } = await service.client.limits.create({ limit_name: "Lossy", max: 10 });
    const answer = await lossy.client.ingest.units({ ...event, limit_ids: [limit.limit_id] });
    expect(lossy.proxy.dropped).toBe(1);
    expect(answer.xproxy_result.cost?.total?.base).toBe(0.0075);
    const after = (await service.client.limits.retrieve(limit.limit_id)).limit.totals;
    expect(after.cost.total.base).toBe(0.0075);
    expect(after.requests.total).toBe(1);
  });

  test("ingest.bulk of 3 events charges 3", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    const { limit } = await service.client.limits.create({ limit_name: "Lossy bulk", max: 10 });
    const answer = await lossy.client.ingest.bulk([1, 2, 3].map(() => ({ ...event, limit_ids: [limit.limit_id] })));
    expect(lossy.proxy.dropped).toBe(1);
    expect(answer.ingest_count).toBe(3);
    expect((await service.client.limits.retrieve(limit.limit_id)).limit.totals.requests.total).toBe(3);
  });

  test("useCases.create starts one instance", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    await service.client.useCases.definitions.create({ name: "lossy", description: "d", limit_config: { max: 1 } });
    const instance = await lossy.client.useCases.create("lossy");
    expect(lossy.proxy.dropped).toBe(1);
    const limits = await service.client.limits.list();
    expect(limits.items.map((l) => l.limit_id)).toEqual([instance.limit_id]);
  });

  test("limits.reset reports the spend it reset, not $0", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    const { limit } = await service.client.limits.create({ limit_name: "Lossy reset", max: 10 });
    await service.client.ingest.units({ ...event, limit_ids: [limit.limit_id] });
    const answer = await lossy.client.limits.reset(limit.limit_id);
    expect(lossy.proxy.dropped).toBe(1);
    expect(answer.limit_history.totals.cost.total.base).toBe(0.0075);
  });

  test("without an idempotency key the retry charges again (what the key prevents)", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    const { limit } = await service.client.limits.create({ limit_name: "Keyless", max: 10 });
    await lossy.client.ingest.units({ ...event, limit_ids: [limit.limit_id] }, { headers: { "Idempotency-Key": undefined } });
    expect(lossy.proxy.dropped).toBe(1);
    expect((await service.client.limits.retrieve(limit.limit_id)).limit.totals.requests.total).toBe(2);
  });

  test("a key reused for a different request is refused with 422", async ({ service }) => {
    const headers = { "Idempotency-Key": "same-key" };
    await service.client.limits.create({ limit_name: "First", max: 1 }, { headers });
    await expect(service.client.limits.create({ limit_name: "Second", max: 1 }, { headers })).rejects.toMatchObject({
      status: 422,
      code: "idempotency_key_reused",
    });
    const replay = await service.client.limits.create({ limit_name: "First", max: 1 }, { headers }).withResponse();
    expect(replay.response.headers["idempotent-replayed"]).toBe("true");
  });
});

/**
 * Limitry accepts and ignores Idempotency-Key, so its writes are never repeated once they may have reached
 * the service: each of these calls loses its only answer and must fail saying so, having applied once.
 */
describe("Limitry: a response lost after the write", () => {
  async function lossyLimitry(serviceUrl: string) {
    const proxy = await startDroppingProxy(serviceUrl);
    const client = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 2 });
    const direct = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${serviceUrl}/v1`, maxRetries: 0 });
    return {
      client,
      direct,
      proxy,
      async [Symbol.asyncDispose]() {
        await client.close();
        await direct.close();
        await proxy.close();
      },
    };
  }
  const tokens = { name: "Tokens", aggregation: "sum", field: "values.tokens" } as const;
  const ambiguous = (call: string) => ({
    constructor: APIConnectionError,
    mayHaveBeenApplied: true,
    message: expect.stringContaining(`${call} may or may not have been applied`),
  });

  test("events.record is sent once, counts once, and fails saying it may have been applied", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    const meter = await lossy.direct.meters.create(tokens);
    await expect(
      lossy.client.events.record({ customerId: "c1", eventType: "llm.completion", values: { tokens: 1000 } }),
    ).rejects.toMatchObject(ambiguous("POST /events/record"));
    expect([lossy.proxy.requests, lossy.proxy.dropped]).toEqual([1, 1]);
    expect((await lossy.direct.meters.query(meter.id)).value).toBe(1000);
  });

  test("events.batch of 3 is sent once and counts 3", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    const meter = await lossy.direct.meters.create(tokens);
    const events = [1, 2, 3].map((n) => ({ customerId: "c1", eventType: "llm.completion", values: { tokens: n } }));
    await expect(lossy.client.events.batch({ events })).rejects.toMatchObject(ambiguous("POST /events/batch"));
    expect(lossy.proxy.requests).toBe(1);
    expect((await lossy.direct.meters.query(meter.id)).value).toBe(6);
  });

  test("limits.create and meters.create leave exactly one object each", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    await expect(lossy.client.meters.create(tokens)).rejects.toMatchObject(ambiguous("POST /meters"));
    const meters = (await lossy.direct.meters.list()).items;
    expect(meters.map((m) => m.name)).toEqual(["Tokens"]);
    const limit = { name: "Daily", meterId: meters[0]?.id ?? "", limitValue: 100, period: "day" } as const;
    await expect(lossy.client.limits.create(limit)).rejects.toMatchObject(ambiguous("POST /limits"));
    expect((await lossy.direct.limits.list()).items.map((l) => l.name)).toEqual(["Daily"]);
    expect(lossy.proxy.requests).toBe(2);
  });

  test("customers.create fails as possibly applied, not as 'already exists' from its own retry", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    await expect(lossy.client.customers.create({ externalId: "acme" })).rejects.toMatchObject(ambiguous("POST /customers"));
    expect((await lossy.direct.customers.retrieve("acme")).externalId).toBe("acme");
  });

  test("meters.query and limits.check, POSTs that only read, are retried and answer", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    const meter = await lossy.direct.meters.create(tokens);
    await lossy.direct.events.record({ customerId: "c1", eventType: "llm.completion", values: { tokens: 7 } });
    expect((await lossy.client.meters.query(meter.id)).value).toBe(7);
    expect((await lossy.client.limits.check({ customerId: "c1" })).allowed).toBe(true);
    expect([lossy.proxy.requests, lossy.proxy.dropped]).toEqual([4, 2]);
  });
});
