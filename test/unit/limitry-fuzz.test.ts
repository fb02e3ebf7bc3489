import { connect, type AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { buildApp } from "../../server/app.js";
import { openDatabase } from "../../server/db.js";
import { Rng, mutate, nastyJson, nastyNumber, nastyString } from "../support/fuzz.js";

/**
 * Seeded, bounded fuzzing of every Limitry route (`/v1`) of the real service over HTTP: malformed paths,
 * queries, headers and bodies (and some malformed HTTP) must each get a 4xx in Limitry's envelope or work,
 * never a 5xx; afterwards every read still answers with numbers. FUZZ_REQUESTS (default 10,000) and FUZZ_SEED
 * (default 24) change the run (`make fuzz` runs it beside Pay-i's); a failure prints the requests that got a 5xx.
 */
const REQUESTS = Number(process.env["FUZZ_REQUESTS"] ?? 10_000);
const SEED = Number(process.env["FUZZ_SEED"] ?? 24);
const KEY = "fuzz-key";
const CONCURRENCY = 16;

const app = buildApp({ db: openDatabase(":memory:"), apiKeys: [KEY] });
const routes: Array<{ method: string; url: string }> = [];
app.addHook("onRoute", (route) => {
  for (const method of [route.method].flat()) if (method !== "HEAD") routes.push({ method, url: route.url });
});
let origin = "";
let port = 0;
const agent = new Agent({ connections: CONCURRENCY });
const known = { meterId: "", limitId: "", customerId: "fuzz-customer" };

const dims = { model: "gpt-4", team: "eng" };
const validBodies = {
  meter: {
    name: "Tokens",
    aggregation: "sum",
    field: "values.tokens",
    description: "d",
    eventFilter: { eventType: "llm.completion", dimensions: { model: "gpt-4" } },
  },
  meterQuery: { customerId: known.customerId, dimensions: dims, startDate: "2026-01-01T00:00:00Z", endDate: "2027-01-01" },
  limit: () => ({
    name: "Daily",
    meterId: known.meterId,
    limitValue: 1000,
    period: "day",
    customerId: known.customerId,
    dimensionFilters: dims,
    alertThresholds: [50, 100],
  }),
  check: { customerId: known.customerId, dimensions: dims },
  event: {
    customerId: known.customerId,
    eventType: "llm.completion",
    values: { tokens: 10, cost_cents: 2 },
    dimensions: dims,
    properties: { a: { b: [1, 2] } },
    timestamp: "2026-03-10T10:00:00Z",
  },
  customer: {
    externalId: "c-x",
    name: "Acme",
    email: "a@b.co",
    billingCycleStart: "2026-01-31T00:00:00Z",
    timezone: "Europe/Paris",
    metadata: { plan: "pro" },
  },
};

function bodyFor(method: string, url: string): Record<string, unknown> {
  if (url.endsWith("/query")) return validBodies.meterQuery;
  if (url.startsWith("/v1/meters")) return validBodies.meter;
  if (url.endsWith("/check")) return validBodies.check;
  if (url.startsWith("/v1/limits")) return validBodies.limit();
  if (url.endsWith("/batch")) return { events: [validBodies.event, validBodies.event] };
  if (url.startsWith("/v1/events")) return validBodies.event;
  if (url.startsWith("/v1/customers")) return method === "PUT" ? { name: "New", timezone: "UTC" } : validBodies.customer;
  return {};
}

/** Malformed keys and values for dimension maps: what once reached SQL as a JSON path. */
function nastyDimensions(rng: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const count = rng.pick([1, 2, 33, 1000]);
  for (let i = 0; i < count; i++) {
    const key = rng.chance(0.5)
      ? rng.pick(["[0]", "", "a.b", 'x"y', "$", "k".repeat(65), "__proto__", `k${i}`])
      : nastyString(rng);
    out[key] = rng.chance(0.8) ? nastyString(rng) : nastyJson(rng, 1);
  }
  return out;
}

const PARAM_VALUES: Record<string, () => string> = {
  id: () => known.meterId,
};

// Lone surrogates cannot be percent-encoded; any other string can.
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "?"));

function pathFor(rng: Rng, url: string): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => {
    const known_ = url.startsWith("/v1/limits")
      ? known.limitId
      : url.startsWith("/v1/customers")
        ? known.customerId
        : PARAM_VALUES[name]?.();
    const value = rng.chance(0.5) ? (known_ ?? "x") : nastyString(rng);
    return rng.chance(0.1) ? value.replace(/[^\x21-\x7e]/g, "") : encode(value);
  });
}

function queryFor(rng: Rng): string {
  if (rng.chance(0.5)) return "";
  const keys = ["cursor", "limit", "customerId", "limitId", "other"];
  const parts: string[] = [];
  for (let i = 1 + rng.int(3); i > 0; i--) {
    const key = rng.pick(keys);
    const value = rng.pick([
      () => nastyString(rng),
      () => String(nastyNumber(rng)),
      () => `cur_${Buffer.from(rng.pick(["99999999999999999999", "-5", "1", "1e3", "x"])).toString("base64url")}`,
    ])();
    parts.push(rng.chance(0.1) ? `${key}=${value.replace(/[^\x21-\x7e]/g, "")}` : `${key}=${encode(value)}`);
  }
  return `?${parts.join("&")}`;
}

// Header values undici accepts (no CR, LF or NUL); the raw-socket share covers what it will not send.
const headerSafe = (s: string) => s.replace(/[\r\n\0]/g, "").replace(/[^\t\x20-\x7e\x80-\xff]/g, "?");

function headersFor(rng: Rng, method: string): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: rng.chance(0.03) ? rng.pick(["Bearer wrong", "Basic x", "Bearer ", ""]) : `Bearer ${KEY}`,
  };
  if (method !== "GET" && rng.chance(0.9))
    headers["content-type"] = rng.pick([
      "application/json",
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
    ]);
  if (rng.chance(0.3)) headers["idempotency-key"] = headerSafe(rng.chance(0.6) ? `k${rng.int(40)}` : nastyString(rng));
  if (rng.chance(0.1)) headers["x-project"] = headerSafe(nastyString(rng));
  return headers;
}

function bodyText(rng: Rng, method: string, url: string): string | undefined {
  if (method === "GET" || method === "DELETE" || rng.chance(0.05)) return undefined;
  const valid = bodyFor(method, url);
  switch (rng.int(12)) {
    case 0:
      return rng.pick(["{", "[1,", '{"a":}', "nul", "\u0000", "{}{}", '"text"', "1e999999"]);
    case 1:
      return JSON.stringify(nastyJson(rng));
    case 2:
      return `{"__proto__":{"polluted":1},${JSON.stringify(valid).slice(1)}`;
    case 3:
      return JSON.stringify(valid).replace(/\d+(\.\d+)?/, rng.pick(["1".repeat(400), "-1", "1e308", "-0"]));
    case 4: {
      const key = rng.pick(["dimensions", "dimensionFilters", "values", "eventFilter"]);
      return JSON.stringify({
        ...valid,
        [key]: key === "eventFilter" ? { dimensions: nastyDimensions(rng) } : nastyDimensions(rng),
      });
    }
    case 5:
      return JSON.stringify(valid);
    default:
      return JSON.stringify(
        url.endsWith("/batch")
          ? { events: Array.from({ length: 1 + rng.int(3) }, () => mutate(rng, validBodies.event)) }
          : mutate(rng, valid),
      );
  }
}

/** Malformed HTTP the parser rejects before any route runs. */
function rawRequest(rng: Rng): string {
  return rng.pick([
    "GET /v1/limits HTTP/9.9\r\n\r\n",
    `GET /v1/limits HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    `GET /v1/${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    "POST /v1/events/record HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "GET /v1/limits HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    "POST /v1/limits HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
  ]);
}

function sendRaw(payload: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
    });
    const done = () =>
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.slice(data.indexOf("\r\n\r\n") + 4) });
    socket.on("close", done).on("error", done);
    socket.end(payload);
  });
}

async function call(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await request(`${origin}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: agent,
  });
  return { status: res.statusCode, json: await res.body.json() };
}

const Id = z.object({ id: z.string() });

beforeAll(async () => {
  await app.listen({ host: "127.0.0.1", port: 0 });
  port = (app.server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  known.meterId = Id.parse((await call("POST", "/meters", validBodies.meter)).json).id;
  known.limitId = Id.parse((await call("POST", "/limits", validBodies.limit())).json).id;
  await call("POST", "/limits", { ...validBodies.limit(), customerId: null, dimensionFilters: {} });
  await call("POST", "/events/record", validBodies.event);
});

afterAll(async () => {
  await agent.close();
  await app.close();
});

const ENVELOPE = /^\{"error":\{"code":"[a-z_]+","message":"/;

describe("fuzzing every Limitry route", () => {
  test(
    `${REQUESTS} malformed requests on /v1 (seed ${SEED}) get no 5xx, and reads stay healthy`,
    { timeout: 600_000 },
    async () => {
      const rng = new Rng(SEED);
      const apiRoutes = routes.filter((r) => r.url.startsWith("/v1/"));
      expect(apiRoutes.length).toBeGreaterThanOrEqual(16);
      const perRoute = new Map<string, number>();
      const statuses = new Map<number, number>();
      const serverErrors: string[] = [];
      const notEnveloped: string[] = [];

      const one = async (): Promise<void> => {
        if (rng.chance(0.01)) {
          const { status, body } = await sendRaw(rawRequest(rng));
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500) serverErrors.push(`raw → ${status}`);
          else if (!ENVELOPE.test(body)) notEnveloped.push(`raw → ${status} ${body.slice(0, 200)}`);
          return;
        }
        const route = rng.pick(apiRoutes);
        const path = `${pathFor(rng, route.url)}${queryFor(rng)}`;
        const body = bodyText(rng, route.method, route.url);
        const res = await request(`${origin}${path}`, {
          method: route.method,
          headers: headersFor(rng, route.method),
          body,
          dispatcher: agent,
        });
        const text = await res.body.text();
        const key = `${route.method} ${route.url}`;
        perRoute.set(key, (perRoute.get(key) ?? 0) + 1);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500)
          serverErrors.push(`${route.method} ${path} ${body?.slice(0, 300) ?? ""} → ${res.statusCode} ${text.slice(0, 200)}`);
        // A path with `..` segments is resolved by the client before it is sent: it may leave /v1 altogether.
        else if (res.statusCode >= 400 && new URL(origin + path).pathname.startsWith("/v1/") && !ENVELOPE.test(text))
          notEnveloped.push(`${route.method} ${path} → ${res.statusCode} ${text.slice(0, 200)}`);
      };

      for (let sent = 0; sent < REQUESTS; sent += CONCURRENCY) {
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, REQUESTS - sent) }, one));
      }
      console.log(
        `limitry fuzz: ${REQUESTS} requests, seed ${SEED}, ${perRoute.size} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
      );
      expect(serverErrors.slice(0, 20)).toEqual([]);
      expect(notEnveloped.slice(0, 20)).toEqual([]);
      if (REQUESTS >= 5_000) expect([...perRoute.keys()].sort()).toEqual(apiRoutes.map((r) => `${r.method} ${r.url}`).sort());

      // Whatever was accepted, every read still answers, with numbers.
      const alerts = await call("GET", "/alerts?limit=100");
      expect(alerts.status).toBe(200);
      const check = await call("POST", "/limits/check", { customerId: known.customerId });
      expect(check.status).toBe(200);
      for (const entry of z.object({ limits: z.array(z.object({ used: z.number(), remaining: z.number() })) }).parse(check.json)
        .limits) {
        expect(Number.isFinite(entry.used) && Number.isFinite(entry.remaining)).toBe(true);
      }
      const meters = z.object({ data: z.array(Id) }).parse((await call("GET", "/meters?limit=100")).json).data;
      for (const meter of meters) {
        const query = await call("POST", `/meters/${meter.id}/query`, {});
        expect(query.status).toBe(200);
        expect(Number.isFinite(z.object({ value: z.number() }).parse(query.json).value)).toBe(true);
      }
    },
  );
});
