import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../../server/app.js";
import { openDatabase } from "../../server/db.js";
import { TEST_API_KEY } from "../support/service.js";

// The service keeps the first answer to each Idempotency-Key for a day, then forgets it.
const DAY_MS = 24 * 60 * 60 * 1000;
let now = new Date("2026-11-02T10:00:00Z");
const app = buildApp({ db: openDatabase(":memory:"), apiKeys: [TEST_API_KEY], now: () => now });
let url: string;
beforeAll(async () => {
  await app.listen({ host: "127.0.0.1", port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => app.close());

const headers = { "xproxy-api-key": TEST_API_KEY, "content-type": "application/json" };

/** One ingest of a fixed event on limit `ttl`, under `key`: whether it was replayed. */
async function ingest(key: string): Promise<boolean> {
  const res = await request(`${url}/ingest`, {
    method: "POST",
    headers: { ...headers, "idempotency-key": key, "xproxy-limit-ids": "ttl" },
    body: JSON.stringify({ category: "system.openai", resource: "gpt-4o", units: { text: { input: 1000 } } }),
  });
  expect(res.statusCode).toBe(200);
  await res.body.dump();
  return res.headers["idempotent-replayed"] === "true";
}

async function spend(): Promise<number> {
  const res = await request(`${url}/limits/ttl`, { headers });
  const body = (await res.body.json()) as { limit: { totals: { cost: { total: { base: number } } } } };
  return body.limit.totals.cost.total.base;
}

describe("idempotency keys expire after a day", () => {
  test("a key is replayed within the day, forgotten after it, and pruning keeps the newer keys", async () => {
    const created = await request(`${url}/limits`, {
      method: "POST",
      headers,
      body: JSON.stringify({ limit_name: "TTL", limit_id: "ttl", max: 100 }),
    });
    expect(created.statusCode).toBe(200);
    await created.body.dump();

    expect(await ingest("first")).toBe(false);
    const once = await spend();
    expect(once).toBeGreaterThan(0);
    now = new Date(now.getTime() + DAY_MS - 60_000);
    expect(await ingest("second")).toBe(false);
    expect(await ingest("first")).toBe(true);
    expect(await spend()).toBe(once * 2);

    // A day after `first` (and after the next prune, at most a minute apart), it is a new call again;
    // `second`, stored later, is still answered from its first time.
    now = new Date(now.getTime() + 2 * 60_000);
    expect(await ingest("third")).toBe(false);
    expect(await ingest("first")).toBe(false);
    expect(await ingest("second")).toBe(true);
    expect(await spend()).toBe(once * 4);
  });
});
