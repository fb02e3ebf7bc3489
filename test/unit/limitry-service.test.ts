import { request } from "undici";
import { describe, expect } from "vitest";
import {
  AuthenticationError,
  ConflictError,
  Limitry,
  NotFoundError,
  type EventRecordParams,
  type Limit,
} from "../../sdk/limitry/index.js";
import { test, type LimitryFixture } from "../support/limitry-service.js";
import { TEST_API_KEY } from "../support/service.js";

/** Raw HTTP, for inputs the SDK's types would not let through. */
async function raw(url: string, method: "GET" | "POST", path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await request(url + path, {
    method,
    headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.statusCode, body: await res.body.json() };
}

/** Seed 003's meter and its daily per-customer limit. */
async function seedMeterAndLimit({ client }: LimitryFixture, extra: Partial<Parameters<Limitry["limits"]["create"]>[0]> = {}) {
  const meter = await client.meters.create({
    name: "Total Tokens",
    aggregation: "sum",
    field: "values.tokens",
    eventFilter: { eventType: "llm.completion" },
  });
  const limit = await client.limits.create({
    name: "Daily token limit",
    meterId: meter.id,
    limitValue: 100_000,
    period: "day",
    customerId: "cust_123",
    ...extra,
  });
  return { meter, limit };
}

describe("meters and limits (seed 003)", () => {
  test("creates a meter and a limit with Limitry's shapes and ids", async ({ limitry }) => {
    const { meter, limit } = await seedMeterAndLimit(limitry);
    expect(meter).toMatchObject({
      id: expect.stringMatching(/^mtr_/),
      name: "Total Tokens",
      aggregation: "sum",
      field: "values.tokens",
      eventFilter: { eventType: "llm.completion" },
      description: null,
      createdAt: "2026-03-10T12:00:00.000Z",
    });
    expect(limit).toEqual({
      id: expect.stringMatching(/^lmt_/),
      projectId: null,
      name: "Daily token limit",
      meterId: meter.id,
      limitValue: 100_000,
      period: "day",
      customerId: "cust_123",
      dimensionFilters: {},
      alertThresholds: null,
      createdAt: "2026-03-10T12:00:00.000Z",
      updatedAt: "2026-03-10T12:00:00.000Z",
    });
    expect(await limitry.client.limits.retrieve(limit.id)).toEqual(limit);
  });

  test("check counts the customer's matching events in today's window and counts nothing itself", async ({ limitry }) => {
    const { client } = limitry;
    const { limit } = await seedMeterAndLimit(limitry);
    await client.events.record({ customerId: "cust_123", eventType: "llm.completion", values: { tokens: 40_000 } });
    await client.events.record({ customerId: "cust_123", eventType: "llm.embedding", values: { tokens: 5_000 } });
    await client.events.record({ customerId: "cust_456", eventType: "llm.completion", values: { tokens: 9_999 } });
    const expected = {
      allowed: true,
      limits: [
        {
          id: limit.id,
          name: "Daily token limit",
          meterId: limit.meterId,
          period: "day",
          limit: 100_000,
          used: 40_000,
          remaining: 60_000,
          exceeded: false,
          reset: Date.UTC(2026, 2, 11) / 1000,
        },
      ],
    };
    expect(await client.limits.check({ customerId: "cust_123" })).toEqual(expected);
    expect(await client.limits.check({ customerId: "cust_123" })).toEqual(expected);
  });

  test("a customer goes from allowed to not allowed when usage reaches the limit exactly", async ({ limitry }) => {
    const { client } = limitry;
    await seedMeterAndLimit(limitry);
    await client.events.record({ customerId: "cust_123", eventType: "llm.completion", values: { tokens: 99_999 } });
    expect((await client.limits.check({ customerId: "cust_123" })).allowed).toBe(true);
    await client.events.record({ customerId: "cust_123", eventType: "llm.completion", values: { tokens: 1 } });
    const over = await client.limits.check({ customerId: "cust_123" });
    expect(over.allowed).toBe(false);
    expect(over.limits[0]).toMatchObject({ used: 100_000, remaining: 0, exceeded: true });
    await client.events.record({ customerId: "cust_123", eventType: "llm.completion", values: { tokens: 500 } });
    expect((await client.limits.check({ customerId: "cust_123" })).limits[0]).toMatchObject({ used: 100_500, remaining: 0 });
  });

  test("a GPT-4 dimension filter counts only GPT-4 events, and check with dimensions keeps only matching limits", async ({
    limitry,
  }) => {
    const { client } = limitry;
    const { meter, limit: daily } = await seedMeterAndLimit(limitry);
    const gpt4 = await client.limits.create({
      name: "GPT-4 daily limit",
      meterId: meter.id,
      limitValue: 50_000,
      period: "day",
      customerId: "cust_123",
      dimensionFilters: { model: "gpt-4" },
    });
    await client.events.batch({
      events: [
        { customerId: "cust_123", eventType: "llm.completion", values: { tokens: 30_000 }, dimensions: { model: "gpt-4" } },
        { customerId: "cust_123", eventType: "llm.completion", values: { tokens: 20_000 }, dimensions: { model: "gpt-3.5" } },
      ],
    });
    const all = await client.limits.check({ customerId: "cust_123" });
    expect(all.limits.map((l) => [l.name, l.used])).toEqual([
      ["Daily token limit", 50_000],
      ["GPT-4 daily limit", 30_000],
    ]);
    const gpt35 = await client.limits.check({ customerId: "cust_123", dimensions: { model: "gpt-3.5" } });
    expect(gpt35.limits.map((l) => l.id)).toEqual([daily.id]);
    const gpt4Only = await client.limits.check({ customerId: "cust_123", dimensions: { model: "gpt-4" } });
    expect(gpt4Only.limits.map((l) => l.id)).toEqual([daily.id, gpt4.id]);
  });

  test("a project-wide limit applies to each customer on its own; a check without customer counts everyone", async ({
    limitry,
  }) => {
    const { client } = limitry;
    const { meter } = await seedMeterAndLimit(limitry);
    const shared = await client.limits.create({ name: "Default", meterId: meter.id, limitValue: 1_000, period: "month" });
    expect(shared.customerId).toBeNull();
    await client.events.record({ customerId: "cust_a", eventType: "llm.completion", values: { tokens: 600 } });
    await client.events.record({ customerId: "cust_b", eventType: "llm.completion", values: { tokens: 700 } });
    // cust_a came to exist with its first event today (March 10th): its month runs to April 10th.
    expect((await client.limits.check({ customerId: "cust_a" })).limits).toEqual([
      expect.objectContaining({ id: shared.id, used: 600, remaining: 400, exceeded: false, reset: Date.UTC(2026, 3, 10) / 1000 }),
    ]);
    const project = await client.limits.check();
    expect(project).toEqual({
      allowed: false,
      reason: "limit_exceeded",
      limits: [expect.objectContaining({ id: shared.id, used: 1_300, exceeded: true })],
    });
  });

  test("windows follow the service clock: yesterday's events stop counting at midnight and backdated events count where they belong", async ({
    limitry,
  }) => {
    const { client, setNow } = limitry;
    await seedMeterAndLimit(limitry);
    await client.events.record({
      customerId: "cust_123",
      eventType: "llm.completion",
      values: { tokens: 70_000 },
      timestamp: "2026-03-10T23:59:59Z",
    });
    await client.events.record({
      customerId: "cust_123",
      eventType: "llm.completion",
      values: { tokens: 1 },
      timestamp: "2026-03-09T10:00:00Z",
    });
    expect((await client.limits.check({ customerId: "cust_123" })).limits[0]).toMatchObject({ used: 70_000 });
    setNow("2026-03-11T00:00:00Z");
    expect((await client.limits.check({ customerId: "cust_123" })).limits[0]).toMatchObject({
      used: 0,
      remaining: 100_000,
      reset: Date.UTC(2026, 2, 12) / 1000,
    });
  });

  test("the customer's timezone moves its day window", async ({ limitry }) => {
    const { client } = limitry;
    await client.customers.create({ externalId: "cust_123", timezone: "America/New_York" });
    await seedMeterAndLimit(limitry);
    // 2026-03-10T03:00Z is the evening of the 9th in New York: yesterday for the customer at 12:00Z.
    await client.events.record({
      customerId: "cust_123",
      eventType: "llm.completion",
      values: { tokens: 5 },
      timestamp: "2026-03-10T03:00:00Z",
    });
    await client.events.record({
      customerId: "cust_123",
      eventType: "llm.completion",
      values: { tokens: 7 },
      timestamp: "2026-03-10T05:00:00Z",
    });
    expect((await client.limits.check({ customerId: "cust_123" })).limits[0]).toMatchObject({
      used: 7,
      reset: Date.parse("2026-03-11T04:00:00Z") / 1000,
    });
  });

  test("all_time limits never reset: reset is null", async ({ limitry }) => {
    const { client } = limitry;
    await seedMeterAndLimit(limitry, { period: "all_time" });
    await client.events.record({
      customerId: "cust_123",
      eventType: "llm.completion",
      values: { tokens: 3 },
      timestamp: "2001-01-01T00:00:00Z",
    });
    expect((await client.limits.check({ customerId: "cust_123" })).limits[0]).toMatchObject({ used: 3, reset: null });
  });

  test("update changes only the given fields; delete removes the limit", async ({ limitry }) => {
    const { client, setNow } = limitry;
    const { limit } = await seedMeterAndLimit(limitry, { alertThresholds: [50, 80, 100] });
    setNow("2026-03-10T13:00:00Z");
    const updated = await client.limits.update(limit.id, {
      name: "Updated limit name",
      limitValue: 200_000,
      alertThresholds: [75, 90, 100],
    });
    expect(updated).toEqual({
      ...limit,
      name: "Updated limit name",
      limitValue: 200_000,
      alertThresholds: [75, 90, 100],
      updatedAt: "2026-03-10T13:00:00.000Z",
    });
    expect(await client.limits.delete(limit.id)).toEqual({ success: true });
    await expect(client.limits.retrieve(limit.id)).rejects.toMatchObject({
      constructor: NotFoundError,
      status: 404,
      code: "limit_not_found",
    });
  });

  test("list pages with a cursor, filters by customer, and iterates every page with for await", async ({ limitry }) => {
    const { client } = limitry;
    const { meter } = await seedMeterAndLimit(limitry);
    for (const n of [1, 2, 3])
      await client.limits.create({ name: `L${n}`, meterId: meter.id, limitValue: n, period: "hour", customerId: "cust_456" });
    const first = await raw(limitry.url, "GET", "/v1/limits?customerId=cust_456&limit=2");
    expect(first.body).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
    const names: string[] = [];
    for await (const l of client.limits.list({ customerId: "cust_456", limit: 2 })) names.push(l.name);
    expect(names).toEqual(["L1", "L2", "L3"]);
    const everything: Limit[] = [];
    for await (const l of client.limits.list()) everything.push(l);
    expect(everything).toHaveLength(4);
    const page = await client.limits.list({ customerId: "cust_456" });
    expect([page.items.length, page.hasNextPage()]).toEqual([3, false]);
  });
});

describe("meters", () => {
  test("count, max and latest aggregate as documented; query narrows by customer, dimensions and dates", async ({ limitry }) => {
    const { client } = limitry;
    const events: EventRecordParams[] = [
      {
        customerId: "c1",
        eventType: "llm.completion",
        values: { tokens: 10, seats: 3 },
        dimensions: { model: "gpt-4" },
        timestamp: "2026-03-01T00:00:00Z",
      },
      {
        customerId: "c1",
        eventType: "llm.completion",
        values: { tokens: 30, seats: 1 },
        dimensions: { model: "gpt-4o" },
        timestamp: "2026-03-05T00:00:00Z",
      },
      { customerId: "c2", eventType: "llm.completion", values: { tokens: 20 }, timestamp: "2026-03-03T00:00:00Z" },
      { customerId: "c1", eventType: "image.generation", timestamp: "2026-03-06T00:00:00Z" },
    ];
    expect(await client.events.batch({ events })).toEqual({ count: 4 });
    const count = await client.meters.create({ name: "Requests", aggregation: "count", field: "*" });
    const max = await client.meters.create({ name: "Biggest", aggregation: "max", field: "values.tokens" });
    const latest = await client.meters.create({ name: "Seats", aggregation: "latest", field: "values.seats" });
    const sum = await client.meters.create({
      name: "Tokens",
      aggregation: "sum",
      field: "values.tokens",
      eventFilter: { eventType: "llm.completion" },
    });
    expect((await client.meters.query(count.id)).value).toBe(4);
    expect((await client.meters.query(max.id)).value).toBe(30);
    expect((await client.meters.query(latest.id, { customerId: "c1" })).value).toBe(1);
    expect(await client.meters.query(sum.id)).toEqual({ meterId: sum.id, meterName: "Tokens", value: 60, aggregation: "sum" });
    expect((await client.meters.query(sum.id, { customerId: "c1", dimensions: { model: "gpt-4" } })).value).toBe(10);
    expect(
      (await client.meters.query(sum.id, { startDate: "2026-03-02T00:00:00Z", endDate: "2026-03-05T00:00:00Z" })).value,
    ).toBe(20);
    expect((await client.meters.query(sum.id, { customerId: "nobody" })).value).toBe(0);
  });

  test("a meter's description updates in place; a meter a limit counts cannot be deleted", async ({ limitry }) => {
    const { client } = limitry;
    const { meter, limit } = await seedMeterAndLimit(limitry);
    const updated = await client.meters.update(meter.id, { description: "LLM tokens" });
    expect(updated).toMatchObject({ id: meter.id, description: "LLM tokens", aggregation: "sum", name: "Total Tokens" });
    await expect(client.meters.delete(meter.id)).rejects.toMatchObject({ constructor: ConflictError, code: "meter_in_use" });
    await client.limits.delete(limit.id);
    expect(await client.meters.delete(meter.id)).toEqual({ success: true });
    await expect(client.meters.retrieve(meter.id)).rejects.toMatchObject({ status: 404, code: "meter_not_found" });
  });
});

describe("events and customers", () => {
  test("an unknown customer is created by its first event and retrievable by external or internal id", async ({ limitry }) => {
    const { client } = limitry;
    await expect(client.customers.retrieve("cust_new")).rejects.toMatchObject({ status: 404, code: "customer_not_found" });
    expect(await client.events.record({ customerId: "cust_new", eventType: "llm.completion", values: { tokens: 1 } })).toEqual({
      id: expect.stringMatching(/^evt_/),
      recorded: true,
    });
    const customer = await client.customers.retrieve("cust_new");
    // Created as POST /customers creates one without options: UTC, billing cycle from now.
    expect(customer).toMatchObject({ externalId: "cust_new", timezone: null, billingCycleStart: "2026-03-10T12:00:00.000Z" });
    expect(await client.customers.retrieve(customer.id)).toEqual(customer);
  });

  test("a created customer's billing cycle defaults to now; a second create of the same external id is a 409", async ({
    limitry,
  }) => {
    const { client } = limitry;
    const customer = await client.customers.create({
      externalId: "acme",
      name: "Acme",
      email: "ops@acme.test",
      timezone: "Europe/Paris",
    });
    expect(customer).toMatchObject({
      id: expect.stringMatching(/^cust_/),
      billingCycleStart: "2026-03-10T12:00:00.000Z",
      timezone: "Europe/Paris",
    });
    await expect(client.customers.create({ externalId: "acme" })).rejects.toMatchObject({
      status: 409,
      code: "customer_already_exists",
    });
  });

  test("a batch of 1001 events, or with one bad event, records nothing", async ({ limitry }) => {
    const { client } = limitry;
    const meter = await client.meters.create({ name: "Requests", aggregation: "count", field: "*" });
    const good = { customerId: "c", eventType: "e" };
    await expect(client.events.batch({ events: Array.from({ length: 1001 }, () => good) })).rejects.toMatchObject({
      status: 400,
      code: "invalid_field_value",
      message: expect.stringContaining("events must hold 1 to 1000 events (got 1001)"),
    });
    await expect(client.events.batch({ events: [good, { ...good, timestamp: "yesterday" }] })).rejects.toMatchObject({
      message: expect.stringContaining("events[1].timestamp must be an ISO-8601 date-time with an offset (got 'yesterday')"),
    });
    expect((await client.meters.query(meter.id)).value).toBe(0);
    expect(await client.events.batch({ events: Array.from({ length: 1000 }, () => good) })).toEqual({ count: 1000 });
    expect((await client.meters.query(meter.id)).value).toBe(1000);
  });
});

describe("alerts", () => {
  test("each threshold fires once per limit, customer and window, visible at /v1/alerts and in the log", async ({ limitry }) => {
    const { client, setNow, logs } = limitry;
    const { limit } = await seedMeterAndLimit(limitry, { alertThresholds: [50, 80, 100] });
    const record = (tokens: number) =>
      client.events.record({ customerId: "cust_123", eventType: "llm.completion", values: { tokens } });
    await record(49_999);
    expect((await client.alerts.list()).items).toEqual([]);
    await record(1);
    await record(1);
    await record(40_000);
    const fired = [];
    for await (const alert of client.alerts.list({ limitId: limit.id }))
      fired.push([alert.event, alert.data.threshold, alert.data.currentUsage]);
    expect(fired).toEqual([
      ["limit.threshold_reached", 50, 50_000],
      ["limit.threshold_reached", 80, 90_001],
    ]);
    await record(10_000);
    setNow("2026-03-11T09:00:00Z");
    await record(60_000);
    const all = (await client.alerts.list()).items;
    expect(all.map((a) => [a.event, a.data.threshold, a.data.windowStart])).toEqual([
      ["limit.threshold_reached", 50, "2026-03-10T00:00:00.000Z"],
      ["limit.threshold_reached", 80, "2026-03-10T00:00:00.000Z"],
      ["limit.exceeded", 100, "2026-03-10T00:00:00.000Z"],
      ["limit.threshold_reached", 50, "2026-03-11T00:00:00.000Z"],
    ]);
    expect(all[2]?.data).toMatchObject({
      customerId: "cust_123",
      limit: 100_000,
      currentUsage: 100_001,
      percentage: 100,
      remaining: 0,
      period: "day",
    });
    expect(logs.filter((l) => l.startsWith("limitry alert"))).toHaveLength(4);
  });

  test("an event backdated into a past window fires nothing", async ({ limitry }) => {
    const { client } = limitry;
    await seedMeterAndLimit(limitry, { alertThresholds: [10] });
    await client.events.record({
      customerId: "cust_123",
      eventType: "llm.completion",
      values: { tokens: 90_000 },
      timestamp: "2026-03-01T00:00:00Z",
    });
    expect((await client.alerts.list()).items).toEqual([]);
  });
});

describe("errors use Limitry's envelope with the field and the rule", () => {
  test.for([
    [
      "a missing required field",
      "/v1/limits",
      '{"name":"a","limitValue":1,"period":"day"}',
      400,
      "missing_required_field",
      "meterId: is required",
    ],
    [
      "a wrong type",
      "/v1/meters",
      '{"name":"a","aggregation":"sum","field":1}',
      400,
      "invalid_field_value",
      "field: expected string, received number",
    ],
    [
      "an unknown period",
      "/v1/limits",
      '{"name":"a","meterId":"m","limitValue":1,"period":"minute"}',
      400,
      "invalid_field_value",
      "period",
    ],
    [
      "a zero limitValue",
      "/v1/limits",
      '{"name":"a","meterId":"m","limitValue":0,"period":"day"}',
      400,
      "invalid_field_value",
      "limitValue must be an integer greater than 0 (got 0)",
    ],
    [
      "a threshold above 100",
      "/v1/limits",
      '{"name":"a","meterId":"m","limitValue":1,"period":"day","alertThresholds":[101]}',
      400,
      "invalid_field_value",
      "alertThresholds[0] must be an integer between 1 and 100 (got 101)",
    ],
    [
      "an unknown meter",
      "/v1/limits",
      '{"name":"a","meterId":"mtr_nope","limitValue":1,"period":"day"}',
      404,
      "meter_not_found",
      "mtr_nope",
    ],
    [
      "a sum over '*'",
      "/v1/meters",
      '{"name":"a","aggregation":"sum","field":"*"}',
      400,
      "invalid_field_value",
      "field may be '*' only with aggregation count",
    ],
    [
      "an unknown timezone",
      "/v1/customers",
      '{"externalId":"x","timezone":"Mars/Olympus"}',
      400,
      "invalid_field_value",
      "timezone must be an IANA timezone name",
    ],
    ["malformed JSON", "/v1/meters", "{nope", 400, "invalid_request", "not valid JSON"],
    [
      "a cursor we never issued",
      "/v1/limits?cursor=abc",
      undefined,
      400,
      "invalid_field_value",
      "cursor must be a nextCursor this service returned",
    ],
  ] as const)("%s", async ([, path, body, status, code, message], { limitry }) => {
    const res = await raw(limitry.url, body === undefined ? "GET" : "POST", path, body);
    expect(res).toEqual({
      status,
      body: { error: { code, message: expect.stringContaining(message), status, requestId: expect.stringMatching(/^req_/) } },
    });
  });

  test("a missing or wrong Bearer key is a 401 the SDK raises as AuthenticationError", async ({ limitry }) => {
    const res = await request(`${limitry.url}/v1/limits`, { method: "GET" });
    expect([res.statusCode, await res.body.json()]).toEqual([
      401,
      { error: expect.objectContaining({ code: "missing_api_key", status: 401 }) },
    ]);
    const wrong = new Limitry({ apiKey: "wrong", baseURL: `${limitry.url}/v1`, maxRetries: 0 });
    await expect(wrong.limits.list()).rejects.toMatchObject({ constructor: AuthenticationError, code: "invalid_api_key" });
    await wrong.close();
  });

  test("an unknown route under /v1 answers 404 in Limitry's envelope; Pay-i's API is untouched", async ({ limitry }) => {
    const res = await raw(limitry.url, "GET", "/v1/nothing");
    expect(res).toMatchObject({ status: 404, body: { error: { code: "not_found", status: 404 } } });
    const payi = await request(`${limitry.url}/api/v1/limits`, { headers: { "xproxy-api-key": TEST_API_KEY } });
    expect(payi.statusCode).toBe(200);
    await payi.body.dump();
  });

  test("Stainless, workspace and idempotency headers are accepted and ignored", async ({ limitry }) => {
    const headers = {
      "idempotency-key": "k1",
      "x-workspace": "w",
      "x-environment": "e",
      "x-project": "p",
      "x-stainless-arch": "x64",
    };
    const res = await raw(limitry.url, "POST", "/v1/meters", '{"name":"a","aggregation":"count","field":"*"}', headers);
    expect(res.status).toBe(201);
  });
});
