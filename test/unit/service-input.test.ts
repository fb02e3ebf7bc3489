import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { request } from "undici";
import { describe, expect } from "vitest";
import { AuthenticationError, Limitry, Payi } from "../../sdk/index.js";
import { CENSORED } from "../../server/log.js";
import { serve } from "../../server/serve.js";
import { TEST_API_KEY, test } from "../support/service.js";

/** Raw HTTP against the started service, for inputs the SDK's types would not let through. */
async function raw(
  url: string,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: string,
  headers: Record<string, string> = {},
) {
  const res = await request(url + path, {
    method,
    headers: { "xproxy-api-key": TEST_API_KEY, "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> };
}

describe("bad input gets Pay-i's envelope with a 4xx naming the field and the rule", () => {
  test.for([
    ["malformed JSON", "/api/v1/limits", "{not json", 400, "invalid_json", "Request body is not valid JSON"],
    [
      "a wrong type",
      "/api/v1/limits",
      '{"limit_name":"a","max":"10"}',
      400,
      "create_limit_validation_failed",
      "max: expected number, received string",
    ],
    [
      "a null required field",
      "/api/v1/limits",
      '{"limit_name":null,"max":10}',
      400,
      "create_limit_validation_failed",
      "limit_name: expected string, received null",
    ],
    [
      "a threshold out of range",
      "/api/v1/limits",
      '{"limit_name":"a","max":10,"threshold":0.5}',
      400,
      "create_limit_validation_failed",
      "threshold must be between 0.75 and 0.99 (got 0.5)",
    ],
    [
      "a max of zero",
      "/api/v1/limits",
      '{"limit_name":"a","max":0}',
      400,
      "create_limit_validation_failed",
      "max must be greater than 0 (got 0)",
    ],
    [
      "a max beyond what money columns hold",
      "/api/v1/limits",
      '{"limit_name":"a","max":1e9}',
      400,
      "create_limit_validation_failed",
      "max must be at most 100000000 (got 1000000000)",
    ],
    [
      "an event costing more than any limit",
      "/api/v1/ingest",
      '{"category":"system.anthropic","resource":"claude-3-opus-20240229","units":{"text":{"output":9007199254740991}}}',
      400,
      "invalid_units",
      "more than the $100000000 one event may add",
    ],
    [
      "an unknown limit type",
      "/api/v1/limits",
      '{"limit_name":"a","max":1,"limit_type":"deny"}',
      400,
      "create_limit_validation_failed",
      "limit_type",
    ],
    [
      "an invalid use case name",
      "/api/v1/use_cases/definitions",
      '{"name":"has space","description":"d"}',
      400,
      "invalid_use_case_name",
      "use case name must be 1-64 characters",
    ],
    [
      "an event from the future",
      "/api/v1/ingest",
      '{"category":"system.openai","resource":"gpt-4o","units":{"text":{"input":1}},"event_timestamp":"2999-01-01T00:00:00Z"}',
      400,
      "invalid_ingest_event_timestamp",
      "event_timestamp may not be more than 5 minutes in the future",
    ],
    [
      "an unknown resource",
      "/api/v1/ingest",
      '{"category":"system.openai","resource":"gpt-99","units":{"text":{"input":1}}}',
      404,
      "category_resource_not_found",
      "gpt-99",
    ],
  ] as const)("%s", async ([, path, body, status, code, message], { service }) => {
    const res = await raw(service.url, "POST", path, body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status, xproxy_error: { code } });
    expect((res.body["xproxy_error"] as { message: string }).message).toContain(message);
  });

  test("an oversized body is refused with 413", async ({ service }) => {
    const res = await raw(service.url, "POST", "/api/v1/limits", JSON.stringify({ limit_name: "x".repeat(1024 * 1024), max: 1 }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ xproxy_error: { code: "request_too_large" } });
  });

  test("an unknown route is a 404 in the envelope", async ({ service }) => {
    const res = await raw(service.url, "GET", "/api/v1/nope");
    expect(res).toMatchObject({
      status: 404,
      body: { statusCode: 404, xproxy_error: { code: "route_not_found", message: "No route for GET /api/v1/nope" } },
    });
  });

  test("an empty JSON body on a bodiless POST is accepted", async ({ service }) => {
    await service.client.limits.create({ limit_name: "r", limit_id: "r", max: 1 });
    const res = await raw(service.url, "POST", "/api/v1/limits/r/reset", "");
    expect(res.status).toBe(200);
  });

  test("an invalid cursor names the parameter", async ({ service }) => {
    const res = await raw(service.url, "GET", "/api/v1/limits?cursor=garbage");
    expect(res).toMatchObject({ status: 400, body: { xproxy_error: { code: "invalid_cursor" } } });
  });
});

describe("auth", () => {
  test("a wrong key is a 401 AuthenticationError with code invalid_api_key; the header name is case-insensitive", async ({
    service,
  }) => {
    const bad = new Payi({ apiKey: "wrong", baseURL: service.url, maxRetries: 0 });
    const error = await bad.limits.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key", requestId: expect.stringMatching(/^req_/) });
    await bad.close();
    const res = await request(`${service.url}/api/v1/limits`, { headers: { "XPROXY-API-KEY": TEST_API_KEY } });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
  });

  test("/healthz needs no key, and logs carry method, path, status and time but never the key", async ({ service }) => {
    const res = await request(`${service.url}/healthz`);
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    await service.client.limits.list();
    expect(service.logs.at(-1)).toMatch(/^GET \/api\/v1\/limits 200 \d+\.\dms$/);
    expect(service.logs.join("\n")).not.toContain(TEST_API_KEY);
  });

  test("the JSON log (Fastify's own) records each request's headers with every API key censored, valid or not, Pay-i's and Limitry's", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-log-"));
    const records: string[] = [];
    const running = await serve({
      host: "127.0.0.1",
      port: 0,
      dataDir,
      apiKeys: [TEST_API_KEY],
      log: (line) => records.push(line),
      logFormat: "json",
    });
    try {
      const wrongKey = "wrong-key-typed-by-mistake";
      const payi = new Payi({ apiKey: TEST_API_KEY, baseURL: running.url, maxRetries: 0 });
      await payi.limits.list();
      await payi.close();
      await (await request(`${running.url}/api/v1/limits`, { headers: { "xproxy-api-key": wrongKey } })).body.dump();
      const limitry = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${running.url}/v1`, maxRetries: 0 });
      await limitry.meters.list();
      await limitry.close();
      await (await request(`${running.url}/v1/meters`, { headers: { authorization: `Bearer ${wrongKey}` } })).body.dump();

      const text = records.join("\n");
      expect(text).not.toContain(TEST_API_KEY);
      expect(text).not.toContain(wrongKey);
      const requests = records.map((r) => JSON.parse(r)).filter((r) => r.msg === "request completed");
      expect(requests.map((r) => [r.req.method, r.req.url, r.res.statusCode])).toEqual([
        ["GET", "/api/v1/limits", 200],
        ["GET", "/api/v1/limits", 401],
        ["GET", "/v1/meters", 200],
        ["GET", "/v1/meters", 401],
      ]);
      for (const r of requests) expect(r.responseTime).toBeTypeOf("number");
      expect(requests.slice(0, 2).map((r) => r.req.headers["xproxy-api-key"])).toEqual([CENSORED, CENSORED]);
      expect(requests.slice(2).map((r) => r.req.headers.authorization)).toEqual([CENSORED, CENSORED]);
      // The rest of the headers are there: the censoring is what keeps the keys out.
      expect(requests[0].req.headers["user-agent"]).toBeTypeOf("string");
    } finally {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("use cases (seed 002)", () => {
  test("each instance of a definition with a limit config gets its own limit; states follow both seed runs", async ({
    service,
  }) => {
    const { client } = service;
    await client.useCases.definitions.create({ name: "teach_me", description: "Example use case" });
    // Idempotent when identical, as running the seed twice needs.
    await client.useCases.definitions.create({ name: "teach_me", description: "Example use case" });
    const def = await client.useCases.definitions.limitConfig.create("teach_me", {
      limit_type: "allow",
      max: 0.05,
      threshold: 0.8,
    });
    expect(def.limit_config).toEqual({ max: 0.05, limit_type: "allow", threshold: 0.8, properties: null });

    const run = async (tokens: number) => {
      const instance = await client.useCases.create("teach_me");
      const limitId = instance.limit_id ?? "";
      const states: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await client.ingest.units({
          category: "system.openai",
          resource: "gpt-4o",
          units: { text: { input: tokens, output: tokens } },
          use_case_name: "teach_me",
          use_case_id: instance.use_case_id,
        });
        states.push(res.xproxy_result.limits?.[limitId]?.state ?? "missing");
      }
      return { limitId, states };
    };
    // Run #1: $0.0125 per request; 3 requests stay under $0.04, the 4th passes $0.05.
    const first = await run(1000);
    expect(first.states).toEqual(["ok", "ok", "ok", "overrun"]);
    // Run #2: $0.01625 per request; the 3rd lands between $0.04 and $0.05.
    const second = await run(1300);
    expect(second.states).toEqual(["ok", "ok", "exceeded", "overrun"]);
    expect(second.limitId).not.toBe(first.limitId);
    expect((await client.limits.retrieve(first.limitId)).limit.totals.cost.total.base).toBe(0.05);

    expect((await client.limits.retrieve(second.limitId)).limit).toMatchObject({ max: 0.05, threshold: 0.8 });

    await client.useCases.definitions.limitConfig.delete("teach_me");
    // Deleting when none is set still succeeds.
    expect((await client.useCases.definitions.limitConfig.delete("teach_me")).limit_config).toBeNull();
    expect((await client.useCases.create("teach_me")).limit_id).toBeNull();
  });

  test("unknown definitions and instances are 404s", async ({ service }) => {
    const { client } = service;
    await expect(client.useCases.definitions.retrieve("missing")).rejects.toMatchObject({
      status: 404,
      code: "use_case_not_found",
    });
    await client.useCases.definitions.create({ name: "x", description: "d" });
    await expect(client.useCases.retrieve("x", "nope")).rejects.toMatchObject({
      status: 404,
      code: "use_case_instance_not_found",
    });
  });
});

describe("categories", () => {
  test("custom resources price ingest; a new version replaces the old price", async ({ service }) => {
    const { client } = service;
    await client.categories.resources.create("acme", "model-a", { units: { text: { input_price: 0.001, output_price: 0.002 } } });
    const res = await client.ingest.units({
      category: "acme",
      resource: "model-a",
      units: { text: { input: 3, output: 2 }, image: { input: 1 } },
    });
    expect(res.xproxy_result.cost?.total?.base).toBe(0.007);
    expect(res.xproxy_result.unknown_units).toEqual({ image: { input: 1 } });
    await client.categories.resources.create("acme", "model-a", { units: { text: { input_price: 0.01, output_price: 0.02 } } });
    const after = await client.ingest.units({ category: "acme", resource: "model-a", units: { text: { input: 1, output: 1 } } });
    expect(after.xproxy_result.cost?.total?.base).toBe(0.03);
    const versions = [];
    for await (const v of client.categories.resources.list("acme", "model-a")) versions.push(v.units["text"]?.input_price);
    expect(versions).toEqual([0.001, 0.01]);
  });

  test("lists the system categories with the models the seeds use", async ({ service }) => {
    const { client } = service;
    const categories = [];
    for await (const c of client.categories.list()) categories.push(c.category);
    expect(categories).toEqual(expect.arrayContaining(["system.openai", "system.anthropic", "system.google.vertex"]));
    const openai = [];
    for await (const r of client.categories.listResources("system.openai")) openai.push(r.resource);
    expect(openai).toEqual(expect.arrayContaining(["gpt-4o-2024-05-13", "gpt-4o", "gpt-4-0125-preview"]));
  });
});

describe("bulk ingest and legacy limit tags", () => {
  test("bulk ingest charges every good event and reports the bad ones by index", async ({ service }) => {
    const { client } = service;
    await client.limits.create({ limit_name: "bulk", limit_id: "bulk", max: 10 });
    const res = await client.ingest.bulk([
      { category: "system.openai", resource: "gpt-4o", units: { text: { input: 1000, output: 0 } }, limit_ids: ["bulk"] },
      { category: "system.openai", resource: "no-such-model", units: { text: { input: 1 } } },
      { category: "system.openai", resource: "gpt-4o", units: { text: { input: 0, output: 1000 } }, limit_ids: ["bulk"] },
    ]);
    expect(res).toMatchObject({ ingest_count: 2, error_count: 1, total_count: 3 });
    expect(res.errors).toEqual([
      {
        item_index: 1,
        xproxy_result: expect.objectContaining({
          xproxy_error: expect.objectContaining({ code: "category_resource_not_found" }),
        }),
      },
    ]);
    expect((await client.limits.retrieve("bulk")).limit.totals.cost.total.base).toBe(0.0125);
  });

  test("the tags routes of older clients add, replace, remove and list tags", async ({ service }) => {
    await service.client.limits.create({ limit_name: "tagged", limit_id: "tagged", max: 5, limit_tags: ["daily"] });
    const call = async (method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH", suffix: string, body?: unknown) => {
      const res = await request(`${service.url}/api/v1/limits/tagged/tags${suffix}`, {
        method,
        headers: { "xproxy-api-key": TEST_API_KEY, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return ((await res.body.json()) as Array<{ tag_name: string }>).map((t) => t.tag_name);
    };
    expect(await call("GET", "")).toEqual(["daily"]);
    expect(await call("POST", "", { limit_tags: ["safety", "daily"] })).toEqual(["daily", "safety"]);
    expect(await call("PATCH", "/remove", { limit_tags: ["daily"] })).toEqual(["safety"]);
    expect(await call("PUT", "", { limit_tags: ["monthly"] })).toEqual(["monthly"]);
    expect(await call("DELETE", "")).toEqual([]);
  });
});
