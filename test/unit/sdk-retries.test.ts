import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  APIConnectionError,
  APIResponseValidationError,
  APITimeoutError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  Payi,
  PayiError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from "../../sdk/index.js";

// Faults a real service will not produce on demand are injected at the HTTP edge with undici's MockAgent.
const ORIGIN = "http://payi.test";
const limitBody = {
  limit: {
    limit_id: "l1",
    limit_name: "n",
    limit_type: "allow",
    max: 10,
    threshold: 0.8,
    totals: {
      cost: { input: { base: 0 }, output: { base: 0 }, total: { base: 0 } },
      requests: { ok: 0, blocked: 0, blocked_external: 0, exceeded: 0, failed: 0, overrun: 0, total: 0 },
    },
    limit_creation_timestamp: "2026-01-01T00:00:00Z",
    limit_update_timestamp: "2026-01-01T00:00:00Z",
  },
  request_id: "r1",
};

let agent: MockAgent;
let client: Payi;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  client = new Payi({ apiKey: "k", baseURL: ORIGIN, dispatcher: agent });
});
afterEach(async () => {
  await agent.close();
});

function intercept(status: number, body: unknown = { statusCode: status, message: "x" }, headers: Record<string, string> = {}) {
  return agent
    .get(ORIGIN)
    .intercept({ path: "/api/v1/limits/l1", method: "GET" })
    .reply(status, typeof body === "string" ? body : JSON.stringify(body), {
      headers: { "content-type": "application/json", ...headers },
    });
}

describe("retries", () => {
  test("retries 429 and 5xx up to maxRetries, then succeeds, sending the attempt number", async () => {
    const seen: string[] = [];
    const pool = agent.get(ORIGIN);
    for (const status of [429, 503]) {
      pool.intercept({ path: "/api/v1/limits/l1", method: "GET" }).reply(
        status,
        (opts) => {
          seen.push(String((opts.headers as Record<string, string>)["x-stainless-retry-count"]));
          return JSON.stringify({ statusCode: status, message: "busy" });
        },
        { headers: { "retry-after-ms": "10" } },
      );
    }
    pool.intercept({ path: "/api/v1/limits/l1", method: "GET" }).reply(200, (opts) => {
      seen.push(String((opts.headers as Record<string, string>)["x-stainless-retry-count"]));
      return JSON.stringify(limitBody);
    });
    const res = await client.limits.retrieve("l1");
    expect(res.limit.limit_id).toBe("l1");
    expect(seen).toEqual(["0", "1", "2"]);
  });

  test("gives up after maxRetries + 1 attempts with the error of the last one", async () => {
    let attempts = 0;
    agent
      .get(ORIGIN)
      .intercept({ path: "/api/v1/limits/l1", method: "GET" })
      .reply(
        500,
        () => {
          attempts++;
          return JSON.stringify({
            statusCode: 500,
            message: "Internal Server Error",
            xproxy_error: { code: "unexpected_error", message: "boom" },
          });
        },
        { headers: { "retry-after-ms": "5" } },
      )
      .times(5);
    const error = await client
      .withOptions({ maxRetries: 3 })
      .limits.retrieve("l1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, code: "unexpected_error" });
    expect(attempts).toBe(4);
  });

  test("honours Retry-After in seconds", async () => {
    intercept(429, undefined, { "retry-after": "1" });
    intercept(200, limitBody);
    const started = performance.now();
    await client.limits.retrieve("l1");
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  test("x-should-retry: false stops retries of a 409; 400s are never retried", async () => {
    let attempts = 0;
    agent
      .get(ORIGIN)
      .intercept({ path: "/api/v1/limits/l1", method: "GET" })
      .reply(
        409,
        () => {
          attempts++;
          return JSON.stringify({ statusCode: 409, message: "Conflict" });
        },
        { headers: { "x-should-retry": "false" } },
      )
      .times(3);
    await expect(client.limits.retrieve("l1")).rejects.toBeInstanceOf(ConflictError);
    expect(attempts).toBe(1);
  });

  test("times out a slow response as APITimeoutError after retrying", { timeout: 15_000 }, async () => {
    // A real server on loopback that answers too late (MockAgent does not run undici's timers, whose
    // resolution is about a second: the reply must be later than that).
    let attempts = 0;
    const slow = createServer((_req, res) => {
      attempts++;
      setTimeout(() => res.end(JSON.stringify(limitBody)), 5000);
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const { port } = slow.address() as AddressInfo;
    const impatient = new Payi({ apiKey: "k", baseURL: `http://127.0.0.1:${port}`, timeout: 100, maxRetries: 1 });
    const error = await impatient.limits.retrieve("l1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(attempts).toBe(2);
    await impatient.close();
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });

  test("a refused connection is an APIConnectionError", async () => {
    const offline = new Payi({ apiKey: "k", baseURL: "http://127.0.0.1:9", maxRetries: 0 });
    const error = await offline.limits.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APITimeoutError);
    await offline.close();
  });
});

describe("errors", () => {
  test.for([
    [400, BadRequestError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
  ] as const)("status %i maps to its class", async ([status, ErrorClass]) => {
    intercept(
      status,
      { statusCode: status, message: "m", xproxy_error: { code: "some_code", message: "detail" } },
      { "x-should-retry": "false", "x-request-id": "req_9" },
    );
    const error = await client.limits.retrieve("l1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ status, code: "some_code", requestId: "req_9", message: `${status} some_code detail` });
  });

  test("a 2xx body of the wrong shape is an APIResponseValidationError; unknown fields and numeric strings are fine", async () => {
    intercept(200, { limit: { limit_id: 5 }, request_id: "r" });
    await expect(client.limits.retrieve("l1")).rejects.toBeInstanceOf(APIResponseValidationError);

    const tolerant = structuredClone(limitBody) as typeof limitBody & { extra: string };
    tolerant.extra = "new field";
    (tolerant.limit as Record<string, unknown>)["max"] = "10.5";
    intercept(200, tolerant);
    const res = await client.limits.retrieve("l1");
    expect(res.limit.max).toBe(10.5);
  });

  test("a non-JSON error body is kept as text", async () => {
    intercept(502, "<html>bad gateway</html>", { "x-should-retry": "false", "content-type": "text/html" });
    const error = await client.limits.retrieve("l1").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, body: "<html>bad gateway</html>" });
  });
});

describe("configuration", () => {
  test("without an API key the constructor names PAYI_API_KEY", () => {
    const saved = process.env["PAYI_API_KEY"];
    delete process.env["PAYI_API_KEY"];
    try {
      expect(() => new Payi()).toThrow(PayiError);
      expect(() => new Payi()).toThrow(/PAYI_API_KEY/);
    } finally {
      if (saved !== undefined) process.env["PAYI_API_KEY"] = saved;
    }
  });

  test("reads PAYI_API_KEY and PAYI_BASE_URL, sends the key in xProxy-api-key with default headers and query", async () => {
    process.env["PAYI_API_KEY"] = "env-key";
    process.env["PAYI_BASE_URL"] = `${ORIGIN}/`;
    try {
      const fromEnv = new Payi({
        dispatcher: agent,
        defaultHeaders: { "X-Internal-Service": "Billing" },
        defaultQuery: { tenant: "t1" },
      });
      expect(fromEnv.baseURL).toBe(ORIGIN);
      let seen: Record<string, string> = {};
      agent
        .get(ORIGIN)
        .intercept({ path: "/api/v1/limits/l1?tenant=t1", method: "GET" })
        .reply(200, (opts) => {
          seen = opts.headers as Record<string, string>;
          return JSON.stringify(limitBody);
        });
      const { data, response } = await fromEnv.limits.retrieve("l1").withResponse();
      expect(data.limit.limit_id).toBe("l1");
      expect(response.status).toBe(200);
      expect(seen["xproxy-api-key"]).toBe("env-key");
      expect(seen["x-internal-service"]).toBe("Billing");
    } finally {
      delete process.env["PAYI_API_KEY"];
      delete process.env["PAYI_BASE_URL"];
    }
  });

  test("ingest context travels in xProxy headers, the rest in the body", async () => {
    let headers: Record<string, string> = {};
    let body = "";
    agent
      .get(ORIGIN)
      .intercept({ path: "/api/v1/ingest", method: "POST" })
      .reply(200, (opts) => {
        headers = opts.headers as Record<string, string>;
        body = String(opts.body);
        return JSON.stringify({ request_id: "r", event_timestamp: "t", ingest_timestamp: "t", xproxy_result: {} });
      });
    await client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1, output: 2 } },
      limit_ids: [" a ", "", "b"],
      use_case_name: "uc",
      use_case_version: 3,
      user_id: "u",
      disable_logging: true,
    });
    expect(headers).toMatchObject({
      "xproxy-limit-ids": "a,b",
      "xproxy-usecase-name": "uc",
      "xproxy-usecase-version": "3",
      "xproxy-user-id": "u",
      "xproxy-logging-disable": "True",
      "content-type": "application/json",
    });
    expect(JSON.parse(body)).toEqual({ category: "system.openai", resource: "gpt-4o", units: { text: { input: 1, output: 2 } } });
  });
});
