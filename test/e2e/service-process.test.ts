import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { Payi } from "../../sdk/index.js";
import { spawnServe } from "../support/serve-process.js";

const KEY = "process-test-key";
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-proc-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

test("every acknowledged write survives kill -9 and a restart", async () => {
  const first = await spawnServe({ dataDir, apiKey: KEY });
  const client = new Payi({ apiKey: KEY, baseURL: first.url, maxRetries: 0 });
  let expectedTotal = 0;
  for (let i = 0; i < 20; i++) {
    await client.limits.create({ limit_name: `durable-${i}`, limit_id: `d${i}`, max: 100 });
    const res = await client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1000 + i, output: 10 } },
      limit_ids: [`d${i}`, "d0"],
    });
    expectedTotal += res.xproxy_result.cost?.total?.base ?? 0;
  }
  first.child.kill("SIGKILL");
  expect(await first.exited).toBe("SIGKILL");
  await client.close();

  const second = await spawnServe({ dataDir, apiKey: KEY });
  const after = new Payi({ apiKey: KEY, baseURL: second.url, maxRetries: 0 });
  const names = [];
  for await (const l of after.limits.list()) names.push(l.limit_name);
  expect(names).toHaveLength(20);
  expect((await after.limits.retrieve("d0")).limit.totals.cost.total.base).toBeCloseTo(expectedTotal, 10);
  expect((await after.limits.retrieve("d0")).limit.totals.requests.total).toBe(20);
  await after.close();

  second.child.kill("SIGTERM");
  expect(await second.exited).toBe(0);
  expect(second.output()).toContain("SIGTERM received, shutting down");
});

test("concurrent ingests from 8 clients never lose an update: the total is the exact sum of returned costs", async () => {
  const svc = await spawnServe({ dataDir, apiKey: KEY });
  const setup = new Payi({ apiKey: KEY, baseURL: svc.url });
  await setup.limits.create({ limit_name: "shared", limit_id: "shared", max: 1_000_000 });
  const clients = Array.from({ length: 8 }, () => new Payi({ apiKey: KEY, baseURL: svc.url }));
  const costs = await Promise.all(
    clients.map(async (c, worker) => {
      let units = 0n;
      for (let i = 0; i < 50; i++) {
        const res = await c.ingest.units({
          category: "system.openai",
          resource: "gpt-4o-2024-05-13",
          units: { text: { input: 100 + worker, output: 7 * i } },
          limit_ids: ["shared"],
        });
        // Sum in exact 1e-10 USD units, as the service does.
        units += BigInt(Math.round((res.xproxy_result.cost?.total?.base ?? 0) * 1e10));
      }
      return units;
    }),
  );
  const expected = costs.reduce((a, b) => a + b, 0n);
  const limit = (await setup.limits.retrieve("shared")).limit;
  expect(BigInt(Math.round(limit.totals.cost.total.base * 1e10))).toBe(expected);
  expect(limit.totals.requests.total).toBe(400);
  await Promise.all([setup, ...clients].map((c) => c.close()));
  svc.child.kill("SIGTERM");
  expect(await svc.exited).toBe(0);
});

test("PAYI_API_KEY may hold several keys, each accepted; others get 401", async () => {
  const svc = await spawnServe({ dataDir, env: { ...process.env, PAYI_API_KEY: "team-a, team-b" } });
  for (const apiKey of ["team-a", "team-b"]) {
    const client = new Payi({ apiKey, baseURL: svc.url, maxRetries: 0 });
    expect((await client.limits.list()).items).toEqual([]);
    await client.close();
  }
  const stranger = new Payi({ apiKey: "team-c", baseURL: svc.url, maxRetries: 0 });
  await expect(stranger.limits.list()).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
  await stranger.close();
  expect(await svc.stop()).toBe(0);
});

test("serve without a key, or with a bad port, exits 2 with a one-line reason", async () => {
  const { spawnSync } = await import("node:child_process");
  const bin = path.resolve(__dirname, "..", "..", "bin", "pulumi-limits.js");
  const env = { ...process.env };
  delete env["PAYI_API_KEY"];
  const noKey = spawnSync(process.execPath, [bin, "serve", "--port", "0"], { env, encoding: "utf8" });
  expect(noKey.status).toBe(2);
  expect(noKey.stderr.trim()).toBe("pulumi-limits: serve needs an API key: pass --api-key KEY or set PAYI_API_KEY");
  const badPort = spawnSync(process.execPath, [bin, "serve", "--port", "http", "--api-key", "k"], { env, encoding: "utf8" });
  expect(badPort.status).toBe(2);
  expect(badPort.stderr).toContain("--port must be a whole number between 0 and 65535 (got 'http')");
});
