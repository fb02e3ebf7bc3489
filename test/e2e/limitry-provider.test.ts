import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, describe, expect, test } from "vitest";
import { limitry } from "../../provider/index.js";
import { Limitry, type Limit as ApiLimit } from "../../sdk/limitry/index.js";
import { inlineStack } from "../support/pulumi.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

const env = useServiceAndBackend();
let api: Limitry | undefined;
const client = (): Limitry => {
  api ??= new Limitry({ apiKey: TEST_API_KEY, baseURL: `${env.service().url}/v1`, maxRetries: 0 });
  return api;
};
afterAll(async () => api?.close());

interface Declared {
  meter: limitry.MeterArgs;
  /** Limit inputs; `meterId` comes from the meter resource. */
  daily: Omit<limitry.LimitArgs, "meterId">;
  gpt4: Omit<limitry.LimitArgs, "meterId">;
}

/** Seed 003: the token meter, a daily per-customer limit with alerts, a GPT-4 limit. */
function seed(): Declared {
  return {
    meter: { name: "Total Tokens", aggregation: "sum", field: "values.tokens", eventFilter: { eventType: "llm.completion" } },
    daily: {
      name: "Daily token limit",
      limitValue: 100_000,
      period: "day",
      customerId: "cust_123",
      alertThresholds: [50, 80, 100],
    },
    gpt4: {
      name: "GPT-4 daily limit",
      limitValue: 50_000,
      period: "day",
      customerId: "cust_123",
      dimensionFilters: { model: "gpt-4" },
    },
  };
}

async function limitryStack(project: string, declared: () => Declared) {
  const stack = await inlineStack(env.backend(), project, async () => {
    const d = declared();
    const meter = new limitry.Meter("tokens", d.meter);
    const daily = new limitry.Limit("daily", { ...d.daily, meterId: meter.id });
    const gpt4 = new limitry.Limit("gpt4", { ...d.gpt4, meterId: meter.id });
    return { meterId: meter.meterId, dailyId: daily.limitId, gpt4Id: gpt4.limitId };
  });
  await stack.setConfig("limitry:apiKey", { value: TEST_API_KEY, secret: true });
  await stack.setConfig("limitry:baseUrl", { value: `${env.service().url}/v1` });
  return stack;
}

async function serviceLimits(): Promise<ApiLimit[]> {
  const all: ApiLimit[] = [];
  for await (const l of client().limits.list()) all.push(l);
  return all;
}

function stepsOf(events: EngineEvent[], resource: string): string[] {
  return events.flatMap((e) => {
    const meta = e.resOutputsEvent?.metadata;
    return meta?.urn.endsWith(`::${resource}`) ? [meta.op] : [];
  });
}

const idOf = (outputs: Record<string, { value: unknown }>, key: string): string => String(outputs[key]?.value);

describe("limitry.Meter and limitry.Limit against the real engine", () => {
  test("create, no-op preview, in-place update, replace, drift and destroy", async () => {
    let declared = seed();
    const stack = await limitryStack("limitry", () => declared);

    // create: the limits take the meter's id, unknown until the meter exists.
    const up = await stack.up();
    // The stack, a meter, two limits and the StackInstance their creates' idempotency keys name.
    expect(up.summary.resourceChanges).toEqual({ create: 5 });
    const meterId = idOf(up.outputs, "meterId");
    const dailyId = idOf(up.outputs, "dailyId");
    expect(meterId).toMatch(/^mtr_/);
    const created = (await serviceLimits()).map((l) => [
      l.name,
      l.meterId,
      l.limitValue,
      l.period,
      l.customerId,
      l.dimensionFilters,
      l.alertThresholds,
    ]);
    expect(created.sort()).toEqual([
      ["Daily token limit", meterId, 100_000, "day", "cust_123", {}, [50, 80, 100]],
      ["GPT-4 daily limit", meterId, 50_000, "day", "cust_123", { model: "gpt-4" }, null],
    ]);
    const urns = (await stack.exportStack()).deployment.resources.map((r: { type: string }) => r.type);
    expect(urns).toContain("pulumi-nodejs:dynamic/limitry:Meter");
    expect(urns).toContain("pulumi-nodejs:dynamic/limitry:Limit");

    // no-op preview
    expect((await stack.preview()).changeSummary).toEqual({ same: 5 });

    // in place: limit value, alert thresholds, name, and the meter's description keep their ids.
    declared = {
      ...declared,
      meter: { ...declared.meter, description: "LLM tokens" },
      daily: { ...declared.daily, name: "Daily tokens", limitValue: 200_000, alertThresholds: [75, 90, 100] },
    };
    expect((await stack.preview()).changeSummary).toEqual({ same: 3, update: 2 });
    const updated = await stack.up();
    expect(updated.summary.resourceChanges).toEqual({ same: 3, update: 2 });
    expect([idOf(updated.outputs, "meterId"), idOf(updated.outputs, "dailyId")]).toEqual([meterId, dailyId]);
    expect(await client().limits.retrieve(dailyId)).toMatchObject({
      name: "Daily tokens",
      limitValue: 200_000,
      alertThresholds: [75, 90, 100],
    });
    expect(await client().meters.retrieve(meterId)).toMatchObject({ description: "LLM tokens", aggregation: "sum" });

    // replace: a new period is a new limit, created before the old one goes; preview warns.
    declared = { ...declared, daily: { ...declared.daily, period: "week" } };
    const warnings: string[] = [];
    await stack.preview({
      onEvent: (e) => e.diagnosticEvent?.severity === "warning" && warnings.push(e.diagnosticEvent.message),
    });
    expect(warnings).toEqual([
      `replacing Limitry limit 'Daily tokens' (${dailyId}) for customer 'cust_123' to change period: it gets a new id and counts what the new definition matches; alerts already sent this window may fire again\n`,
    ]);
    const events: EngineEvent[] = [];
    const replaced = await stack.up({ onEvent: (e) => events.push(e) });
    expect(replaced.summary.resourceChanges).toEqual({ same: 4, replace: 1 });
    const ops = stepsOf(events, "daily");
    expect(ops.indexOf("create-replacement")).toBeLessThan(ops.indexOf("delete-replaced"));
    const weeklyId = idOf(replaced.outputs, "dailyId");
    expect(weeklyId).not.toBe(dailyId);
    await expect(client().limits.retrieve(dailyId)).rejects.toMatchObject({ status: 404, code: "limit_not_found" });
    expect(await client().limits.retrieve(weeklyId)).toMatchObject({ period: "week", limitValue: 200_000 });

    // A new meter field replaces the meter and, through meterId, both limits; the old meter goes last.
    declared = { ...declared, meter: { ...declared.meter, field: "values.total_tokens" } };
    const remetered = await stack.up();
    expect(remetered.summary.resourceChanges).toEqual({ same: 2, replace: 3 });
    const newMeterId = idOf(remetered.outputs, "meterId");
    expect(newMeterId).not.toBe(meterId);
    expect((await serviceLimits()).map((l) => l.meterId)).toEqual([newMeterId, newMeterId]);
    await expect(client().meters.retrieve(meterId)).rejects.toMatchObject({ code: "meter_not_found" });

    // drift: an out-of-band edit shows on refresh, and up puts the declared value back.
    const limitNow = idOf(remetered.outputs, "dailyId");
    await client().limits.update(limitNow, { limitValue: 1 });
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
    expect((await stack.preview()).changeSummary).toMatchObject({ update: 1 });
    await stack.up();
    expect((await client().limits.retrieve(limitNow)).limitValue).toBe(200_000);

    // deleted behind Pulumi's back: refresh drops it, up recreates it.
    await client().limits.delete(limitNow);
    expect((await stack.refresh()).summary.resourceChanges).toMatchObject({ delete: 1 });
    expect((await stack.up()).summary.resourceChanges).toMatchObject({ create: 1 });

    // The key never reaches state.
    expect(await readAll(env.backend().dir)).not.toContain(TEST_API_KEY);

    // destroy leaves nothing.
    await stack.destroy();
    expect(await serviceLimits()).toEqual([]);
    expect((await client().meters.list()).items).toEqual([]);
  });

  test("bad inputs fail at preview naming the property, even while the meter id is unknown", async () => {
    const declared = seed();
    declared.meter = { ...declared.meter, name: "Never created" };
    declared.daily = { ...declared.daily, limitValue: 0, alertThresholds: [50, 150] };
    const stack = await limitryStack("limitry-invalid", () => declared);
    const error = await stack.preview().catch((e: unknown) => String(e));
    expect(error).toContain("limitValue must be an integer greater than 0 (got 0)");
    expect(error).toContain("alertThresholds[1] must be an integer between 1 and 100 (got 150)");
    expect((await client().meters.list()).items.filter((m) => m.name === "Never created")).toEqual([]);
  });
});

async function readAll(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries.filter((e) => e.isFile()).map((f) => readFile(path.join(f.parentPath, f.name), "utf8").catch(() => "")),
  );
  return texts.join("\n");
}
