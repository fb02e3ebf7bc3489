import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { APIConnectionError, InternalServerError, Payi } from "../../sdk/index.js";

// Which Pay-i calls are sent again. Pay-i documents no idempotency key (its own client sends none), so a
// write that is not idempotent by Pay-i's own semantics is resent after it may have reached the server only
// once that server has echoed a key back. Faults are injected at the HTTP edge with undici's MockAgent.
const ORIGIN = "http://payi.test";
const unavailable = { statusCode: 503, message: "unavailable" };
const limitBody = {
  limit_id: "l1",
  limit_name: "n",
  limit_type: "allow",
  max: 1,
  totals: {
    cost: { input: { base: 0 }, output: { base: 0 }, total: { base: 0 } },
    requests: { ok: 0, blocked: 0, blocked_external: 0, exceeded: 0, failed: 0, overrun: 0, total: 0 },
  },
  limit_creation_timestamp: "2026-01-01T00:00:00Z",
  limit_update_timestamp: "2026-01-01T00:00:00Z",
};

let agent: MockAgent;
let payi: Payi;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  payi = new Payi({ apiKey: "k", baseURL: ORIGIN, dispatcher: agent, maxRetries: 2 });
});
afterEach(async () => {
  await agent.close();
});

/** Answers every `method path` with 503 (echoing the key when `echo`) and counts the attempts. */
function unavailableAt(method: string, path: string, echo = false) {
  const seen = { attempts: 0 };
  agent
    .get(ORIGIN)
    .intercept({ path, method })
    .reply((req) => {
      seen.attempts++;
      const key = new Headers(req.headers).get("idempotency-key") ?? "";
      const headers: Record<string, string> = { "retry-after-ms": "1", ...(echo ? { "idempotency-key": key } : {}) };
      return { statusCode: 503, data: JSON.stringify(unavailable), responseOptions: { headers } };
    })
    .persist();
  return seen;
}

const event = { category: "system.openai", resource: "gpt-4o", units: { text: { input: 1, output: 1 } } };

describe("Pay-i writes against a server that has not shown it honours keys", () => {
  test.for([
    ["ingest.units", "POST", "/api/v1/ingest", () => payi.ingest.units(event)],
    ["ingest.bulk", "POST", "/api/v1/ingest/bulk", () => payi.ingest.bulk([event])],
    ["a use-case instance create", "POST", "/api/v1/use_cases/instances/tutor", () => payi.useCases.create("tutor")],
    ["limits.reset", "POST", "/api/v1/limits/l1/reset", () => payi.limits.reset("l1")],
    ["a limit create without an id", "POST", "/api/v1/limits", () => payi.limits.create({ limit_name: "n", max: 1 })],
  ] as const)("%s is sent once on 503, and fails naming the call as possibly applied", async ([, method, path, call]) => {
    const seen = unavailableAt(method, path);
    const error = await Promise.resolve(call()).catch((e: unknown) => e);
    expect(seen.attempts).toBe(1);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({
      mayHaveBeenApplied: true,
      message: expect.stringContaining(`${method} ${path} may or may not have been applied`),
    });
  });

  test.for([
    [
      "a limit create with its own limit_id (idempotent on it, seed 000)",
      "POST",
      "/api/v1/limits",
      () => payi.limits.create({ limit_id: "l1", limit_name: "n", max: 1 }),
    ],
    ["a limit update (PUT)", "PUT", "/api/v1/limits/l1", () => payi.limits.update("l1", { max: 2 })],
    ["a delete", "DELETE", "/api/v1/limits/l1", () => payi.limits.delete("l1")],
    [
      "setting a limit config (it overwrites, seed 002)",
      "POST",
      "/api/v1/use_cases/definitions/tutor/limit_config",
      () => payi.useCases.definitions.limitConfig.create("tutor", { max: 1 }),
    ],
  ] as const)("%s is retried on 503", async ([, method, path, call]) => {
    const seen = unavailableAt(method, path);
    await expect(Promise.resolve(call())).rejects.toMatchObject({ status: 503, mayHaveBeenApplied: false });
    expect(seen.attempts).toBe(3);
  });

  test("a connection refused (never connected) is retried: nothing reached the server", async () => {
    const pool = agent.get(ORIGIN);
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED", syscall: "connect" });
    pool.intercept({ path: "/api/v1/use_cases/instances/tutor", method: "POST" }).replyWithError(refused);
    pool
      .intercept({ path: "/api/v1/use_cases/instances/tutor", method: "POST" })
      .reply(201, { use_case_id: "u1", use_case_name: "tutor", limit_id: null });
    expect(await payi.useCases.create("tutor")).toMatchObject({ use_case_id: "u1" });
  });

  test("a real refused connection fails saying nothing was applied", async () => {
    const offline = new Payi({ apiKey: "k", baseURL: "http://127.0.0.1:9", maxRetries: 0 });
    const error = await offline.ingest.units(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ mayHaveBeenApplied: false });
    await offline.close();
  });
});

describe("once the server has echoed a key", () => {
  test("a server echoing the key on a 503 has shown it honours keys: that ingest is retried with the same key", async () => {
    const keys: string[] = [];
    agent
      .get(ORIGIN)
      .intercept({ path: "/api/v1/ingest", method: "POST" })
      .reply((req) => {
        const key = new Headers(req.headers).get("idempotency-key") ?? "";
        keys.push(key);
        const headers = { "retry-after-ms": "1", "idempotency-key": key };
        return { statusCode: 503, data: JSON.stringify(unavailable), responseOptions: { headers } };
      })
      .times(3);
    await expect(payi.ingest.units(event)).rejects.toMatchObject({ status: 503, mayHaveBeenApplied: false });
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });

  test("the proof lasts for the client: a later instance create is retried; a new client starts unproven", async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: "/api/v1/limits", method: "POST" }).reply((req) => {
      const key = new Headers(req.headers).get("idempotency-key") ?? "";
      return {
        statusCode: 201,
        data: JSON.stringify({ limit: limitBody, request_id: "r" }),
        responseOptions: { headers: { "idempotency-key": key } },
      };
    });
    await payi.limits.create({ limit_name: "n", max: 1 });
    const seen = unavailableAt("POST", "/api/v1/use_cases/instances/tutor");
    await expect(payi.useCases.create("tutor")).rejects.toMatchObject({ status: 503, mayHaveBeenApplied: false });
    expect(seen.attempts).toBe(3);

    const fresh = new Payi({ apiKey: "k", baseURL: ORIGIN, dispatcher: agent, maxRetries: 2 });
    await expect(fresh.useCases.create("tutor")).rejects.toMatchObject({ status: 503, mayHaveBeenApplied: true });
    expect(seen.attempts).toBe(4);
  });

  test("an echo of another key proves nothing", async () => {
    const seen = { attempts: 0 };
    agent
      .get(ORIGIN)
      .intercept({ path: "/api/v1/ingest", method: "POST" })
      .reply(() => {
        seen.attempts++;
        const headers = { "retry-after-ms": "1", "idempotency-key": "someone-else" };
        return { statusCode: 503, data: JSON.stringify(unavailable), responseOptions: { headers } };
      })
      .persist();
    await expect(payi.ingest.units(event)).rejects.toMatchObject({ mayHaveBeenApplied: true });
    expect(seen.attempts).toBe(1);
  });
});
