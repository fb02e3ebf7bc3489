import { connect } from "node:net";
import { request } from "undici";
import { describe, expect } from "vitest";
import type { AddressInfo } from "node:net";
import { buildApp } from "../../server/app.js";
import { openDatabase } from "../../server/db.js";
import { serve } from "../../server/serve.js";
import { TEST_API_KEY, test } from "../support/service.js";

/** Sends raw bytes and returns what came back before the server closed the connection. */
function raw(url: string, payload: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = "";
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("utf8");
    });
    socket.on("close", () => resolve(data)).on("error", reject);
    socket.write(payload);
  });
}

describe("the HTTP edge", () => {
  test("a request the HTTP parser rejects gets a 400 in Pay-i's envelope and Connection: close; the client's next call works", async ({
    service,
  }) => {
    const answer = await raw(service.url, "NOT HTTP AT ALL\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({
      statusCode: 400,
      message: "Bad Request",
      xproxy_error: { code: "request_processing_error", message: "The request is not valid HTTP/1.1" },
    });
    expect((await service.client.limits.list()).items).toEqual([]);
  });

  test("headers over 16 KiB get a 431 in Pay-i's envelope", async ({ service }) => {
    const answer = await raw(service.url, `GET /api/v1/limits HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('"code":"request_header_fields_too_large"');
  });

  test("a path that is not valid percent-encoding gets a 400 in Pay-i's envelope", async ({ service }) => {
    const res = await request(`${service.url}/api/v1/limits/%ZZ`, { headers: { "xproxy-api-key": TEST_API_KEY } });
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toMatchObject({ xproxy_error: { code: "request_processing_error" } });
  });

  test("closing the service cuts a client still sending its request after the grace period", { timeout: 30_000 }, async () => {
    const service = await serve({
      host: "127.0.0.1",
      port: 0,
      dataDir: ":memory:",
      apiKeys: [TEST_API_KEY],
      log: () => {},
      shutdownGraceMs: 200,
    });
    const { port } = new URL(service.url);
    const stalled = connect(Number(port), "127.0.0.1");
    await new Promise((resolve) => stalled.once("connect", resolve));
    stalled.write("POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Without the grace period, close() waits for this request until Node's request timeouts (minutes).
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      service.close().then(() => "closed"),
      new Promise((resolve) => {
        timer = setTimeout(resolve, 20_000, "still waiting");
      }),
    ]);
    clearTimeout(timer);
    stalled.destroy();
    expect(outcome).toBe("closed");
  });

  // Node checked deadlines every 30 s and bounded headers by its own 60 s: the 408 came after a minute, past
  // this test's 20 s. The service now checks every second.
  test(
    "a request whose body never finishes gets a 408 in Pay-i's envelope and charges nothing",
    { timeout: 20_000 },
    async () => {
      const app = buildApp({ db: openDatabase(":memory:"), apiKeys: [TEST_API_KEY], requestTimeoutMs: 300 });
      await app.listen({ host: "127.0.0.1", port: 0 });
      try {
        const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
        const headers = { "xproxy-api-key": TEST_API_KEY, "content-type": "application/json" };
        const created = await request(`${url}/api/v1/limits`, {
          method: "POST",
          headers,
          body: JSON.stringify({ limit_name: "Slow", limit_id: "slow", max: 10 }),
        });
        expect(created.statusCode).toBe(200);
        await created.body.dump();
        const event = JSON.stringify({ category: "system.openai", resource: "gpt-4o", units: { text: { input: 1000 } } });
        const head = `POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nxProxy-api-key: ${TEST_API_KEY}\r\nxProxy-Limit-IDs: slow\r\nContent-Type: application/json\r\nContent-Length: ${event.length}\r\nConnection: close\r\n\r\n`;
        const spend = async () => {
          const limit = await request(`${url}/api/v1/limits/slow`, { headers });
          return ((await limit.body.json()) as { limit: { totals: { cost: { total: { base: number } } } } }).limit.totals.cost
            .total.base;
        };
        const answer = await raw(url, head + event.slice(0, -1));
        expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
        expect(answer).toMatch(/\r\nConnection: close\r\n/i);
        expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({
          xproxy_error: { code: "request_timeout", message: "The request was not received in time" },
        });
        expect(await spend()).toBe(0);
        // The same request sent whole is charged: the zero above is the timeout's doing.
        expect(await raw(url, head + event)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(await spend()).toBe(0.0025);
      } finally {
        await app.close();
      }
    },
  );
});

describe("ids, cursors and names", () => {
  test("a 128-character limit id can be created, read, updated, charged and deleted; 129 characters or a comma is a 400 naming limit_id", async ({
    service,
  }) => {
    const { client } = service;
    const id = "i".repeat(128);
    await client.limits.create({ limit_name: "Long id", limit_id: id, max: 10 });
    expect((await client.limits.retrieve(id)).limit.limit_id).toBe(id);
    expect((await client.limits.update(id, { max: 20 })).limit.max).toBe(20);
    const charged = await client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1 } },
      limit_ids: [id],
    });
    expect(Object.keys(charged.xproxy_result.limits ?? {})).toEqual([id]);
    await client.limits.delete(id);
    for (const bad of ["i".repeat(129), "a,b"]) {
      await expect(client.limits.create({ limit_name: "Bad id", limit_id: bad, max: 1 })).rejects.toMatchObject({
        status: 400,
        code: "create_limit_validation_failed",
        message: expect.stringContaining("limit_id"),
      });
    }
  });

  test("a cursor beyond int64 is a 400 invalid_cursor", async ({ service }) => {
    const cursor = Buffer.from(JSON.stringify({ s: "99999999999999999999", a: true })).toString("base64url");
    await expect(service.client.limits.list({ cursor })).rejects.toMatchObject({ status: 400, code: "invalid_cursor" });
  });

  test("an instance whose limit name another limit took still gets its own limit", async ({ service }) => {
    const { client } = service;
    await client.useCases.definitions.create({ name: "taken", description: "d", limit_config: { max: 1 } });
    const squatter = await client.limits.create({ limit_name: "taken/run-1", max: 5 });
    const result = await client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 100 } },
      use_case_name: "taken",
      use_case_id: "run-1",
    });
    const instance = await client.useCases.retrieve("taken", "run-1");
    expect(instance.limit_id).not.toBe(squatter.limit.limit_id);
    expect(Object.keys(result.xproxy_result.limits ?? {})).toEqual([instance.limit_id]);
    expect((await client.limits.retrieve(squatter.limit.limit_id)).limit.totals.requests.total).toBe(0);
  });

  test("a use_case_id over 128 characters is a 400 naming use_case_id", async ({ service }) => {
    await service.client.useCases.definitions.create({ name: "long_ids", description: "d" });
    await expect(
      service.client.ingest.units({
        category: "system.openai",
        resource: "gpt-4o",
        units: { text: { input: 1 } },
        use_case_name: "long_ids",
        use_case_id: "u".repeat(129),
      }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("use_case_id") });
  });
});
