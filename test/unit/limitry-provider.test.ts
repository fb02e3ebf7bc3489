import { describe, expect } from "vitest";
import { checkLimit, checkMeter } from "../../provider/limitry/inputs.js";
import { limitProvider, meterProvider, type LimitOutputs, type MeterOutputs } from "../../provider/limitry/providers.js";
import { Limitry } from "../../sdk/limitry/index.js";
import { startDroppingProxy } from "../support/dropping-proxy.js";
import { test } from "../support/limitry-service.js";
import { TEST_API_KEY } from "../support/service.js";

// Provider methods called directly against the real local service (no engine).
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const meterArgs = {
  name: "Total Tokens",
  aggregation: "sum",
  field: "values.tokens",
  eventFilter: { eventType: "llm.completion" },
} as const;
const limitArgs = {
  name: "Daily token limit",
  meterId: "mtr_1",
  limitValue: 100_000,
  period: "day",
  customerId: "cust_123",
} as const;

describe("check", () => {
  test("valid inputs pass with defaults applied", () => {
    expect(checkLimit({ ...limitArgs })).toEqual({ inputs: { ...limitArgs, dimensionFilters: {} } });
    expect(checkMeter({ ...meterArgs, __provider: "stub" })).toEqual({ inputs: meterArgs });
  });

  test.for([
    [{ ...limitArgs, limitValue: 0 }, "limitValue", "limitValue must be an integer greater than 0 (got 0)"],
    [{ ...limitArgs, period: "minute" }, "period", 'period: expected one of "hour"|"day"|"week"|"month"|"annual"|"all_time"'],
    [
      { ...limitArgs, alertThresholds: [50, 50] },
      "alertThresholds",
      "alertThresholds[1] must not repeat an earlier threshold (got 50)",
    ],
    [
      { ...limitArgs, dimensionFilters: { "bad key": "x" } },
      "dimensionFilters",
      "dimensionFilters keys must be letters, digits or _, up to 64 (got 'bad key')",
    ],
  ] as const)("a limit failing %#: names %s and the rule", ([news, property, reason]) => {
    expect(checkLimit({ ...news }).failures).toEqual([{ property, reason }]);
  });

  test("a meter with '*' and sum fails on field", () => {
    expect(checkMeter({ ...meterArgs, field: "*" }).failures).toEqual([
      { property: "field", reason: "field may be '*' only with aggregation count (aggregation is sum) (got '*')" },
    ]);
  });

  test("known fields are still checked while the meter id is unknown; the engine's values are kept", () => {
    const pending = { ...limitArgs, meterId: UNKNOWN };
    expect(checkLimit(pending)).toEqual({ inputs: pending });
    expect(checkLimit({ ...pending, limitValue: -5 }).failures).toEqual([
      { property: "limitValue", reason: "limitValue must be an integer greater than 0 (got -5)" },
    ]);
    expect(checkLimit({ ...pending, dimensionFilters: { model: UNKNOWN }, alertThresholds: [101] }).failures).toEqual([
      { property: "alertThresholds", reason: "alertThresholds[0] must be an integer between 1 and 100 (got 101)" },
    ]);
  });
});

describe("diff, create, read, update, delete", () => {
  test("meter: name and description update in place; aggregation, field and filter replace", async ({ limitry }) => {
    const p = meterProvider(() => limitry.client);
    const created = await p.create({ ...meterArgs });
    const olds = created.outs;
    expect(olds).toMatchObject({ ...meterArgs, meterId: created.id });
    expect(await p.diff(created.id, olds, { ...meterArgs })).toEqual({ changes: false });
    expect(await p.diff(created.id, olds, { ...meterArgs, name: "Tokens", description: "LLM" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    for (const change of [
      { aggregation: "max" },
      { field: "values.total" },
      { eventFilter: { eventType: "llm.embedding" } },
    ] satisfies Array<Partial<MeterOutputs>>) {
      const diff = await p.diff(created.id, olds, { ...meterArgs, ...change });
      expect(diff.replaces).toEqual(Object.keys(change));
    }
    const { outs } = await p.update(created.id, olds, { ...meterArgs, description: "LLM tokens" });
    expect(outs).toMatchObject({ description: "LLM tokens", meterId: created.id });
    expect((await limitry.client.meters.retrieve(created.id)).description).toBe("LLM tokens");
  });

  test("limit: name, value and thresholds update in place sending only what changed; what is counted replaces", async ({
    limitry,
  }) => {
    const meter = await limitry.client.meters.create({ ...meterArgs });
    const p = limitProvider(() => limitry.client);
    const inputs = { ...limitArgs, meterId: meter.id, dimensionFilters: {}, alertThresholds: [50, 80, 100] };
    const created = await p.create(inputs);
    const olds = created.outs;
    expect(await p.diff(created.id, olds, inputs)).toEqual({ changes: false });
    expect((await p.diff(created.id, olds, { ...inputs, limitValue: 5, alertThresholds: undefined })).replaces).toEqual([]);
    for (const change of [
      { meterId: "mtr_other" },
      { period: "week" },
      { customerId: "cust_9" },
      { dimensionFilters: { model: "gpt-4" } },
    ] satisfies Array<Partial<LimitOutputs>>) {
      expect((await p.diff(created.id, olds, { ...inputs, ...change })).replaces).toEqual(Object.keys(change));
    }
    // An out-of-band rename must survive an update that only changes the value.
    await limitry.client.limits.update(created.id, { name: "Renamed elsewhere" });
    await p.update(created.id, olds, { ...inputs, limitValue: 5, alertThresholds: undefined });
    expect(await limitry.client.limits.retrieve(created.id)).toMatchObject({
      name: "Renamed elsewhere",
      limitValue: 5,
      alertThresholds: null,
    });
  });

  test("read reports drift and drops a deleted object; delete of a gone object succeeds", async ({ limitry }) => {
    const meter = await limitry.client.meters.create({ ...meterArgs });
    const p = limitProvider(() => limitry.client);
    const { id, outs } = await p.create({ ...limitArgs, meterId: meter.id, dimensionFilters: {} });
    await limitry.client.limits.update(id, { limitValue: 7 });
    expect((await p.read(id, outs)).inputs).toMatchObject({ limitValue: 7 });
    await p.delete(id, outs);
    expect(await p.read(id, outs)).toEqual({});
    await expect(p.delete(id, outs)).resolves.toBeUndefined();
  });

  test("adoptId takes over an existing limit when what it counts matches, and refuses otherwise", async ({ limitry }) => {
    const meter = await limitry.client.meters.create({ ...meterArgs });
    const existing = await limitry.client.limits.create({ ...limitArgs, meterId: meter.id });
    const p = limitProvider(() => limitry.client);
    const adopted = await p.create({
      ...limitArgs,
      meterId: meter.id,
      dimensionFilters: {},
      limitValue: 150_000,
      adoptId: existing.id,
    });
    expect(adopted.id).toBe(existing.id);
    expect((await limitry.client.limits.retrieve(existing.id)).limitValue).toBe(150_000);
    await expect(
      p.create({ ...limitArgs, meterId: meter.id, dimensionFilters: {}, period: "week", adoptId: existing.id }),
    ).rejects.toThrow(`cannot adopt Limitry limit ${existing.id}: its period differs from the declaration (period "day")`);
    expect((await limitry.client.limits.list()).items).toHaveLength(1);
  });
});

describe("a create whose answer is lost", () => {
  /** The provider's client behind a proxy that loses every call's first answer after the service applied it. */
  async function lossyClient(serviceUrl: string) {
    const proxy = await startDroppingProxy(serviceUrl);
    const client = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 2 });
    return {
      client,
      async [Symbol.asyncDispose]() {
        await client.close();
        await proxy.close();
      },
    };
  }

  // Limitry honours Idempotency-Key and the SDK resends a write with the same key: the retry is answered with
  // what the lost attempt made.
  test("limit: the retry answers with the limit the lost attempt made; exactly one exists", async ({ limitry }) => {
    await using lossy = await lossyClient(limitry.url);
    const meter = await limitry.client.meters.create({ ...meterArgs });
    const created = await limitProvider(() => lossy.client).create({ ...limitArgs, meterId: meter.id, dimensionFilters: {} });
    expect((await limitry.client.limits.list()).items.map((l) => l.id)).toEqual([created.id]);
  });

  test("meter: the retry answers with the meter the lost attempt made; exactly one exists", async ({ limitry }) => {
    await using lossy = await lossyClient(limitry.url);
    const created = await meterProvider(() => lossy.client).create({ ...meterArgs });
    expect((await limitry.client.meters.list()).items.map((m) => m.id)).toEqual([created.id]);
  });
});

describe("a create repeated by a rerun (idempotency key from the stack instance, the resource and its declaration)", () => {
  const stackA = { instance: "instance-a", idSeed: "organization/project/prod/daily" };
  const stackB = { instance: "instance-b", idSeed: "organization/project/prod/daily" };
  /** A fresh provider, as each run's provider process is. */
  const run = (client: Limitry) => limitProvider(() => client);
  const ids = async (client: Limitry) => (await client.limits.list()).items.map((l) => l.id);

  test("the rerun of a killed create takes over what it made, converging what changed since; one limit exists", async ({
    limitry,
  }) => {
    const meter = await limitry.client.meters.create({ ...meterArgs });
    const inputs = { ...limitArgs, meterId: meter.id, dimensionFilters: {}, ...stackA };
    const first = await run(limitry.client).create(inputs);
    await limitry.client.limits.update(first.id, { limitValue: 5 });
    const rerun = await run(limitry.client).create(inputs);
    expect(rerun.id).toBe(first.id);
    expect(await ids(limitry.client)).toEqual([first.id]);
    expect((await limitry.client.limits.retrieve(first.id)).limitValue).toBe(limitArgs.limitValue);
  });

  test("declared again after a destroy: the replayed answer names a deleted limit, so a new one is made, and its rerun takes that one", async ({
    limitry,
  }) => {
    const meter = await limitry.client.meters.create({ ...meterArgs });
    const inputs = { ...limitArgs, meterId: meter.id, dimensionFilters: {}, ...stackA };
    const first = await run(limitry.client).create(inputs);
    await run(limitry.client).delete(first.id, first.outs);
    const again = await run(limitry.client).create(inputs);
    expect(again.id).not.toBe(first.id);
    expect(await run(limitry.client).create(inputs)).toMatchObject({ id: again.id });
    expect(await ids(limitry.client)).toEqual([again.id]);
  });

  test("a forced replace of an unchanged declaration keeps the limit: the replaced resource's delete leaves it", async ({
    limitry,
  }) => {
    const meter = await limitry.client.meters.create({ ...meterArgs });
    const inputs = { ...limitArgs, meterId: meter.id, dimensionFilters: {}, ...stackA };
    const old = await run(limitry.client).create(inputs);
    const replacing = run(limitry.client);
    const replacement = await replacing.create(inputs);
    expect(replacement.id).toBe(old.id);
    await replacing.delete(old.id, old.outs);
    expect(await ids(limitry.client)).toEqual([old.id]);
  });

  test("another stack instance applying the same declaration is refused with the adopt advice; nothing is doubled", async ({
    limitry,
  }) => {
    const meter = await limitry.client.meters.create({ ...meterArgs });
    const inputs = { ...limitArgs, meterId: meter.id, dimensionFilters: {} };
    const mine = await run(limitry.client).create({ ...inputs, ...stackA });
    await expect(run(limitry.client).create({ ...inputs, ...stackB })).rejects.toThrow(
      `Limitry already has a limit named 'Daily token limit' counting the same, which this resource did not create: ${mine.id}`,
    );
    await expect(run(limitry.client).create({ ...inputs, ...stackB })).rejects.toThrow(`set adoptId: "${mine.id}"`);
    expect(await ids(limitry.client)).toEqual([mine.id]);
    // Another name, or another customer, is another cap.
    await run(limitry.client).create({ ...inputs, ...stackB, customerId: "cust_other" });
    expect(await ids(limitry.client)).toHaveLength(2);
  });

  test("meters: the rerun takes over the meter the killed create made; another stack's same meter is refused", async ({
    limitry,
  }) => {
    const first = await meterProvider(() => limitry.client).create({ ...meterArgs, ...stackA });
    expect(await meterProvider(() => limitry.client).create({ ...meterArgs, ...stackA })).toMatchObject({ id: first.id });
    await expect(meterProvider(() => limitry.client).create({ ...meterArgs, ...stackB })).rejects.toThrow(
      `set adoptId: "${first.id}"`,
    );
    expect((await limitry.client.meters.list()).items.map((m) => m.id)).toEqual([first.id]);
  });
});
