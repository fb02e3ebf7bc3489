import { connect, type AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../../server/app.js";
import { openDatabase } from "../../server/db.js";
import { Rng, mutate, nastyJson, nastyNumber, nastyString } from "../support/fuzz.js";

/**
 * Seeded, bounded fuzzing of every route of the real service over HTTP: malformed paths, queries, headers
 * and bodies (and some malformed HTTP) must each get a 4xx in Pay-i's envelope or work, never a 5xx.
 * FUZZ_REQUESTS (default 10,000) and FUZZ_SEED (default 13) change the run; a failure prints the seed and
 * the requests that got a 5xx, so it can be replayed.
 */
const REQUESTS = Number(process.env["FUZZ_REQUESTS"] ?? 10_000);
const SEED = Number(process.env["FUZZ_SEED"] ?? 13);
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

// Objects that exist, so that a share of requests reach the code behind the not-found checks.
const known = {
  limitId: "fuzz-limit",
  useCase: "fuzz_uc",
  useCaseId: "",
  category: "fuzz.cat",
  resource: "fuzz-model",
  resourceId: "",
  kpi: "fuzz-kpi",
  requestId: "",
  responseId: "fuzz-response",
};

const validBodies = {
  limit: { limit_name: "L", max: 10, limit_type: "allow", threshold: 0.8, properties: { a: "b" } },
  limitUpdate: { limit_name: "L2", max: 20 },
  properties: { properties: { k: "v", gone: null } },
  definition: {
    name: "uc_x",
    description: "d",
    limit_config: { max: 1, threshold: 0.8, limit_type: "allow" },
    logging_enabled: true,
  },
  limitConfig: { max: 0.05, threshold: 0.8, limit_type: "allow", properties: { a: "b" } },
  ingest: {
    category: "system.openai",
    resource: "gpt-4o",
    units: { text: { input: 10, output: 5 } },
    event_timestamp: "2026-01-01T00:00:00Z",
    http_status_code: 200,
  },
  resource: {
    units: { text: { input_price: 0.000001, output_price: 0.000002 } },
    start_timestamp: "2026-01-01T00:00:00Z",
    max_input_units: 10,
  },
  kpi: { name: "k", description: "d", goal: 1, kpi_type: "number" },
  kpiUpdate: { description: "d2", goal: 2 },
  score: { score: 0.5 },
  tags: { limit_tags: ["a", "b"] },
} satisfies Record<string, Record<string, unknown>>;

function bodyFor(method: string, url: string): Record<string, unknown> {
  if (url.endsWith("/properties")) return validBodies.properties;
  if (url.includes("/tags")) return validBodies.tags;
  if (url.includes("/ingest")) return validBodies.ingest;
  if (url.includes("/kpis/")) return url.includes("/instances/") ? validBodies.score : validBodies.kpiUpdate;
  if (url.endsWith("/kpis")) return validBodies.kpi;
  if (url.endsWith("/limit_config")) return validBodies.limitConfig;
  if (url.includes("/definitions")) return validBodies.definition;
  if (url.includes("/categories")) return validBodies.resource;
  if (url.includes("/limits")) return method === "PUT" ? validBodies.limitUpdate : validBodies.limit;
  return {};
}

const PARAM_VALUES: Record<string, () => string> = {
  limit_id: () => known.limitId,
  use_case_name: () => known.useCase,
  use_case_id: () => known.useCaseId,
  category: () => known.category,
  resource: () => known.resource,
  resource_id: () => known.resourceId,
  kpi_name: () => known.kpi,
  request_id: () => known.requestId,
  provider_response_id: () => known.responseId,
};

// Lone surrogates cannot be percent-encoded; any other string can.
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "?"));

function pathFor(rng: Rng, url: string): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => {
    const value = rng.chance(0.5) ? (PARAM_VALUES[name]?.() ?? "x") : nastyString(rng);
    return rng.chance(0.1) ? value.replace(/[^\x21-\x7e]/g, "") : encode(value);
  });
}

function queryFor(rng: Rng): string {
  if (rng.chance(0.4)) return "";
  const keys = ["cursor", "limit", "sort_ascending", "limit_name", "use_case_name", "kpi_name", "resetDate", "Active", "id"];
  const parts: string[] = [];
  for (let i = 1 + rng.int(3); i > 0; i--) {
    const key = rng.pick(keys);
    const value = rng.pick([
      () => nastyString(rng),
      () => String(nastyNumber(rng)),
      () =>
        Buffer.from(JSON.stringify({ s: rng.pick(["99999999999999999999", "-5", "1", "1e3"]), a: rng.chance(0.5) })).toString(
          "base64url",
        ),
      () => rng.pick(["true", "False", "maybe", "2026-01-01T00:00:00", "2026-13-45T99:99:99Z"]),
    ])();
    parts.push(rng.chance(0.1) ? `${key}=${value.replace(/[^\x21-\x7e]/g, "")}` : `${key}=${encode(value)}`);
  }
  return `?${parts.join("&")}`;
}

// Header values undici accepts (no CR, LF or NUL); the raw-socket share covers what it will not send.
const headerSafe = (s: string) => s.replace(/[\r\n\0]/g, "").replace(/[^\t\x20-\x7e\x80-\xff]/g, "?");

function headersFor(rng: Rng, method: string): Record<string, string> {
  const headers: Record<string, string> = { "xproxy-api-key": rng.chance(0.03) ? "wrong" : KEY };
  if (method !== "GET" && rng.chance(0.9))
    headers["content-type"] = rng.pick([
      "application/json",
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
    ]);
  if (rng.chance(0.3)) headers["idempotency-key"] = headerSafe(rng.chance(0.5) ? `k${rng.int(50)}` : nastyString(rng));
  if (rng.chance(0.3)) headers["xproxy-limit-ids"] = headerSafe(rng.chance(0.5) ? known.limitId : nastyString(rng));
  if (rng.chance(0.3)) headers["xproxy-usecase-name"] = headerSafe(rng.chance(0.5) ? known.useCase : nastyString(rng));
  if (rng.chance(0.3)) headers["xproxy-usecase-id"] = headerSafe(rng.chance(0.5) ? `id-${rng.int(5)}` : nastyString(rng));
  if (rng.chance(0.1)) headers["xproxy-user-id"] = headerSafe(nastyString(rng));
  return headers;
}

function bodyText(rng: Rng, method: string, url: string): string | undefined {
  if (method === "GET" || rng.chance(0.1)) return undefined;
  const valid = bodyFor(method, url);
  switch (rng.int(10)) {
    case 0:
      return rng.pick(["{", "[1,", '{"a":}', "nul", "\u0000", "{}{}", '"text"', "1e999999"]);
    case 1:
      return JSON.stringify(nastyJson(rng));
    case 2:
      return JSON.stringify(url.endsWith("/bulk") ? [valid, mutate(rng, valid), nastyJson(rng)] : [valid]);
    case 3:
      return `{"__proto__":{"polluted":1},${JSON.stringify(valid).slice(1)}`;
    case 4:
      return JSON.stringify(valid).replace(/\d+(\.\d+)?/, "1".repeat(400));
    default:
      return JSON.stringify(
        url.endsWith("/bulk") ? Array.from({ length: 1 + rng.int(3) }, () => mutate(rng, valid)) : mutate(rng, valid),
      );
  }
}

/** Malformed HTTP the parser rejects before any route runs. */
function rawRequest(rng: Rng): string {
  return rng.pick([
    "GARBAGE\r\n\r\n",
    "GET /api/v1/limits HTTP/9.9\r\n\r\n",
    `GET /api/v1/limits HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    "POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "GET /api/v1/limits HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    "POST /api/v1/limits HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
  ]);
}

function sendRaw(payload: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
    });
    const done = () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0));
    socket.on("close", done).on("error", done);
    socket.end(payload);
  });
}

beforeAll(async () => {
  await app.listen({ host: "127.0.0.1", port: 0 });
  port = (app.server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  const call = async (method: "POST" | "PUT", path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await request(`${origin}/api/v1${path}`, {
      method,
      headers: { "xproxy-api-key": KEY, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      dispatcher: agent,
    });
    const json: unknown = await res.body.json();
    expect(res.statusCode, `${method} ${path}: ${JSON.stringify(json)}`).toBe(200);
    return json;
  };
  await call("POST", "/limits", { limit_name: "Fuzz", limit_id: known.limitId, max: 1000 });
  await call("POST", "/use_cases/definitions", { name: known.useCase, description: "d", limit_config: { max: 5 } });
  const instance = await call("POST", `/use_cases/instances/${known.useCase}`, undefined);
  known.useCaseId =
    typeof instance === "object" && instance !== null && "use_case_id" in instance ? String(instance.use_case_id) : "";
  const version = await call("POST", `/categories/${known.category}/resources/${known.resource}`, validBodies.resource);
  known.resourceId =
    typeof version === "object" && version !== null && "resource_id" in version ? String(version.resource_id) : "";
  await call("POST", `/use_cases/definitions/${known.useCase}/kpis`, { ...validBodies.kpi, name: known.kpi });
  const ingested = await call(
    "POST",
    "/ingest",
    { ...validBodies.ingest, provider_response_id: known.responseId },
    { "xproxy-limit-ids": known.limitId },
  );
  known.requestId =
    typeof ingested === "object" && ingested !== null && "request_id" in ingested ? String(ingested.request_id) : "";
});

afterAll(async () => {
  await agent.close();
  await app.close();
});

describe("fuzzing every route", () => {
  test(`${REQUESTS} malformed requests (seed ${SEED}) get no 5xx`, { timeout: 600_000 }, async () => {
    const rng = new Rng(SEED);
    const apiRoutes = routes.filter((r) => r.url.startsWith("/api/v1"));
    expect(apiRoutes.length).toBeGreaterThanOrEqual(40);
    const perRoute = new Map<string, number>();
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    const notEnveloped: string[] = [];

    const one = async (): Promise<void> => {
      if (rng.chance(0.02)) {
        const status = await sendRaw(rawRequest(rng));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) serverErrors.push(`raw → ${status}`);
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
        serverErrors.push(`${route.method} ${path} ${body?.slice(0, 200) ?? ""} → ${res.statusCode} ${text.slice(0, 200)}`);
      else if (res.statusCode >= 400 && !/"xproxy_error":\{"code":"/.test(text))
        notEnveloped.push(`${route.method} ${path} → ${res.statusCode} ${text.slice(0, 200)}`);
    };

    for (let sent = 0; sent < REQUESTS; sent += CONCURRENCY) {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, REQUESTS - sent) }, one));
    }

    const health = await request(`${origin}/healthz`, { dispatcher: agent });
    await health.body.text();
    console.log(
      `fuzz: ${REQUESTS} requests, seed ${SEED}, ${perRoute.size} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(health.statusCode).toBe(200);
    expect(serverErrors.slice(0, 20)).toEqual([]);
    expect(notEnveloped.slice(0, 20)).toEqual([]);
    if (REQUESTS >= 5_000) expect([...perRoute.keys()].sort()).toEqual(apiRoutes.map((r) => `${r.method} ${r.url}`).sort());
  });
});
