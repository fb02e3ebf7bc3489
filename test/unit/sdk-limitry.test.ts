import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_BASE_URL, Limitry, LimitryError, NotFoundError, RateLimitError } from "../../sdk/limitry/index.js";

// Faults the local service will not produce on demand (a 429, the legacy string envelope) are injected at
// the HTTP edge with undici's MockAgent; everything else is tested against the real service.
const ORIGIN = "http://limitry.test";
const limit = {
  id: "lmt_1",
  projectId: null,
  name: "Daily",
  meterId: "mtr_1",
  limitValue: 10,
  period: "day",
  customerId: null,
  dimensionFilters: {},
  alertThresholds: null,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
};

let agent: MockAgent;
let client: Limitry;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  client = new Limitry({ apiKey: "k", baseURL: `${ORIGIN}/v1`, dispatcher: agent });
});
afterEach(async () => {
  await agent.close();
});

describe("Limitry client", () => {
  test("reads LIMITRY_API_KEY and LIMITRY_BASE_URL, defaults to Limitry's endpoint, refuses to run without a key", () => {
    const saved = { key: process.env["LIMITRY_API_KEY"], url: process.env["LIMITRY_BASE_URL"] };
    try {
      delete process.env["LIMITRY_API_KEY"];
      delete process.env["LIMITRY_BASE_URL"];
      expect(() => new Limitry()).toThrow(LimitryError);
      process.env["LIMITRY_API_KEY"] = "from-env";
      expect(new Limitry().baseURL).toBe(DEFAULT_BASE_URL);
      process.env["LIMITRY_BASE_URL"] = "http://127.0.0.1:1/v1/";
      expect(new Limitry().baseURL).toBe("http://127.0.0.1:1/v1");
    } finally {
      for (const [name, value] of [
        ["LIMITRY_API_KEY", saved.key],
        ["LIMITRY_BASE_URL", saved.url],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test("sends Bearer auth, retries a 429 honouring Retry-After, and counts the attempts", async () => {
    const seen: Array<string | undefined> = [];
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: "/v1/limits/lmt_1", method: "GET" })
      .reply((req) => {
        const headers = new Headers(req.headers);
        seen.push(`${headers.get("authorization")} retry=${headers.get("x-stainless-retry-count")}`);
        return {
          statusCode: 429,
          data: JSON.stringify({ error: { code: "rate_limit_exceeded", message: "slow down", status: 429 } }),
          responseOptions: { headers: { "retry-after": "0.01" } },
        };
      })
      .times(2);
    pool.intercept({ path: "/v1/limits/lmt_1", method: "GET" }).reply(200, JSON.stringify(limit));
    expect(await client.limits.retrieve("lmt_1")).toEqual(limit);
    expect(seen).toEqual(["Bearer k retry=0", "Bearer k retry=1"]);
  });

  test("a 429 after the last retry is a RateLimitError with Limitry's code and request id", async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: "/v1/limits/check", method: "POST" })
      .reply(
        429,
        JSON.stringify({ error: { code: "rate_limit_exceeded", message: "slow down", status: 429, requestId: "req_9" } }),
        {
          headers: { "retry-after": "0" },
        },
      )
      .times(3);
    const error = await client.limits.check({ customerId: "c" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      code: "rate_limit_exceeded",
      requestId: "req_9",
      message: "429 rate_limit_exceeded slow down",
    });
  });

  test("the legacy string envelope {error: '...'} still gives a typed error with the message", async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: "/v1/meters/mtr_x", method: "GET" })
      .reply(404, JSON.stringify({ error: "Meter not found" }));
    await expect(client.meters.retrieve("mtr_x")).rejects.toMatchObject({
      constructor: NotFoundError,
      code: undefined,
      message: "404 Meter not found",
    });
  });
});
