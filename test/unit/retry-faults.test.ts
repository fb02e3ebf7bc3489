import { describe, expect } from "vitest";
import { Payi } from "../../sdk/index.js";
import { Limitry } from "../../sdk/limitry/index.js";
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

/**
 * The service shows it honours keys by echoing each one; until a client has seen that, it resends only calls
 * idempotent by Pay-i's own semantics. A limit create with a caller-chosen id is one: creating it through the
 * lossy client (its answer lost, then resent) proves the keys, as any first call of a long-lived client would.
 */
async function provenLimit(lossy: { client: Payi }, name: string) {
  const { limit } = await lossy.client.limits.create({
    limit_id: name.toLowerCase().replaceAll(" ", "-"),
    limit_name: name,
    max: 10,
  });
  return limit;
}

const ambiguous = (call: string) => ({
  mayHaveBeenApplied: true,
  message: expect.stringContaining(`${call} may or may not have been applied`),
});

describe("a response lost after the write", () => {
  test("a limit create with its own id is resent (idempotent on limit_id) and makes one limit", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    const limit = await provenLimit(lossy, "Lossy");
    expect([lossy.proxy.requests, lossy.proxy.dropped]).toEqual([2, 1]);
    expect((await service.client.limits.list()).items.map((l) => l.limit_id)).toEqual([limit.limit_id]);
  });

  test("before the service has shown it honours keys, a lost ingest is not resent: charged once, the error says so", async ({
    service,
  }) => {
    await using lossy = await lossyClient(service.url);
    const { limit } = await service.client.limits.create({ limit_name: "Unproven", max: 10 });
    await expect(lossy.client.ingest.units({ ...event, limit_ids: [limit.limit_id] })).rejects.toMatchObject(
      ambiguous("POST /api/v1/ingest"),
    );
    expect([lossy.proxy.requests, lossy.proxy.dropped]).toEqual([1, 1]);
    expect((await service.client.limits.retrieve(limit.limit_id)).limit.totals.requests.total).toBe(1);
  });

  test("ingest.units charges once", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    const limit = await provenLimit(lossy, "Lossy");
    const answer = await lossy.client.ingest.units({ ...event, limit_ids: [limit.limit_id] });
    expect(lossy.proxy.dropped).toBe(2);
    expect(answer.xproxy_result.cost?.total?.base).toBe(0.0075);
    const after = (await service.client.limits.retrieve(limit.limit_id)).limit.totals;
    expect(after.cost.total.base).toBe(0.0075);
    expect(after.requests.total).toBe(1);
  });

  test("ingest.bulk of 3 events charges 3", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    const limit = await provenLimit(lossy, "Lossy bulk");
    const answer = await lossy.client.ingest.bulk([1, 2, 3].map(() => ({ ...event, limit_ids: [limit.limit_id] })));
    expect(lossy.proxy.dropped).toBe(2);
    expect(answer.ingest_count).toBe(3);
    expect((await service.client.limits.retrieve(limit.limit_id)).limit.totals.requests.total).toBe(3);
  });

  test("useCases.create starts one instance", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    await service.client.useCases.definitions.create({ name: "lossy", description: "d" });
    // Setting a limit config overwrites (seed 002): idempotent, resent, and its echoed key proves the service.
    await lossy.client.useCases.definitions.limitConfig.create("lossy", { max: 1 });
    const instance = await lossy.client.useCases.create("lossy");
    expect(lossy.proxy.dropped).toBe(2);
    const limits = await service.client.limits.list();
    expect(limits.items.map((l) => l.limit_id)).toEqual([instance.limit_id]);
  });

  test("limits.reset reports the spend it reset, not $0", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    const limit = await provenLimit(lossy, "Lossy reset");
    await service.client.ingest.units({ ...event, limit_ids: [limit.limit_id] });
    const answer = await lossy.client.limits.reset(limit.limit_id);
    expect(lossy.proxy.dropped).toBe(2);
    expect(answer.limit_history.totals.cost.total.base).toBe(0.0075);
  });

  test("without an idempotency key a lost ingest is not resent, even to a proven service: charged once", async ({ service }) => {
    await using lossy = await lossyClient(service.url);
    const limit = await provenLimit(lossy, "Keyless");
    await expect(
      lossy.client.ingest.units({ ...event, limit_ids: [limit.limit_id] }, { headers: { "Idempotency-Key": undefined } }),
    ).rejects.toMatchObject(ambiguous("POST /api/v1/ingest"));
    expect(lossy.proxy.dropped).toBe(2);
    expect((await service.client.limits.retrieve(limit.limit_id)).limit.totals.requests.total).toBe(1);
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
 * Limitry honours Idempotency-Key, so its writes are retried with the same key: each of these calls loses its
 * first answer after the service applied it, and its retry is answered with that answer instead of applying
 * again.
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

  test("events.record is retried, answers, and counts once", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    const meter = await lossy.direct.meters.create(tokens);
    const recorded = await lossy.client.events.record({
      customerId: "c1",
      eventType: "llm.completion",
      values: { tokens: 1000 },
    });
    expect(recorded).toEqual({ id: expect.stringMatching(/^evt_/), recorded: true });
    expect([lossy.proxy.requests, lossy.proxy.dropped]).toEqual([2, 1]);
    expect((await lossy.direct.meters.query(meter.id)).value).toBe(1000);
  });

  test("events.batch of 3 is retried and counts 3", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    const meter = await lossy.direct.meters.create(tokens);
    const events = [1, 2, 3].map((n) => ({ customerId: "c1", eventType: "llm.completion", values: { tokens: n } }));
    expect(await lossy.client.events.batch({ events })).toEqual({ count: 3 });
    expect(lossy.proxy.requests).toBe(2);
    expect((await lossy.direct.meters.query(meter.id)).value).toBe(6);
  });

  test("limits.create and meters.create answer with the one object each made", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    const meter = await lossy.client.meters.create(tokens);
    expect((await lossy.direct.meters.list()).items.map((m) => m.id)).toEqual([meter.id]);
    const limit = await lossy.client.limits.create({ name: "Daily", meterId: meter.id, limitValue: 100, period: "day" });
    expect((await lossy.direct.limits.list()).items.map((l) => l.id)).toEqual([limit.id]);
    expect(lossy.proxy.requests).toBe(4);
  });

  test("customers.create answers with the customer, not 'already exists' from its own retry", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    const customer = await lossy.client.customers.create({ externalId: "acme" });
    expect((await lossy.direct.customers.retrieve("acme")).id).toBe(customer.id);
  });

  test("limits.delete is retried and answers success, not limit_not_found from its own retry", async ({ service }) => {
    await using lossy = await lossyLimitry(service.url);
    const meter = await lossy.direct.meters.create(tokens);
    const limit = await lossy.direct.limits.create({ name: "Daily", meterId: meter.id, limitValue: 100, period: "day" });
    expect(await lossy.client.limits.delete(limit.id)).toEqual({ success: true });
    expect((await lossy.direct.limits.list()).items).toEqual([]);
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
