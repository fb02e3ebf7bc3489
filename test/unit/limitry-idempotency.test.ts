import { request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { Limitry } from "../../sdk/limitry/index.js";
import { startLimitryService } from "../support/limitry-service.js";
import { TEST_API_KEY } from "../support/service.js";

// Idempotency-Key on Limitry's writes, over HTTP against the real service: the first answer again for the same
// key and body, applied once; another body is a 422; keys are per API key and kept a day.
const OTHER_KEY = "second-project-key";
let service: Awaited<ReturnType<typeof startLimitryService>>;
beforeAll(async () => {
  service = await startLimitryService("2026-03-10T12:00:00Z", [TEST_API_KEY, OTHER_KEY]);
});
afterAll(() => service.stop());

async function send(method: "POST" | "PUT" | "DELETE", path: string, body: unknown, key?: string, apiKey = TEST_API_KEY) {
  const res = await request(`${service.url}/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      "content-type": "application/json",
      ...(key === undefined ? {} : { "idempotency-key": key }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = z.record(z.string(), z.unknown()).parse(await res.body.json());
  return { status: res.statusCode, replayed: res.headers["idempotent-replayed"] === "true", body: answer };
}

let n = 0;
/** A fresh meter counting `values.<field>` of events of a type no other test records. */
async function freshMeter() {
  const eventType = `idem.${++n}`;
  const meter = await service.client.meters.create({
    name: "m",
    aggregation: "sum",
    field: "values.tokens",
    eventFilter: { eventType },
  });
  const used = async () => (await service.client.meters.query(meter.id)).value;
  return { meter, eventType, used };
}

describe("Idempotency-Key on /v1 writes", () => {
  test("the same key and body get the first answer again (201, same id) and count once", async () => {
    const { eventType, used } = await freshMeter();
    const event = { customerId: "c1", eventType, values: { tokens: 40 } };
    const first = await send("POST", "/events/record", event, "rec-1");
    const again = await send("POST", "/events/record", event, "rec-1");
    expect(first).toMatchObject({ status: 201, replayed: false, body: { recorded: true } });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await used()).toBe(40);
    // Without a key, or with another one, it is a new event.
    await send("POST", "/events/record", event);
    await send("POST", "/events/record", event, "rec-2");
    expect(await used()).toBe(120);
  });

  test("the same key with another body is a 422 in Limitry's envelope, and applies nothing", async () => {
    const { eventType, used } = await freshMeter();
    await send("POST", "/events/record", { customerId: "c1", eventType, values: { tokens: 1 } }, "reuse");
    const reused = await send("POST", "/events/record", { customerId: "c1", eventType, values: { tokens: 2 } }, "reuse");
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual({
      error: {
        code: "idempotency_key_reused",
        message: "Idempotency-Key 'reuse' was already used for a different request; use a new key for each call",
        status: 422,
        requestId: expect.stringMatching(/^req_/),
      },
    });
    // Another path is another request too.
    expect((await send("POST", "/meters", { name: "x", aggregation: "count", field: "*" }, "reuse")).status).toBe(422);
    expect(await used()).toBe(1);
  });

  test("creates, updates, deletes and batches replay; a failed write stores nothing", async () => {
    const { meter, eventType, used } = await freshMeter();
    const body = { name: "Daily", meterId: meter.id, limitValue: 100, period: "day" };
    const created = await send("POST", "/limits", body, "create-1");
    expect((await send("POST", "/limits", body, "create-1")).body).toEqual(created.body);
    const id = String(created.body.id);
    expect((await service.client.limits.list()).items.filter((l) => l.meterId === meter.id)).toHaveLength(1);

    const put = await send("PUT", `/limits/${id}`, { limitValue: 200 }, "put-1");
    await service.client.limits.update(id, { limitValue: 300 });
    // The replay is the first answer (200), not a second update over the newer value.
    expect(await send("PUT", `/limits/${id}`, { limitValue: 200 }, "put-1")).toEqual({ ...put, replayed: true });
    expect((await service.client.limits.retrieve(id)).limitValue).toBe(300);

    const deleted = await send("DELETE", `/limits/${id}`, undefined, "del-1");
    expect(await send("DELETE", `/limits/${id}`, undefined, "del-1")).toEqual({ ...deleted, replayed: true });
    expect(deleted).toMatchObject({ status: 200, body: { success: true } });
    // A delete that failed (404) kept nothing: the same key answers 404 again.
    expect((await send("DELETE", `/limits/${id}`, undefined, "del-2")).status).toBe(404);
    expect((await send("DELETE", `/limits/${id}`, undefined, "del-2")).status).toBe(404);

    const events = [1, 2, 3].map((tokens) => ({ customerId: "c1", eventType, values: { tokens } }));
    expect((await send("POST", "/events/batch", { events }, "batch-1")).body).toEqual({ count: 3 });
    expect((await send("POST", "/events/batch", { events }, "batch-1")).body).toEqual({ count: 3 });
    expect(await used()).toBe(6);
  });

  test("keys are per API key: another project's same key is its own call", async () => {
    const { eventType, used } = await freshMeter();
    const event = { customerId: "c1", eventType, values: { tokens: 5 } };
    expect((await send("POST", "/events/record", event, "shared", TEST_API_KEY)).replayed).toBe(false);
    expect((await send("POST", "/events/record", event, "shared", OTHER_KEY)).replayed).toBe(false);
    expect((await send("POST", "/events/record", event, "shared", OTHER_KEY)).replayed).toBe(true);
    expect(await used()).toBe(10);
  });

  test("an answer is kept for a day, then the key is new again", async () => {
    const { eventType, used } = await freshMeter();
    const event = { customerId: "c1", eventType, values: { tokens: 7 }, timestamp: "2026-03-10T12:00:00Z" };
    await send("POST", "/events/record", event, "day-old");
    service.setNow("2026-03-11T11:59:00Z");
    expect((await send("POST", "/events/record", event, "day-old")).replayed).toBe(true);
    service.setNow("2026-03-11T12:01:00Z");
    // Any write prunes what expired; then the old key applies again.
    await send("POST", "/events/record", { ...event, values: { tokens: 0 } }, "pruner");
    expect((await send("POST", "/events/record", event, "day-old")).replayed).toBe(false);
    expect(await used()).toBe(14);
    service.setNow("2026-03-10T12:00:00Z");
  });

  test("a key over 255 characters is a 400 in Limitry's envelope", async () => {
    const res = await send("POST", "/customers", { externalId: "long-key" }, "k".repeat(256));
    expect(res).toMatchObject({ status: 400, body: { error: { code: "invalid_idempotency_key", status: 400 } } });
  });
});

describe("the SDK's writes", () => {
  test("carry one Idempotency-Key per call, and a caller's own key wins", async () => {
    const { eventType, used } = await freshMeter();
    const client = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${service.url}/v1`, maxRetries: 0 });
    const event = { customerId: "c1", eventType, values: { tokens: 3 } };
    const sent = await client.events.record(event, { headers: { "Idempotency-Key": "mine-1" } }).withResponse();
    const again = await client.events.record(event, { headers: { "Idempotency-Key": "mine-1" } }).withResponse();
    expect(again.data).toEqual(sent.data);
    expect(again.response.headers["idempotent-replayed"]).toBe("true");
    const generated = await client.events.record(event).withResponse();
    expect(generated.response.headers["idempotent-replayed"]).toBeUndefined();
    expect(await used()).toBe(6);
    await client.close();
  });
});
