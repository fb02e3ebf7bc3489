import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packageRoot } from "../../cli/node-path.js";
import type { ServiceProfileName } from "../../server/profile.js";
import { spawnServe, type ServeProcess } from "../support/serve-process.js";
import { TEST_API_KEY, startService } from "../support/service.js";

type Started = Awaited<ReturnType<typeof startService>>;

/** One raw call to the Pay-i API: status, headers and parsed body, as any client would see them. */
async function call(base: string, method: "GET" | "POST" | "PUT" | "DELETE", route: string, body?: unknown, headers = {}) {
  const res = await request(`${base}/api/v1${route}`, {
    method,
    headers: { "xproxy-api-key": TEST_API_KEY, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

const services: Partial<Record<ServiceProfileName, Started>> = {};
beforeAll(async () => {
  services.strict = await startService({ profile: "strict" });
  services.default = await startService({ profile: "default" });
});
afterAll(async () => {
  await services.strict?.stop();
  await services.default?.stop();
});
const url = (profile: ServiceProfileName): string => {
  const service = services[profile];
  if (!service) throw new Error("services start in beforeAll");
  return service.url;
};

describe("the strict profile answers only what Pay-i's client models and docs guarantee", () => {
  test("limits carry no properties or limit_tags, single or listed; the default profile echoes them", async () => {
    const body = { limit_name: "props", max: 10, properties: { team: "ml" } };
    const created = await call(url("strict"), "POST", "/limits", body);
    expect(created.status).toBe(200);
    const limit = created.body?.limit as Record<string, unknown>;
    expect(limit).not.toHaveProperty("properties");
    expect(limit).not.toHaveProperty("limit_tags");
    const got = await call(url("strict"), "GET", `/limits/${String(limit.limit_id)}`);
    expect(got.body?.limit).not.toHaveProperty("properties");
    const listed = await call(url("strict"), "GET", "/limits");
    expect((listed.body?.items as object[])[0]).not.toHaveProperty("properties");

    const lenient = await call(url("default"), "POST", "/limits", body);
    expect(lenient.body?.limit).toMatchObject({ properties: { team: "ml" } });
  });

  test("an unset threshold reads back as 1.0 on limits and limit configs; 1.0 cannot be sent", async () => {
    const created = await call(url("strict"), "POST", "/limits", { limit_name: "no-threshold", max: 5 });
    expect(created.body?.limit).toMatchObject({ threshold: 1, limit_type: "allow" });
    const sent = await call(url("strict"), "POST", "/limits", { limit_name: "one", max: 5, threshold: 1 });
    expect(sent.status).toBe(400);
    expect(sent.body).toMatchObject({ xproxy_error: { code: "create_limit_validation_failed" } });
    // The same create again is still the idempotent repeat of the first (unset is unset).
    const again = await call(url("strict"), "POST", "/limits", { limit_name: "no-threshold", max: 5 });
    expect(again.body?.limit).toMatchObject({ limit_id: (created.body?.limit as { limit_id: string }).limit_id });

    await call(url("strict"), "POST", "/use_cases/definitions", { name: "cfg", description: "d" });
    const config = await call(url("strict"), "POST", "/use_cases/definitions/cfg/limit_config", { max: 1 });
    expect(config.body?.limit_config).toMatchObject({ max: 1, threshold: 1 });
    const lenient = await call(url("default"), "POST", "/limits", { limit_name: "no-threshold", max: 5 });
    expect(lenient.body?.limit).toMatchObject({ threshold: null });
  });

  test("Idempotency-Key is ignored: a repeated ingest charges twice and nothing is replayed", async () => {
    const limit = await call(url("strict"), "POST", "/limits", { limit_name: "charged", max: 100 });
    const limitId = (limit.body?.limit as { limit_id: string }).limit_id;
    const event = { category: "system.openai", resource: "gpt-4o-2024-05-13", units: { text: { input: 1000, output: 500 } } };
    const headers = { "idempotency-key": "same-key", "xproxy-limit-ids": limitId };
    const first = await call(url("strict"), "POST", "/ingest", event, headers);
    const second = await call(url("strict"), "POST", "/ingest", event, headers);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers["idempotent-replayed"]).toBeUndefined();
    expect(second.body?.request_id).not.toBe(first.body?.request_id);
    const once = (first.body?.xproxy_result as { cost: { total: { base: number } } }).cost.total.base;
    expect(once).toBeGreaterThan(0);
    const after = await call(url("strict"), "GET", `/limits/${limitId}`);
    expect(after.body?.limit).toMatchObject({ totals: { cost: { total: { base: 2 * once } }, requests: { total: 2 } } });
  });

  test("a use-case instance's limit has a numeric id and a name unrelated to the use case", async () => {
    await call(url("strict"), "POST", "/use_cases/definitions", {
      name: "tutor",
      description: "d",
      limit_config: { max: 1, threshold: 0.8 },
    });
    const instance = await call(url("strict"), "POST", "/use_cases/instances/tutor");
    const { use_case_id, limit_id } = instance.body as { use_case_id: string; limit_id: string };
    expect(limit_id).toMatch(/^\d+$/);
    const limit = (await call(url("strict"), "GET", `/limits/${limit_id}`)).body?.limit as { limit_name: string };
    expect(limit.limit_name).not.toContain("tutor");
    expect(limit.limit_name).not.toContain(use_case_id);

    const event = { category: "system.openai", resource: "gpt-4o-2024-05-13", units: { text: { input: 10, output: 5 } } };
    const ingest = await call(url("strict"), "POST", "/ingest", event, {
      "xproxy-usecase-name": "tutor",
      "xproxy-usecase-id": use_case_id,
    });
    expect(ingest.status).toBe(200);
    // Seed 002: the instance's limit is reported by the ingest that charged it.
    expect((ingest.body?.xproxy_result as { limits?: object }).limits).toEqual({ [limit_id]: { state: "ok" } });
    const charged = (await call(url("strict"), "GET", `/limits/${limit_id}`)).body?.limit;
    expect(charged).toMatchObject({ totals: { requests: { total: 1 } } });
  });

  test("properties updates and category deletes answer the documented {request_id}; no legacy tags or delete message", async () => {
    const limit = await call(url("strict"), "POST", "/limits", { limit_name: "shapes", max: 10 });
    const limitId = (limit.body?.limit as { limit_id: string }).limit_id;
    const props = await call(url("strict"), "PUT", `/limits/${limitId}/properties`, { properties: { a: "b" } });
    expect(props.body).toEqual({ request_id: expect.any(String) });
    const reset = await call(url("strict"), "POST", `/limits/${limitId}/reset`);
    expect(reset.body?.limit_history).toMatchObject({ limit_name: "shapes" });
    expect(reset.body?.limit_history).not.toHaveProperty("limit_tags");
    const deleted = await call(url("strict"), "DELETE", `/limits/${limitId}`);
    expect(deleted.body).toEqual({ request_id: expect.any(String) });

    await call(url("strict"), "POST", "/categories/acme/resources/model-a", {
      units: { text: { input_price: 1, output_price: 2 } },
    });
    const resource = await call(url("strict"), "DELETE", "/categories/acme/resources/model-a");
    expect(resource.body).toEqual({ request_id: expect.any(String) });
    await call(url("strict"), "POST", "/categories/acme/resources/model-b", {
      units: { text: { input_price: 1, output_price: 2 } },
    });
    const category = await call(url("strict"), "DELETE", "/categories/acme");
    expect(category.body).toEqual({ request_id: expect.any(String) });
    expect((await call(url("default"), "PUT", "/limits/nope/properties", { properties: {} })).status).toBe(404);
  });

  test("not found is a 400 with Pay-i's code; an unknown route stays 404; the legacy tag routes are gone", async () => {
    const missing = await call(url("strict"), "GET", "/limits/no-such-limit");
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ statusCode: 400, xproxy_error: { code: "limit_not_found" } });
    const useCase = await call(url("strict"), "GET", "/use_cases/definitions/no_such_use_case");
    expect(useCase).toMatchObject({ status: 400, body: { xproxy_error: { code: "use_case_not_found" } } });
    expect((await call(url("strict"), "GET", "/no-such-route")).status).toBe(404);
    const limit = await call(url("strict"), "POST", "/limits", { limit_name: "tags", max: 10 });
    const tags = await call(url("strict"), "GET", `/limits/${(limit.body?.limit as { limit_id: string }).limit_id}/tags`);
    expect(tags.status).toBe(404);
    expect((await call(url("default"), "GET", "/limits/no-such-limit")).status).toBe(404);
  });

  test("a page size above 100 gets a page of 100 and a cursor, not a 400", { timeout: 60_000 }, async () => {
    const limits = Array.from({ length: 101 }, (_, i) => ({ limit_name: `page-${i}`, max: 1 }));
    for (const limit of limits) await call(url("strict"), "POST", "/limits", limit);
    const big = await call(url("strict"), "GET", "/limits?limit=500");
    expect(big.status).toBe(200);
    expect(big.body?.items).toHaveLength(100);
    expect(big.body?.cursor).toEqual(expect.any(String));
    expect((await call(url("default"), "GET", "/limits?limit=500")).status).toBe(400);
  });
});

describe("pulumi-limits serve --profile", () => {
  let dataDir = "";
  let spawning: Promise<ServeProcess> | undefined;
  afterAll(async () => {
    // Stopped even when the test timed out before the process said it was listening.
    await (await spawning?.catch(() => undefined))?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  // A process start: seconds on a loaded 2-core machine.
  test("strict starts a strict service and says so", { timeout: 60_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-profile-"));
    spawning = spawnServe({ dataDir, apiKey: TEST_API_KEY, profile: "strict" });
    const served = await spawning;
    expect(served.output()).toContain("profile: strict");
    const created = await call(served.url, "POST", "/limits", { limit_name: "cli", max: 1, properties: { a: "b" } });
    expect(created.body?.limit).toMatchObject({ threshold: 1 });
    expect(created.body?.limit).not.toHaveProperty("properties");
  });

  test("an unknown profile is refused with exit code 2, naming the choices", { timeout: 60_000 }, () => {
    const bin = path.join(packageRoot(), "bin", "pulumi-limits.js");
    const run = spawnSync(process.execPath, [bin, "serve", "--profile", "lenient", "--api-key", "k"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--profile must be default or strict (got 'lenient')");
  });
});
