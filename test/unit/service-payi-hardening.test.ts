import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CENSORED } from "../../server/log.js";
import {
  PROPERTIES_MAX_BYTES,
  PROPERTIES_MAX_KEYS,
  PROPERTY_KEY_MAX_LENGTH,
  PROPERTY_VALUE_MAX_LENGTH,
  TAGS_MAX_COUNT,
  TAG_MAX_LENGTH,
} from "../../server/payi/storage-caps.js";
import { serve, type RunningService } from "../../server/serve.js";
import { TEST_API_KEY } from "../support/service.js";

const OTHER_KEY = "second-key-not-a-secret";
const EVENT = { category: "system.openai", resource: "gpt-4o-2024-05-13", units: { text: { input: 1000, output: 500 } } };

let running: RunningService;
let dataDir = "";
const records: string[] = [];
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-hardening-"));
  running = await serve({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    apiKeys: [TEST_API_KEY, OTHER_KEY],
    log: (line) => records.push(line),
    logFormat: "json",
  });
});
afterAll(async () => {
  await running.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function call(method: "GET" | "POST" | "PUT", route: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${running.url}/api/v1${route}`, {
    method,
    headers: { "xproxy-api-key": TEST_API_KEY, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
}

async function newLimit(name: string): Promise<string> {
  const created = await call("POST", "/limits", { limit_name: name, max: 100 });
  return (created.body.limit as { limit_id: string }).limit_id;
}

async function requestsOf(limitId: string): Promise<number> {
  const got = await call("GET", `/limits/${limitId}`);
  return (got.body.limit as { totals: { requests: { total: number } } }).totals.requests.total;
}

describe("an Idempotency-Key reused for another effect is a conflict, not the old answer", () => {
  test("other xProxy-Limit-IDs: 422 idempotency_key_reused, and the named limit is not charged by the replay", async () => {
    const [a, b] = [await newLimit("fp-a"), await newLimit("fp-b")];
    const first = await call("POST", "/ingest", EVENT, { "idempotency-key": "fp-1", "xproxy-limit-ids": a });
    expect(first.status).toBe(200);
    const same = await call("POST", "/ingest", EVENT, { "idempotency-key": "fp-1", "xproxy-limit-ids": a });
    expect(same.headers["idempotent-replayed"]).toBe("true");
    expect(same.body.request_id).toBe(first.body.request_id);

    const other = await call("POST", "/ingest", EVENT, { "idempotency-key": "fp-1", "xproxy-limit-ids": b });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ statusCode: 422, xproxy_error: { code: "idempotency_key_reused" } });
    expect(other.headers["x-should-retry"]).toBe("false");
    expect([await requestsOf(a), await requestsOf(b)]).toEqual([1, 0]);
  });

  test("other use-case or user headers are a different call too", async () => {
    await call("POST", "/use_cases/definitions", { name: "fp_use_case", description: "d" });
    const headers = { "idempotency-key": "fp-2", "xproxy-usecase-name": "fp_use_case", "xproxy-user-id": "u1" };
    expect((await call("POST", "/ingest", EVENT, headers)).status).toBe(200);
    const otherUser = await call("POST", "/ingest", EVENT, { ...headers, "xproxy-user-id": "u2" });
    expect(otherUser.body).toMatchObject({ xproxy_error: { code: "idempotency_key_reused" } });
    const otherStep = await call("POST", "/ingest", EVENT, { ...headers, "xproxy-usecase-step": "s2" });
    expect(otherStep.status).toBe(422);
  });

  test("keys are scoped per API key: another caller's same key is its own call", async () => {
    const limitId = await newLimit("fp-scope");
    const headers = { "idempotency-key": "fp-3", "xproxy-limit-ids": limitId };
    const mine = await call("POST", "/ingest", EVENT, headers);
    const theirs = await call("POST", "/ingest", EVENT, { ...headers, "xproxy-api-key": OTHER_KEY });
    expect(theirs.status).toBe(200);
    expect(theirs.headers["idempotent-replayed"]).toBeUndefined();
    expect(theirs.body.request_id).not.toBe(mine.body.request_id);
    expect(await requestsOf(limitId)).toBe(2);
  });
});

describe("the request log", () => {
  test("never holds a key, whatever header or cookie carries it; the idempotency key stays traceable", async () => {
    const carriers: Record<string, string> = {
      "x-api-key": TEST_API_KEY,
      "proxy-authorization": `Basic ${TEST_API_KEY}`,
      cookie: `session=${TEST_API_KEY}; theme=dark`,
      authorization: `Bearer ${TEST_API_KEY}`,
      "x-auth-token": "opaque-token-value",
      "x-client-secret": "opaque-secret-value",
      "x-forwarded-note": `carried ${OTHER_KEY} here`,
    };
    records.length = 0;
    for (const [name, value] of Object.entries(carriers)) {
      await call("GET", "/limits", undefined, { [name]: value, "idempotency-key": `trace-${name}` });
    }
    // A failure's record (the 401 of a wrong key in x-api-key style) holds the same censored headers.
    await call("GET", "/limits", undefined, { "xproxy-api-key": "wrong-key-value", "x-api-key": TEST_API_KEY });

    const text = records.join("\n");
    for (const secret of [TEST_API_KEY, OTHER_KEY, "opaque-token-value", "opaque-secret-value", "wrong-key-value"]) {
      expect(text).not.toContain(secret);
    }
    const logged = records
      .map((r) => JSON.parse(r) as { msg?: string; req?: { headers: Record<string, string> } })
      .filter((r) => r.msg === "request completed")
      .map((r) => r.req?.headers ?? {});
    expect(logged).toHaveLength(Object.keys(carriers).length + 1);
    Object.keys(carriers).forEach((name, i) => {
      expect(logged[i]?.[name]).toBe(CENSORED);
      expect(logged[i]?.["idempotency-key"]).toBe(`trace-${name}`);
      expect(logged[i]?.["xproxy-api-key"]).toBe(CENSORED);
    });
  });
});

describe("property bags and tags have documented size limits, answered with a 400 naming the field and the rule", () => {
  const many = (count: number, value = "v") => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, value]));

  test("on create: count, key length, value length and total bytes", async () => {
    const tooMany = await call("POST", "/limits", { limit_name: "caps-1", max: 1, properties: many(PROPERTIES_MAX_KEYS + 1) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({
      xproxy_error: {
        code: "create_limit_validation_failed",
        message: `properties must have at most ${PROPERTIES_MAX_KEYS} keys (got ${PROPERTIES_MAX_KEYS + 1})`,
      },
    });
    const longKey = "k".repeat(PROPERTY_KEY_MAX_LENGTH + 1);
    const key = await call("POST", "/limits", { limit_name: "caps-2", max: 1, properties: { [longKey]: "v" } });
    expect((key.body.xproxy_error as { message: string }).message).toContain(
      `properties key must be 1-${PROPERTY_KEY_MAX_LENGTH} characters`,
    );
    const value = await call("POST", "/limits", {
      limit_name: "caps-3",
      max: 1,
      properties: { team: "v".repeat(PROPERTY_VALUE_MAX_LENGTH + 1) },
    });
    expect((value.body.xproxy_error as { message: string }).message).toContain(
      `properties.team must be at most ${PROPERTY_VALUE_MAX_LENGTH} characters`,
    );
    const bytes = await call("POST", "/limits", {
      limit_name: "caps-4",
      max: 1,
      properties: many(PROPERTIES_MAX_KEYS, "v".repeat(PROPERTY_VALUE_MAX_LENGTH)),
    });
    expect((bytes.body.xproxy_error as { message: string }).message).toMatch(
      new RegExp(`^properties must be at most ${PROPERTIES_MAX_BYTES} bytes as JSON \\(got \\d+\\)$`),
    );
    const tags = await call("POST", "/limits", {
      limit_name: "caps-5",
      max: 1,
      limit_tags: Array.from({ length: TAGS_MAX_COUNT + 1 }, (_, i) => `t${i}`),
    });
    expect((tags.body.xproxy_error as { message: string }).message).toContain(
      `limit_tags must have at most ${TAGS_MAX_COUNT} tags`,
    );
    const list = await call("GET", "/limits");
    expect((list.body.items as { limit_name: string }[]).filter((l) => l.limit_name.startsWith("caps-"))).toEqual([]);
  });

  test("a merge that would grow a bag past a cap is refused, and the bag is left as it was", async () => {
    const limitId = (
      (await call("POST", "/limits", { limit_name: "merge", max: 1, properties: many(PROPERTIES_MAX_KEYS) })).body.limit as {
        limit_id: string;
      }
    ).limit_id;
    const grown = await call("PUT", `/limits/${limitId}/properties`, { properties: { extra: "x" } });
    expect(grown.status).toBe(400);
    expect(grown.body).toMatchObject({
      xproxy_error: {
        code: "update_limit_validation_failed",
        message: `properties must have at most ${PROPERTIES_MAX_KEYS} keys after the merge (got ${PROPERTIES_MAX_KEYS + 1})`,
      },
    });
    // Removing one key makes room: the merge that removes and adds in one call is within the cap.
    const swapped = await call("PUT", `/limits/${limitId}/properties`, { properties: { k0: null, extra: "x" } });
    expect(swapped.status).toBe(200);
    const stored = (await call("GET", `/limits/${limitId}`)).body.limit as { properties: Record<string, string> };
    expect(Object.keys(stored.properties)).toHaveLength(PROPERTIES_MAX_KEYS);
    expect(stored.properties.extra).toBe("x");

    const tagged = await newLimit("merge-tags");
    await call("POST", `/limits/${tagged}/tags`, { limit_tags: Array.from({ length: TAGS_MAX_COUNT }, (_, i) => `t${i}`) });
    const tooMany = await call("POST", `/limits/${tagged}/tags`, { limit_tags: ["one-more"] });
    expect(tooMany.body).toMatchObject({ xproxy_error: { code: "invalid_tags" } });
    const long = await call("PUT", `/limits/${tagged}/tags`, { limit_tags: ["t".repeat(TAG_MAX_LENGTH + 1)] });
    expect(long.status).toBe(400);
  });

  test("ingest, request and instance properties and limit configs are bounded the same way", async () => {
    const big = { huge: "v".repeat(PROPERTY_VALUE_MAX_LENGTH + 1) };
    const ingest = await call("POST", "/ingest", { ...EVENT, properties: big });
    expect(ingest.body).toMatchObject({ xproxy_error: { code: "invalid_properties" } });
    const useCaseProps = await call("POST", "/ingest", { ...EVENT, use_case_properties: many(PROPERTIES_MAX_KEYS + 1) });
    expect((useCaseProps.body.xproxy_error as { message: string }).message).toContain("use_case_properties must have at most");

    const ok = await call("POST", "/ingest", EVENT);
    const requestId = ok.body.request_id as string;
    expect((await call("PUT", `/requests/${requestId}/properties`, { properties: big })).status).toBe(400);

    await call("POST", "/use_cases/definitions", { name: "caps_use_case", description: "d" });
    const config = await call("POST", "/use_cases/definitions/caps_use_case/limit_config", { max: 1, properties: big });
    expect(config.body).toMatchObject({ xproxy_error: { code: "invalid_limit_config" } });
    const instance = await call("POST", "/use_cases/instances/caps_use_case");
    const useCaseId = instance.body.use_case_id as string;
    const props = await call("PUT", `/use_cases/instances/caps_use_case/${useCaseId}/properties`, { properties: big });
    expect(props.body).toMatchObject({ xproxy_error: { code: "invalid_properties" } });
  });
});
