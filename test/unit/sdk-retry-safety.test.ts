import { createServer } from "node:http";
import { MockAgent, errors as undiciErrors } from "undici";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Payi } from "../../sdk/index.js";
import {
  APIConnectionError,
  APITimeoutError,
  ConflictError,
  InternalServerError,
  Limitry,
  RateLimitError,
} from "../../sdk/limitry/index.js";

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

describe("Limitry writes without an idempotency key", () => {
  test("events.record is not retried on 503: one attempt, and the error says it may have been applied", async () => {
    const seen = answer("/v1/events/record", [unavailable]);
    const error = await client.events.record(event).catch((e: unknown) => e);
    expect(seen.attempts).toBe(1);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({
      status: 503,
      code: "internal_error",
      mayHaveBeenApplied: true,
      message:
        "503 internal_error unavailable. POST /events/record may or may not have been applied (the SDK does not resend a write that could apply twice); check whether it took effect before repeating it",
    });
  });

  test("a 429 is retried (the service applied nothing) and the call then succeeds", async () => {
    const seen = answer("/v1/events/record", [rateLimited, [201, { id: "evt_1", recorded: true }]]);
    expect(await client.events.record(event)).toEqual({ id: "evt_1", recorded: true });
    expect(seen.attempts).toBe(2);
  });

  test("x-should-retry: true lets the service allow a retry; false always wins, even on a 429", async () => {
    const allowed = answer("/v1/limits", [
      [...unavailable, { "x-should-retry": "true" }],
      [201, limit],
    ]);
    expect(await client.limits.create({ name: "n", meterId: "mtr_1", limitValue: 1, period: "day" })).toEqual(limit);
    expect(allowed.attempts).toBe(2);

    const refused = answer("/v1/events/batch", [[...rateLimited, { "x-should-retry": "false" }]]);
    await expect(client.events.batch({ events: [event] })).rejects.toBeInstanceOf(RateLimitError);
    expect(refused.attempts).toBe(1);
  });

  test("a 409 on a create is not retried", async () => {
    const seen = answer("/v1/customers", [[409, { error: { code: "customer_already_exists", message: "exists" } }]]);
    await expect(client.customers.create({ externalId: "acme" })).rejects.toMatchObject({
      constructor: ConflictError,
      mayHaveBeenApplied: false,
    });
    expect(seen.attempts).toBe(1);
  });

  test("a connection refused before sending is retried; a reset after sending is not", async () => {
    const pool = agent.get(ORIGIN);
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), {
      code: "ECONNREFUSED",
      syscall: "connect",
    });
    pool.intercept({ path: "/v1/events/record", method: "POST" }).replyWithError(refused);
    pool.intercept({ path: "/v1/events/record", method: "POST" }).reply(201, { id: "evt_2", recorded: true });
    expect(await client.events.record(event)).toEqual({ id: "evt_2", recorded: true });

    pool
      .intercept({ path: "/v1/events/record", method: "POST" })
      .replyWithError(new undiciErrors.SocketError("other side closed"));
    pool.intercept({ path: "/v1/events/record", method: "POST" }).reply(201, { id: "evt_3", recorded: true });
    const error = await client.events.record(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({
      mayHaveBeenApplied: true,
      message: expect.stringContaining("POST /events/record may or may not have been applied"),
    });
  });

  test("a real refused connection is an error saying nothing was applied", async () => {
    const offline = new Limitry({ apiKey: "k", baseURL: "http://127.0.0.1:9/v1", maxRetries: 0 });
    const error = await offline.events.record(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ mayHaveBeenApplied: false });
    expect(String(error)).not.toContain("may or may not");
    await offline.close();
  });

  test("a response timeout on events.record is not retried", { timeout: 15_000 }, async () => {
    // undici's timers have about a second's resolution: the service answers well after that.
    let attempts = 0;
    const slow = createServer((_req, res) => {
      attempts++;
      setTimeout(() => res.end(JSON.stringify({ id: "evt_4", recorded: true })), 5000);
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const address = slow.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const impatient = new Limitry({ apiKey: "k", baseURL: `http://127.0.0.1:${port}/v1`, timeout: 100, maxRetries: 2 });
    const error = await impatient.events.record(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toMatchObject({ mayHaveBeenApplied: true });
    expect(attempts).toBe(1);
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

  test("Pay-i writes carry an idempotency key and are retried on 503 with the same key", async () => {
    const payi = new Payi({ apiKey: "k", baseURL: "http://payi.test", dispatcher: agent, maxRetries: 2 });
    const keys: string[] = [];
    agent
      .get("http://payi.test")
      .intercept({ path: "/api/v1/limits", method: "POST" })
      .reply((req) => {
        keys.push(String(new Headers(req.headers).get("idempotency-key")));
        return {
          statusCode: 503,
          data: JSON.stringify({ statusCode: 503, message: "unavailable" }),
          responseOptions: { headers: { "retry-after-ms": "1" } },
        };
      })
      .times(3);
    await expect(payi.limits.create({ limit_name: "n", max: 1 })).rejects.toBeInstanceOf(InternalServerError);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });
});
