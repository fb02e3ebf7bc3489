import { describe, expect } from "vitest";
import type { Aggregation, Limitry } from "../../sdk/limitry/index.js";
import { test } from "../support/limitry-service.js";

// Recording keeps a running usage per limit and customer (what alerts compare) instead of re-aggregating the
// window on every event; these pin that it always equals what check computes from the stored events.

const every = Array.from({ length: 100 }, (_, i) => i + 1);

async function setup(client: Limitry, aggregation: Aggregation, extra: { dimensionFilters?: Record<string, string> } = {}) {
  const meter = await client.meters.create({
    name: aggregation,
    aggregation,
    field: aggregation === "count" ? "*" : "values.tokens",
    eventFilter: { eventType: "llm" },
  });
  // Thresholds at every percent of 100: each new usage level fires an alert carrying it.
  const limit = await client.limits.create({
    name: aggregation,
    meterId: meter.id,
    limitValue: 100,
    period: "day",
    customerId: "c1",
    alertThresholds: every,
    ...extra,
  });
  const record = (tokens: number, more: { timestamp?: string; dimensions?: Record<string, string> } = {}) =>
    client.events.record({ customerId: "c1", eventType: "llm", values: { tokens }, ...more });
  const used = async () => (await client.limits.check({ customerId: "c1" })).limits.find((l) => l.id === limit.id)?.used;
  /** The usage the newest alert carried. */
  const alerted = async () => {
    let last: number | undefined;
    for await (const alert of client.alerts.list({ limitId: limit.id })) last = alert.data.currentUsage;
    return last;
  };
  return { meter, limit, record, used, alerted };
}

describe("running usage equals what check counts", () => {
  test("sum over single records and a batch, with a value-less event and another customer's", async ({ limitry }) => {
    const { client } = limitry;
    const s = await setup(client, "sum");
    await s.record(10);
    expect([await s.alerted(), await s.used()]).toEqual([10, 10]);
    await client.events.batch({
      events: [
        { customerId: "c1", eventType: "llm", values: { tokens: 5 } },
        { customerId: "c1", eventType: "llm" },
        { customerId: "c2", eventType: "llm", values: { tokens: 50 } },
        { customerId: "c1", eventType: "other", values: { tokens: 50 } },
        { customerId: "c1", eventType: "llm", values: { tokens: 7 } },
      ],
    });
    expect([await s.alerted(), await s.used()]).toEqual([22, 22]);
  });

  test("count and max", async ({ limitry }) => {
    const { client } = limitry;
    const count = await setup(client, "count");
    await count.record(1);
    await count.record(1);
    expect([await count.alerted(), await count.used()]).toEqual([2, 2]);
    const max = await setup(client, "max");
    await max.record(30);
    await max.record(20);
    await max.record(45);
    expect([await max.alerted(), await max.used()]).toEqual([45, 45]);
  });

  test("latest follows event time, not arrival: a backdated event does not replace a newer one", async ({ limitry }) => {
    const { client } = limitry;
    const s = await setup(client, "latest");
    await s.record(10, { timestamp: "2026-03-10T11:00:00Z" });
    await s.record(50, { timestamp: "2026-03-10T11:30:00Z" });
    await s.record(90, { timestamp: "2026-03-10T10:00:00Z" });
    expect([await s.alerted(), await s.used()]).toEqual([50, 50]);
    await s.record(95, { timestamp: "2026-03-10T11:30:00Z" });
    expect([await s.alerted(), await s.used()]).toEqual([95, 95]);
  });

  test("a limit made after events starts from them; an update or a new window recomputes", async ({ limitry }) => {
    const { client, setNow } = limitry;
    await client.events.record({ customerId: "c1", eventType: "llm", values: { tokens: 40 }, dimensions: { model: "a" } });
    const s = await setup(client, "sum", { dimensionFilters: { model: "a" } });
    await s.record(1, { dimensions: { model: "a" } });
    expect([await s.alerted(), await s.used()]).toEqual([41, 41]);
    await s.record(30, { dimensions: { model: "b" } });
    // Now counting model b only: 30 so far, then 3 more.
    await client.limits.update(s.limit.id, { dimensionFilters: { model: "b" }, limitValue: 1000 });
    await client.limits.update(s.limit.id, { limitValue: 100 });
    await s.record(3, { dimensions: { model: "b" } });
    expect(await s.used()).toBe(33);
    // 33 % was not reached before (the model-a usage reached 41 % in the same window, already fired).
    await s.record(10, { dimensions: { model: "b" } });
    expect([await s.alerted(), await s.used()]).toEqual([43, 43]);
    setNow("2026-03-11T09:00:00Z");
    await s.record(2, { dimensions: { model: "b" } });
    expect([await s.alerted(), await s.used()]).toEqual([2, 2]);
    setNow("2026-03-10T12:00:00Z");
  });

  test("a meter update recomputes the usage of the limits counting it", async ({ limitry }) => {
    const { client } = limitry;
    const s = await setup(client, "sum");
    await s.record(20);
    await client.meters.update(s.meter.id, { eventFilter: { eventType: "llm", dimensions: { model: "a" } } });
    await s.record(4, { dimensions: { model: "a" } });
    expect(await s.used()).toBe(4);
    await s.record(21, { dimensions: { model: "a" } });
    expect([await s.alerted(), await s.used()]).toEqual([25, 25]);
  });
});
