import { createServer } from "node:http";
import { MockAgent, errors as undiciErrors } from "undici";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Payi } from "../../sdk/index.js";
import { APIConnectionError, ConflictError, InternalServerError, Limitry, RateLimitError } from "../../sdk/limitry/index.js";

// Which calls are sent again. Statuses and connection faults a real service will not produce on demand are
// injected at the HTTP edge with undici's MockAgent; a response timeout comes from a real slow server.
const ORIGIN = "http://limitry.test";
const event = { customerId: "c1", eventType: "llm.completion", values: { tokens: 10 } };
const limit = {
  id: "lmt_1",
  name: "n",
  meterId: "mtr_1",
  limitValue: 1,
  period: "day",
  customerId: null,
  dimensionFilters: {},
  alertThresholds: null,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
};
const queried = { meterId: "mtr_1", meterName: "Tokens", value: 10, aggregation: "sum" };

let agent: MockAgent;
let client: Limitry;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  client = new Limitry({ apiKey: "k", baseURL: `${ORIGIN}/v1`, dispatcher: agent, maxRetries: 2 });
});
afterEach(async () => {
  await agent.close();
});

/** Answers `path` with each status in turn (the last one for every later attempt) and counts the attempts. */
function answer(path: string, statuses: Array<[number, unknown, Record<string, string>?]>) {
  const seen = { attempts: 0 };
  const pool = agent.get(ORIGIN);
  statuses.forEach(([status, body, headers = {}], index) => {
    const interceptor = pool.intercept({ path, method: "POST" }).reply(
      status,
      () => {
        seen.attempts++;
        return JSON.stringify(body);
      },
      { headers: { "content-type": "application/json", "retry-after-ms": "1", ...headers } },
    );
    if (index === statuses.length - 1) interceptor.persist();
  });
  return seen;
}

const unavailable: [number, unknown] = [503, { error: { code: "internal_error", message: "unavailable", status: 503 } }];
const rateLimited: [number, unknown] = [429, { error: { code: "rate_limit_exceeded", message: "slow down", status: 429 } }];

/** Answers `path` with 503 `times` times, then 201 `body`, and collects the Idempotency-Key of each attempt. */
function keysSeen(path: string, times: number, body: unknown, extraHeaders: Record<string, string> = {}) {
  const keys: string[] = [];
  const pool = agent.get(ORIGIN);
  const reply = (status: number, data: unknown) => (req: { headers?: Headers | Record<string, string> }) => {
    keys.push(String(new Headers(req.headers).get("idempotency-key")));
    return {
      statusCode: status,
      data: JSON.stringify(data),
      responseOptions: { headers: { "content-type": "application/json", "retry-after-ms": "1", ...extraHeaders } },
    };
  };
  if (times > 0) pool.intercept({ path, method: "POST" }).reply(reply(503, unavailable[1])).times(times);
  pool.intercept({ path, method: "POST" }).reply(reply(201, body));
  return keys;
}

describe("Limitry writes carry an Idempotency-Key, which Limitry honours", () => {
  test("events.record is retried on 503 with the same key on every attempt", async () => {
    const keys = keysSeen("/v1/events/record", 2, { id: "evt_1", recorded: true });
    expect(await client.events.record(event)).toEqual({ id: "evt_1", recorded: true });
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^stainless-node-retry-/);
  });

  test("every create and the batch carry a key; two calls never share one", async () => {
    const first = keysSeen("/v1/limits", 1, limit);
    await client.limits.create({ name: "n", meterId: "mtr_1", limitValue: 1, period: "day" });
    const second = keysSeen("/v1/limits", 0, limit);
    await client.limits.create({ name: "n", meterId: "mtr_1", limitValue: 1, period: "day" });
    expect(first).toHaveLength(2);
    expect(second[0]).not.toBe(first[0]);
    const batch = keysSeen("/v1/events/batch", 1, { count: 1 });
    expect(await client.events.batch({ events: [event] })).toEqual({ count: 1 });
    expect(new Set(batch).size).toBe(1);
  });

  test("a caller's own key is sent on every attempt instead of a generated one", async () => {
    const keys = keysSeen("/v1/customers", 1, { id: "cust_1", externalId: "acme", createdAt: "x", updatedAt: "x" });
    await client.customers.create({ externalId: "acme" }, { headers: { "Idempotency-Key": "stack-1/acme" } });
    expect(keys).toEqual(["stack-1/acme", "stack-1/acme"]);
  });

  test("x-should-retry: false always wins, even on a 429", async () => {
    const refused = answer("/v1/events/batch", [[...rateLimited, { "x-should-retry": "false" }]]);
    await expect(client.events.batch({ events: [event] })).rejects.toBeInstanceOf(RateLimitError);
    expect(refused.attempts).toBe(1);
    const conflict = answer("/v1/customers", [
      [409, { error: { code: "customer_already_exists", message: "exists" } }, { "x-should-retry": "false" }],
    ]);
    await expect(client.customers.create({ externalId: "acme" })).rejects.toMatchObject({
      constructor: ConflictError,
      mayHaveBeenApplied: false,
    });
    expect(conflict.attempts).toBe(1);
  });

  test("a connection reset after sending is retried with the same key", async () => {
    const pool = agent.get(ORIGIN);
    const keys: string[] = [];
    pool.intercept({ path: "/v1/events/record", method: "POST" }).reply((req) => {
      keys.push(String(new Headers(req.headers).get("idempotency-key")));
      throw new undiciErrors.SocketError("other side closed");
    });
    pool.intercept({ path: "/v1/events/record", method: "POST" }).reply((req) => {
      keys.push(String(new Headers(req.headers).get("idempotency-key")));
      return { statusCode: 201, data: JSON.stringify({ id: "evt_3", recorded: true }) };
    });
    expect(await client.events.record(event)).toEqual({ id: "evt_3", recorded: true });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  test("a real refused connection is an error saying nothing was applied", async () => {
    const offline = new Limitry({ apiKey: "k", baseURL: "http://127.0.0.1:9/v1", maxRetries: 0 });
    const error = await offline.events.record(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ mayHaveBeenApplied: false });
    expect(String(error)).not.toContain("may or may not");
    await offline.close();
  });

  test("a response timeout on events.record is retried with the same key", { timeout: 20_000 }, async () => {
    // undici's timers have about a second's resolution: the service answers the first attempt well after that.
    const keys: string[] = [];
    const slow = createServer((req, res) => {
      keys.push(String(req.headers["idempotency-key"]));
      const delay = keys.length === 1 ? 5000 : 0;
      setTimeout(() => res.end(JSON.stringify({ id: "evt_4", recorded: true })), delay);
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const address = slow.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const impatient = new Limitry({ apiKey: "k", baseURL: `http://127.0.0.1:${port}/v1`, timeout: 100, maxRetries: 1 });
    expect(await impatient.events.record(event)).toEqual({ id: "evt_4", recorded: true });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    await impatient.close();
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });
});

describe("calls safe to repeat are still retried", () => {
  test("meters.query and limits.check, POSTs that only read, are retried on 503", async () => {
    const query = answer("/v1/meters/mtr_1/query", [unavailable, [200, queried]]);
    expect(await client.meters.query("mtr_1")).toEqual(queried);
    expect(query.attempts).toBe(2);
    const check = answer("/v1/limits/check", [unavailable, unavailable, [200, { allowed: true, limits: [] }]]);
    expect(await client.limits.check({ customerId: "c1" })).toEqual({ allowed: true, limits: [] });
    expect(check.attempts).toBe(3);
  });

  test("a PUT and a DELETE are retried on 503", async () => {
    const pool = agent.get(ORIGIN);
    let attempts = 0;
    for (const method of ["PUT", "DELETE"]) {
      pool
        .intercept({ path: "/v1/meters/mtr_1", method })
        .reply(
          503,
          () => {
            attempts++;
            return JSON.stringify(unavailable[1]);
          },
          { headers: { "retry-after-ms": "1" } },
        )
        .times(3);
    }
    await expect(client.meters.update("mtr_1", { name: "n" })).rejects.toMatchObject({ status: 503 });
    await expect(client.meters.delete("mtr_1")).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBe(6);
  });

  test("Pay-i writes carry an idempotency key and, once the server echoes it, are retried on 503 with the same key", async () => {
    const payi = new Payi({ apiKey: "k", baseURL: "http://payi.test", dispatcher: agent, maxRetries: 2 });
    const keys: string[] = [];
    agent
      .get("http://payi.test")
      .intercept({ path: "/api/v1/limits", method: "POST" })
      .reply((req) => {
        const key = String(new Headers(req.headers).get("idempotency-key"));
        keys.push(key);
        return {
          statusCode: 503,
          data: JSON.stringify({ statusCode: 503, message: "unavailable" }),
          responseOptions: { headers: { "retry-after-ms": "1", "idempotency-key": key } },
        };
      })
      .times(3);
    await expect(payi.limits.create({ limit_name: "n", max: 1 })).rejects.toBeInstanceOf(InternalServerError);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });
});
