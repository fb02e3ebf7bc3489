import { connect } from "node:net";
import { MockAgent, request } from "undici";
import { describe, expect } from "vitest";
import { z } from "zod";
import { DIMENSIONS_MAX } from "../../rules/limitry/validation.js";
import { Limitry, NotFoundError } from "../../sdk/limitry/index.js";
import { test, type LimitryFixture } from "../support/limitry-service.js";
import { TEST_API_KEY } from "../support/service.js";

// Issue 24's wrong answers and breaking inputs, each through the SDK or over HTTP against the real service.

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), status: z.number() }) });

/** Raw HTTP, for inputs the SDK's types would not let through: status and Limitry's error body (or the JSON). */
async function raw(
  { url }: LimitryFixture,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TEST_API_KEY}` },
) {
  const res = await request(url + path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const json: unknown = await res.body.json();
  const error = ErrorBody.safeParse(json);
  return { status: res.statusCode, error: error.success ? error.data.error : undefined, json };
}

async function tokensMeter(
  { client }: LimitryFixture,
  eventFilter: { eventType?: string; dimensions?: Record<string, string> } = {},
) {
  return client.meters.create({ name: "Tokens", aggregation: "sum", field: "values.tokens", eventFilter });
}

describe("check counts what meters.query and alerts count", () => {
  test("a limit's dimensionFilters narrow its meter's eventFilter.dimensions; they never replace them", async ({ limitry }) => {
    const { client } = limitry;
    const meter = await tokensMeter(limitry, { dimensions: { model: "gpt-4" } });
    const clash = await client.limits.create({
      name: "gpt-3 under a gpt-4 meter",
      meterId: meter.id,
      limitValue: 100,
      period: "day",
      customerId: "c1",
      dimensionFilters: { model: "gpt-3" },
      alertThresholds: [50],
    });
    const narrowed = await client.limits.create({
      name: "gpt-4 in eu",
      meterId: meter.id,
      limitValue: 100,
      period: "day",
      customerId: "c1",
      dimensionFilters: { region: "eu" },
    });
    await client.events.record({ customerId: "c1", eventType: "x", values: { tokens: 80 }, dimensions: { model: "gpt-3" } });
    await client.events.record({ customerId: "c1", eventType: "x", values: { tokens: 30 }, dimensions: { model: "gpt-4" } });
    await client.events.record({
      customerId: "c1",
      eventType: "x",
      values: { tokens: 5 },
      dimensions: { model: "gpt-4", region: "eu" },
    });
    const used = Object.fromEntries((await client.limits.check({ customerId: "c1" })).limits.map((l) => [l.id, l.used]));
    expect(used).toEqual({ [clash.id]: 0, [narrowed.id]: 5 });
    expect((await client.meters.query(meter.id, { dimensions: { model: "gpt-3" } })).value).toBe(0);
    expect((await client.alerts.list({ limitId: clash.id })).data).toEqual([]);
  });

  test("project-wide limits are defaults; a customer's own limit on the same meter and period replaces it", async ({
    limitry,
  }) => {
    const { client } = limitry;
    const meter = await tokensMeter(limitry);
    const fallback = await client.limits.create({
      name: "Default",
      meterId: meter.id,
      limitValue: 500,
      period: "day",
      alertThresholds: [100],
    });
    const upgrade = await client.limits.create({
      name: "Pro",
      meterId: meter.id,
      limitValue: 1000,
      period: "day",
      customerId: "pro",
    });
    const monthly = await client.limits.create({
      name: "Monthly default",
      meterId: meter.id,
      limitValue: 10_000,
      period: "month",
    });
    await client.events.record({ customerId: "pro", eventType: "x", values: { tokens: 600 } });
    await client.events.record({ customerId: "free", eventType: "x", values: { tokens: 600 } });

    const pro = await client.limits.check({ customerId: "pro" });
    expect(pro.allowed).toBe(true);
    // The upgrade replaces the daily default only; the monthly default (another period) still applies.
    expect(pro.limits.map((l) => [l.id, l.used])).toEqual([
      [upgrade.id, 600],
      [monthly.id, 600],
    ]);
    const free = await client.limits.check({ customerId: "free" });
    expect(free).toMatchObject({ allowed: false, reason: "limit_exceeded" });
    expect(free.limits.map((l) => l.id)).toEqual([fallback.id, monthly.id]);
    // The default's alert fired for the customer it applies to, not for the upgraded one.
    expect((await client.alerts.list({ limitId: fallback.id })).data.map((a) => a.data.customerId)).toEqual(["free"]);
  });

  test("an allowed check has no reason; a denied one says limit_exceeded", async ({ limitry }) => {
    const { client } = limitry;
    const meter = await tokensMeter(limitry);
    await client.limits.create({ name: "Daily", meterId: meter.id, limitValue: 10, period: "day", customerId: "c1" });
    expect(await client.limits.check({ customerId: "c1" })).not.toHaveProperty("reason");
    await client.events.record({ customerId: "c1", eventType: "x", values: { tokens: 10 } });
    expect(await client.limits.check({ customerId: "c1" })).toMatchObject({ allowed: false, reason: "limit_exceeded" });
  });
});

describe("inputs that miscounted are refused", () => {
  test("a negative value is a 400 and cannot reopen an exceeded limit", async ({ limitry }) => {
    const { client } = limitry;
    const meter = await tokensMeter(limitry);
    await client.limits.create({ name: "Daily", meterId: meter.id, limitValue: 100, period: "day", customerId: "c1" });
    await client.events.record({ customerId: "c1", eventType: "x", values: { tokens: 100 } });
    await expect(
      client.events.record({ customerId: "c1", eventType: "x", values: { tokens: -1_000_000 } }),
    ).rejects.toMatchObject({
      status: 400,
      code: "invalid_field_value",
      message: expect.stringContaining("values.tokens must be a number from 0 to 1000000000000000 (got -1000000)"),
    });
    expect((await client.limits.check({ customerId: "c1" })).allowed).toBe(false);
  });

  test("an unknown body key is a 400 naming it (snake_case named with its camelCase), and nothing is created", async ({
    limitry,
  }) => {
    const res = await raw(limitry, "POST", "/v1/meters", {
      name: "Tokens",
      aggregation: "sum",
      field: "values.tokens",
      event_filter: { eventType: "llm.completion" },
    });
    expect(res).toMatchObject({
      status: 400,
      error: { code: "invalid_request", message: "event_filter: unknown field (Limitry's fields are camelCase: eventFilter)" },
    });
    expect((await limitry.client.meters.list()).data).toEqual([]);
    const nested = await raw(limitry, "POST", "/v1/meters", {
      name: "T",
      aggregation: "count",
      field: "*",
      eventFilter: { event_type: "x" },
    });
    expect(nested.error?.message).toBe("eventFilter.event_type: unknown field (Limitry's fields are camelCase: eventType)");
    expect((await raw(limitry, "POST", "/v1/limits/check", { customer_id: "c1" })).status).toBe(400);
    expect((await raw(limitry, "POST", "/v1/events/record", { customerId: "c", eventType: "e", value: 1 })).error?.message).toBe(
      "value: unknown field",
    );
  });

  test("a missing period is missing_required_field; a wrong one invalid_field_value", async ({ limitry }) => {
    const meter = await tokensMeter(limitry);
    const missing = await raw(limitry, "POST", "/v1/limits", { name: "n", meterId: meter.id, limitValue: 1 });
    expect(missing).toMatchObject({ status: 400, error: { code: "missing_required_field", message: "period: is required" } });
    const wrong = await raw(limitry, "POST", "/v1/limits", { name: "n", meterId: meter.id, limitValue: 1, period: "minute" });
    expect(wrong.error?.code).toBe("invalid_field_value");
  });

  test("a customer created by its first event gets the billing cycle POST /customers gives: from now", async ({ limitry }) => {
    const { client } = limitry;
    await client.events.record({ customerId: "by-event", eventType: "x" });
    const posted = await client.customers.create({ externalId: "by-post" });
    const byEvent = await client.customers.retrieve("by-event");
    expect(byEvent.billingCycleStart).toBe("2026-03-10T12:00:00.000Z");
    expect(byEvent.billingCycleStart).toBe(posted.billingCycleStart);
    // So both get the same month window.
    const meter = await tokensMeter(limitry);
    await client.limits.create({ name: "M", meterId: meter.id, limitValue: 1, period: "month" });
    const reset = async (customerId: string) => (await client.limits.check({ customerId })).limits[0]?.reset;
    expect(await reset("by-event")).toBe(Date.UTC(2026, 3, 10) / 1000);
    expect(await reset("by-post")).toBe(await reset("by-event"));
  });
});

describe("inputs that broke the service answer 400", () => {
  test("a value of 1e308 is refused; sums of the largest values stay numbers; alerts stay listable", async ({ limitry }) => {
    const { client } = limitry;
    const meter = await tokensMeter(limitry);
    const limit = await client.limits.create({
      name: "Daily",
      meterId: meter.id,
      limitValue: 1e15,
      period: "day",
      customerId: "c1",
      alertThresholds: [50, 100],
    });
    const huge = await raw(limitry, "POST", "/v1/events/record", { customerId: "c1", eventType: "x", values: { tokens: 1e308 } });
    expect(huge.status).toBe(400);
    expect(
      (await raw(limitry, "POST", "/v1/limits", { name: "n", meterId: meter.id, limitValue: 1e16, period: "day" })).status,
    ).toBe(400);
    await client.events.batch({
      events: Array.from({ length: 5 }, () => ({ customerId: "c1", eventType: "x", values: { tokens: 1e15 } })),
    });
    expect((await client.meters.query(meter.id)).value).toBe(5e15);
    expect((await client.limits.check({ customerId: "c1" })).limits[0]).toMatchObject({
      id: limit.id,
      used: 5e15,
      exceeded: true,
    });
    expect((await client.alerts.list()).data.map((a) => a.data.threshold)).toEqual([50, 100]);
  });

  test(`more than ${DIMENSIONS_MAX} filters or dimensions is a 400 naming the count; checks keep answering`, async ({
    limitry,
  }) => {
    const meter = await tokensMeter(limitry);
    const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, "v"]));
    const limit = await raw(limitry, "POST", "/v1/limits", {
      name: "n",
      meterId: meter.id,
      limitValue: 1,
      period: "day",
      dimensionFilters: many,
    });
    expect(limit).toMatchObject({
      status: 400,
      error: { code: "invalid_field_value", message: `dimensionFilters must have at most ${DIMENSIONS_MAX} keys (got 1000)` },
    });
    expect((await raw(limitry, "POST", "/v1/limits/check", { customerId: "c1", dimensions: many })).status).toBe(400);
    expect((await raw(limitry, "POST", `/v1/meters/${meter.id}/query`, { dimensions: many })).status).toBe(400);
    expect((await raw(limitry, "POST", "/v1/events/record", { customerId: "c", eventType: "e", dimensions: many })).status).toBe(
      400,
    );
    expect((await limitry.client.limits.check({ customerId: "c1" })).allowed).toBe(true);
  });

  test("dimension keys outside letters, digits and _ are a 400 in query and check", async ({ limitry }) => {
    const meter = await tokensMeter(limitry);
    for (const key of ["[0]", "", "a.b", 'x"y']) {
      const query = await raw(limitry, "POST", `/v1/meters/${meter.id}/query`, { dimensions: { [key]: "v" } });
      expect(query).toMatchObject({ status: 400, error: { code: "invalid_field_value" } });
      expect(query.error?.message).toContain("dimensions keys must be letters, digits or _, up to 64");
      expect((await raw(limitry, "POST", "/v1/limits/check", { dimensions: { [key]: "v" } })).status).toBe(400);
    }
  });
});

describe("malformed requests on /v1 answer in Limitry's envelope, after the 401 check", () => {
  const auth = { authorization: `Bearer ${TEST_API_KEY}` };
  for (const [name, path] of [
    ["bad percent-encoding", "/v1/limits/%E0%A4%A"],
    ["an over-long id", `/v1/limits/${"a".repeat(3000)}`],
  ] as const) {
    test(name, async ({ limitry }) => {
      expect(await raw(limitry, "GET", path, undefined, {})).toMatchObject({ status: 401, error: { code: "missing_api_key" } });
      expect(await raw(limitry, "GET", path, undefined, { authorization: "Bearer nope" })).toMatchObject({
        status: 401,
        error: { code: "invalid_api_key" },
      });
      expect(await raw(limitry, "GET", path, undefined, auth)).toMatchObject({ status: 400, error: { code: "invalid_request" } });
    });
  }

  test("an oversized body: 401 without a key, 413 with one", async ({ limitry }) => {
    const big = JSON.stringify({ customerId: "c", eventType: "e", properties: { blob: "x".repeat(2_000_000) } });
    expect(await raw(limitry, "POST", "/v1/events/record", big, {})).toMatchObject({
      status: 401,
      error: { code: "missing_api_key" },
    });
    expect(await raw(limitry, "POST", "/v1/events/record", big, auth)).toMatchObject({
      status: 413,
      error: { code: "invalid_request" },
    });
  });

  test("headers too large and malformed HTTP, refused before any header is read", async ({ limitry }) => {
    const big = await raw(limitry, "GET", "/v1/limits", undefined, { ...auth, "x-big": "a".repeat(20_000) });
    expect(big).toMatchObject({ status: 431, error: { code: "invalid_request" } });
    const { port } = new URL(limitry.url);
    const answer = await new Promise<string>((resolve) => {
      let out = "";
      const socket = connect(Number(port), "127.0.0.1", () =>
        socket.write("GET /v1/limits HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"),
      );
      socket.on("data", (chunk) => {
        out += chunk;
      });
      socket.on("close", () => resolve(out));
    });
    const body = answer.slice(answer.indexOf("\r\n\r\n") + 4);
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    expect(ErrorBody.parse(JSON.parse(body)).error.code).toBe("invalid_request");
  });
});

describe("the SDK", () => {
  test("pages expose data, hasMore and nextCursor as seed 003 reads them, and still iterate", async ({ limitry }) => {
    const { client } = limitry;
    const meter = await tokensMeter(limitry);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await client.limits.create({ name: `L${i}`, meterId: meter.id, limitValue: 1, period: "day" })).id);
    }
    const first = await client.limits.list({ limit: 2 });
    expect(first.data.map((l) => l.id)).toEqual(ids.slice(0, 2));
    expect(first.hasMore).toBe(true);
    expect(first.nextCursor).toEqual(expect.any(String));
    const next = await client.limits.list({ limit: 2, cursor: first.nextCursor ?? "" });
    expect(next.data.map((l) => l.id)).toEqual(ids.slice(2, 4));
    const last = await next.getNextPage();
    expect([last.data.map((l) => l.id), last.hasMore, last.nextCursor]).toEqual([ids.slice(4), false, null]);
    const all: string[] = [];
    for await (const limit of client.limits.list({ limit: 2 })) all.push(limit.id);
    expect(all).toEqual(ids);
  });

  test("a delete whose first answer was lost and whose retry finds nothing reports success", async () => {
    // A server that applied the delete, answered 503 (or lost the answer), then says the limit is gone.
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get("http://limitry.test");
    const gone = { error: { code: "limit_not_found", message: "Limit 'lmt_1' was not found", status: 404 } };
    pool
      .intercept({ path: "/v1/limits/lmt_1", method: "DELETE" })
      .reply(503, { error: { code: "internal_error" } }, { headers: { "retry-after-ms": "1" } });
    pool.intercept({ path: "/v1/limits/lmt_1", method: "DELETE" }).reply(404, gone);
    pool.intercept({ path: "/v1/limits/lmt_2", method: "DELETE" }).reply(404, gone);
    const client = new Limitry({ apiKey: "k", baseURL: "http://limitry.test/v1", dispatcher: agent, maxRetries: 2 });
    expect(await client.limits.delete("lmt_1")).toEqual({ success: true });
    // A first attempt answered 404 is what it says: there was nothing to delete.
    await expect(client.limits.delete("lmt_2")).rejects.toBeInstanceOf(NotFoundError);
    await agent.close();
  });
});
