import { describe, expect } from "vitest";
import { ConflictError, NotFoundError, PayiError, type Limit } from "../../sdk/index.js";
import { test } from "../support/service.js";

// The flows of seed 000 and 001 against the real local service, through the SDK.
describe("limits", () => {
  test("creates a limit with a caller-chosen id and returns it again for an identical create", async ({ service }) => {
    const { client } = service;
    const first = await client.limits.create({
      limit_name: "Limit 1",
      limit_id: "limit_1_id",
      max: 10,
      limit_type: "allow",
      threshold: 0.8,
    });
    expect(first.limit).toMatchObject({
      limit_id: "limit_1_id",
      limit_name: "Limit 1",
      max: 10,
      limit_type: "allow",
      threshold: 0.8,
    });
    const again = await client.limits.create({
      limit_name: "Limit 1",
      limit_id: "limit_1_id",
      max: 10,
      limit_type: "allow",
      threshold: 0.8,
    });
    expect(again.limit.limit_creation_timestamp).toBe(first.limit.limit_creation_timestamp);
  });

  test("refuses '.', '..' and empty ids before sending anything (they would address another path)", async ({ service }) => {
    const { client } = service;
    const { limit } = await client.limits.create({ limit_name: "Kept", max: 10 });
    const sent = service.logs.length;
    for (const id of ["..", ".", ""]) {
      expect(() => client.limits.delete(id)).toThrow(PayiError);
      expect(() => client.limits.retrieve(id)).toThrow(`Invalid path segment ${JSON.stringify(id)}`);
    }
    expect(service.logs.length).toBe(sent);
    expect((await client.limits.retrieve(limit.limit_id)).limit.limit_name).toBe("Kept");
    // Any other id is percent-encoded into one segment, '/' included.
    await expect(client.limits.retrieve("a/../b")).rejects.toMatchObject({ status: 404, code: "limit_not_found" });
  });

  test("generates an id when none is given, and is idempotent on the name", async ({ service }) => {
    const { client } = service;
    const created = await client.limits.create({ limit_name: "Limit 2", max: 10, limit_type: "allow", threshold: 0.8 });
    expect(created.limit.limit_id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await client.limits.create({ limit_name: "Limit 2", max: 10, limit_type: "allow", threshold: 0.8 });
    expect(again.limit.limit_id).toBe(created.limit.limit_id);
  });

  test("rejects a create that reuses a name with different settings, naming the existing limit", async ({ service }) => {
    const { client } = service;
    const { limit } = await client.limits.create({ limit_name: "Monthly Budget", max: 100, threshold: 0.8 });
    const error = await client.limits
      .create({ limit_name: "Monthly Budget", max: 100, threshold: 0.8, limit_type: "block" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: "limit_name_already_exist" });
    expect((error as Error).message).toContain(limit.limit_id);
    const byId = await client.limits.create({ limit_name: "Other", limit_id: limit.limit_id, max: 1 }).catch((e: unknown) => e);
    expect(byId).toMatchObject({ status: 409, code: "duplicate_limit_id" });
  });

  test("retrieves, finds by name, updates max and name, and deletes", async ({ service }) => {
    const { client } = service;
    await client.limits.create({
      limit_name: "Updated Limit",
      limit_id: "update_limit",
      max: 15,
      limit_type: "allow",
      threshold: 0.8,
    });
    expect((await client.limits.retrieve("update_limit")).limit.max).toBe(15);
    const page = await client.limits.list({ limit_name: "Updated Limit" });
    expect(page.items.map((l) => l.limit_id)).toEqual(["update_limit"]);

    expect((await client.limits.update("update_limit", { max: 30 })).limit).toMatchObject({
      max: 30,
      limit_name: "Updated Limit",
    });
    expect((await client.limits.update("update_limit", { limit_name: "New Updated Limit" })).limit).toMatchObject({
      max: 30,
      limit_name: "New Updated Limit",
    });

    expect(await client.limits.delete("update_limit")).toMatchObject({ request_id: expect.any(String) });
    const gone = await client.limits.retrieve("update_limit").catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(gone).toMatchObject({ code: "limit_not_found" });
  });

  test("tracks the worked example exactly: three ingests of 100 in + 150 out on gpt-4o-2024-05-13 cost $0.00525", async ({
    service,
  }) => {
    const { client } = service;
    const { limit } = await client.limits.create({ limit_name: "Monthly Budget", max: 100, limit_type: "allow", threshold: 0.8 });
    for (let i = 0; i < 3; i++) {
      const res = await client.ingest.units({
        category: "system.openai",
        resource: "gpt-4o-2024-05-13",
        units: { text: { input: 100, output: 150 } },
        limit_ids: [limit.limit_id],
        user_id: "user_123",
      });
      expect(res.xproxy_result.cost?.total?.base).toBe(0.00175);
      expect(res.xproxy_result.limits?.[limit.limit_id]?.state).toBe("ok");
    }
    const after = (await client.limits.retrieve(limit.limit_id)).limit;
    expect(after.totals.cost.total.base).toBe(0.00525);
    expect(after.totals.cost.input.base).toBe(0.00075);
    expect(after.totals.cost.output.base).toBe(0.0045);
    expect(after.totals.requests).toMatchObject({ ok: 3, total: 3 });
  });

  test("a $1 block limit reaches overrun through ingest, with exact overrun accounting", async ({ service }) => {
    const { client } = service;
    const { limit } = await client.limits.create({
      limit_name: "Small Instance Limit",
      max: 1,
      limit_type: "block",
      threshold: 0.8,
    });
    const states: string[] = [];
    // 80,000 in + 10,000 out = $0.20 + $0.10 = $0.30 per request.
    for (let i = 0; i < 4; i++) {
      const res = await client.ingest.units({
        category: "system.openai",
        resource: "gpt-4o-2024-05-13",
        units: { text: { input: 80_000, output: 10_000 } },
        limit_ids: [limit.limit_id],
      });
      states.push(res.xproxy_result.limits?.[limit.limit_id]?.state ?? "missing");
    }
    expect(states).toEqual(["ok", "ok", "exceeded", "overrun"]);
    const after = (await client.limits.retrieve(limit.limit_id)).limit;
    expect(after.totals.cost.total).toEqual({ base: 1.2, overrun_base: 0.2 });
    expect(after.totals.requests).toMatchObject({ ok: 2, exceeded: 1, overrun: 1, total: 4 });
  });

  test("refuses a max below current spend, and reset returns the totals before it", async ({ service }) => {
    const { client } = service;
    await client.limits.create({
      limit_name: "Reset limit",
      limit_id: "reset_limit",
      max: 15,
      limit_type: "allow",
      threshold: 0.8,
    });
    await client.ingest.units({
      category: "system.anthropic",
      resource: "claude-3-opus-20240229",
      units: { text: { input: 100_000, output: 20_000 } },
      limit_ids: ["reset_limit"],
    });
    // 100k × $15/M + 20k × $75/M = $1.50 + $1.50
    expect((await client.limits.retrieve("reset_limit")).limit.totals.cost.total.base).toBe(3);
    const tooLow = await client.limits.update("reset_limit", { max: 2 }).catch((e: unknown) => e);
    expect(tooLow).toMatchObject({ status: 400, code: "invalid_max_limit_update" });

    const reset = await client.limits.reset("reset_limit", { reset_date: new Date("2026-12-01T00:00:00.000Z") });
    expect(reset.limit_history).toMatchObject({
      limit_id: "reset_limit",
      limit_name: "Reset limit",
      max: 15,
      limit_reset_timestamp: "2026-12-01T00:00:00.000Z",
    });
    expect(reset.limit_history.totals.cost.total.base).toBe(3);
    expect((await client.limits.retrieve("reset_limit")).limit.totals.cost.total.base).toBe(0);
  });

  test("ingest naming a deleted limit fails with a clear 4xx", async ({ service }) => {
    const { client } = service;
    await client.limits.create({ limit_name: "Delete limit", limit_id: "delete_limit", max: 15 });
    await client.limits.delete("delete_limit");
    const error = await client.ingest
      .units({
        category: "system.openai",
        resource: "gpt-4o",
        units: { text: { input: 1, output: 1 } },
        limit_ids: ["delete_limit"],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: "invalid_limit_ids" });
    expect((error as Error).message).toContain("'delete_limit'");
  });

  test("iterates every limit across more than two pages, in creation order", async ({ service }) => {
    const { client } = service;
    for (let i = 0; i < 7; i++) await client.limits.create({ limit_name: `L${i}`, max: i + 1 });
    const names: string[] = [];
    for await (const limit of client.limits.list({ limit: 3 })) names.push(limit.limit_name);
    expect(names).toEqual(["L0", "L1", "L2", "L3", "L4", "L5", "L6"]);

    const first = await client.limits.list({ limit: 3, sort_ascending: false });
    expect(first.items.map((l: Limit) => l.limit_name)).toEqual(["L6", "L5", "L4"]);
    expect(first.hasNextPage()).toBe(true);
    // A cursor stays valid while limits are added.
    await client.limits.create({ limit_name: "L7", max: 8 });
    const second = await first.getNextPage();
    expect(second.items.map((l) => l.limit_name)).toEqual(["L3", "L2", "L1"]);
    const third = await second.getNextPage();
    expect(third.items.map((l) => l.limit_name)).toEqual(["L0"]);
    expect(third.hasNextPage()).toBe(false);
  });

  test("pages hold 25 limits by default and at most 100", async ({ service }) => {
    const { client } = service;
    for (let i = 0; i < 27; i++) await client.limits.create({ limit_name: `P${i}`, max: 1 });
    const first = await client.limits.list();
    expect(first.items).toHaveLength(25);
    expect(first.hasNextPage()).toBe(true);
    expect((await first.getNextPage()).items.map((l) => l.limit_name)).toEqual(["P25", "P26"]);
    await expect(client.limits.list({ limit: 101 })).rejects.toMatchObject({
      status: 400,
      code: "invalid_query",
      message: expect.stringContaining("limit must be between 1 and 100"),
    });
  });

  test("merges properties, a null removing a key", async ({ service }) => {
    const { client } = service;
    await client.limits.create({ limit_name: "P", limit_id: "p", max: 5, properties: { team: "ml", env: "dev" } });
    const res = await client.limits.properties.update("p", { properties: { env: null, owner: "ana" } });
    expect(res).toHaveLength(1);
    expect(res[0]?.limit.properties).toEqual({ team: "ml", owner: "ana" });
  });
});
