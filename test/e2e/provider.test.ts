import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { describe, expect, test } from "vitest";
import { Limit, PROVIDER_VERSION, UseCaseDefinition, UseCaseLimitConfig, type LimitArgs } from "../../provider/index.js";
import { storedLimitProperties } from "../support/limit-settings.js";
import { inlineStack } from "../support/pulumi.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

const env = useServiceAndBackend();

/** The seed's multi-layered budgets (seed 001, "Real-World Example"), keyed by resource name. */
function seedBudgets(): Record<string, LimitArgs> {
  return {
    daily: { limitName: "Daily Safety Cap", max: 50, limitType: "block", threshold: 0.9, properties: { scope: "daily" } },
    monthly: { limitName: "Monthly Budget", max: 1000, limitType: "allow", threshold: 0.8 },
    premium: { limitName: "Premium Model Usage", max: 300, limitType: "allow", threshold: 0.83 },
  };
}

async function budgetStack(project: string, declared: () => Record<string, LimitArgs>, withUseCase = false) {
  const stack = await inlineStack(env.backend(), project, async () => {
    const outputs: Record<string, unknown> = {};
    for (const [name, args] of Object.entries(declared())) {
      const limit = new Limit(name, args);
      outputs[name] = { limitId: limit.limitId, state: limit.state, spendUsd: limit.spendUsd };
    }
    if (withUseCase) {
      const def = new UseCaseDefinition("teach-me", { name: "teach_me", description: "Example use case" });
      new UseCaseLimitConfig("teach-me-limit", { useCaseName: def.name, max: 0.05, limitType: "allow", threshold: 0.8 });
    }
    return outputs;
  });
  await stack.setConfig("payi:apiKey", { value: TEST_API_KEY, secret: true });
  await stack.setConfig("payi:baseUrl", { value: env.service().url });
  return stack;
}

/** Step operations per resource name, in the order the engine ran them. */
function stepsOf(events: EngineEvent[]): Array<[string, string]> {
  return events.flatMap((e) => {
    const meta = e.resOutputsEvent?.metadata;
    return meta ? [[meta.urn.split("::").at(-1) ?? "", meta.op] as [string, string]] : [];
  });
}

async function serviceLimits() {
  const all = [];
  for await (const l of env.service().client.limits.list()) all.push(l);
  return all;
}

describe("Limit, UseCaseDefinition and UseCaseLimitConfig against the real engine", () => {
  test("converge, update in place, replace both ways, report drift and clean up", async () => {
    let budgets = seedBudgets();
    const stack = await budgetStack("budgets", () => budgets, true);

    // up: three layered limits and a use case with a limit config.
    const up = await stack.up();
    // Six resources, the stack and its StackInstance identity (provider/identity.ts).
    expect(up.summary.resourceChanges).toEqual({ create: 7 });
    const ids = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, (v.value as { limitId: string }).limitId]));
    expect((await serviceLimits()).map((l) => [l.limit_name, l.max, l.limit_type, l.threshold]).sort()).toEqual([
      ["Daily Safety Cap", 50, "block", 0.9],
      ["Monthly Budget", 1000, "allow", 0.8],
      ["Premium Model Usage", 300, "allow", 0.83],
    ]);
    expect((await env.service().client.useCases.definitions.retrieve("teach_me")).limit_config).toMatchObject({
      max: 0.05,
      threshold: 0.8,
    });

    // No changes: nothing to do.
    expect((await stack.preview()).changeSummary).toEqual({ same: 7 });

    // A new max updates in place: same limit id, the service has the new max.
    budgets = { ...budgets, monthly: { ...budgets["monthly"], max: 1200 } as LimitArgs };
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 6, update: 1 });
    const bumped = await stack.up();
    expect(bumped.summary.resourceChanges).toEqual({ same: 6, update: 1 });
    expect((bumped.outputs["monthly"]?.value as { limitId: string }).limitId).toBe(ids["monthly"]);
    expect((await env.service().client.limits.retrieve(ids["monthly"] ?? "")).limit.max).toBe(1200);

    // A new threshold keeping the name replaces, deleting the old limit first (names are unique);
    // preview warns that the limit's tracked spend goes with it.
    await env.service().client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1000, output: 1000 } },
      limit_ids: [ids["daily"] ?? ""],
    });
    budgets = { ...budgets, daily: { ...budgets["daily"], threshold: 0.95 } as LimitArgs };
    const warnings: string[] = [];
    await stack.preview({
      onEvent: (e) => e.diagnosticEvent?.severity === "warning" && warnings.push(e.diagnosticEvent.message),
    });
    expect(warnings).toEqual([
      `replacing limit 'Daily Safety Cap' (${ids["daily"]}) to change threshold discards its tracked spend of $0.01250; the new limit starts at $0\n`,
    ]);
    const events: EngineEvent[] = [];
    const replaced = await stack.up({ onEvent: (e) => events.push(e) });
    expect(replaced.summary.resourceChanges).toEqual({ same: 6, replace: 1 });
    const dailyOps = stepsOf(events)
      .filter(([name]) => name === "daily")
      .map(([, op]) => op);
    expect(dailyOps.indexOf("delete-replaced")).toBeGreaterThanOrEqual(0);
    expect(dailyOps.indexOf("delete-replaced")).toBeLessThan(dailyOps.indexOf("create-replacement"));
    const newDaily = (replaced.outputs["daily"]?.value as { limitId: string }).limitId;
    expect(newDaily).not.toBe(ids["daily"]);
    await expect(env.service().client.limits.retrieve(ids["daily"] ?? "")).rejects.toMatchObject({ code: "limit_not_found" });
    expect((await env.service().client.limits.retrieve(newDaily)).limit).toMatchObject({
      limit_name: "Daily Safety Cap",
      threshold: 0.95,
    });

    // Type and name together: the new limit is created before the old one goes, so enforcement never lapses.
    budgets = {
      ...budgets,
      premium: { ...budgets["premium"], limitName: "Premium Models (blocking)", limitType: "block" } as LimitArgs,
    };
    const events2: EngineEvent[] = [];
    await stack.up({ onEvent: (e) => events2.push(e) });
    const premiumOps = stepsOf(events2)
      .filter(([name]) => name === "premium")
      .map(([, op]) => op);
    expect(premiumOps.indexOf("create-replacement")).toBeGreaterThanOrEqual(0);
    expect(premiumOps.indexOf("create-replacement")).toBeLessThan(premiumOps.indexOf("delete-replaced"));
    const names = (await serviceLimits()).map((l) => l.limit_name).sort();
    expect(names).toEqual(["Daily Safety Cap", "Monthly Budget", "Premium Models (blocking)"]);

    // Out-of-band change: refresh reports it, and the next preview diffs against reality.
    await env.service().client.limits.update(ids["monthly"] ?? "", { max: 5000 });
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
    expect((await stack.preview()).changeSummary).toMatchObject({ update: 1 });
    await stack.up();
    expect((await env.service().client.limits.retrieve(ids["monthly"] ?? "")).limit.max).toBe(1200);

    // Deleted behind Pulumi's back: refresh drops it from state, up recreates it.
    await env.service().client.limits.delete(ids["monthly"] ?? "");
    const dropped = await stack.refresh();
    expect(dropped.summary.resourceChanges).toMatchObject({ delete: 1 });
    const recreated = await stack.up();
    expect(recreated.summary.resourceChanges).toMatchObject({ create: 1 });
    expect((await env.service().client.limits.list({ limit_name: "Monthly Budget" })).items).toHaveLength(1);

    // Secrets never reach state or engine events.
    const stateFiles = await readAll(env.backend().dir);
    expect(stateFiles).toContain("Monthly Budget");
    expect(stateFiles).not.toContain(TEST_API_KEY);
    expect(JSON.stringify(events) + JSON.stringify(events2)).not.toContain(TEST_API_KEY);
    // The serialized provider stays small and inlines no SDK code.
    const exported = await stack.exportStack();
    const provider: string = exported.deployment.resources.find((r: { type: string }) => r.type.endsWith(":Limit")).inputs
      .__provider;
    expect(provider.length).toBeLessThan(2500);
    expect(provider).not.toContain("xproxy");
    // The stub records the contract version it was written against, for the runtime to check.
    expect(provider).toContain(`version: ${PROVIDER_VERSION}`);

    // destroy leaves nothing on the service.
    await stack.destroy();
    expect(await serviceLimits()).toEqual([]);
    await expect(env.service().client.useCases.definitions.retrieve("teach_me")).rejects.toMatchObject({
      code: "use_case_not_found",
    });
  });

  test("bad inputs fail at preview with the property and the rule, before any API call", async () => {
    let declared: Record<string, LimitArgs> = { bad: { limitName: "Bad", max: 10, threshold: 0.5 } };
    const stack = await budgetStack("invalid", () => declared);
    const error = await stack.preview().catch((e: unknown) => String(e));
    expect(error).toContain("property threshold value {0.5} has a problem: threshold must be between 0.75 and 0.99 (got 0.5)");

    declared = { worse: { limitName: "", max: -1 } };
    const both = await stack.preview().catch((e: unknown) => String(e));
    expect(both).toContain("limitName must not be empty");
    expect(both).toContain("max must be greater than 0 (got -1)");
    expect((await serviceLimits()).filter((l) => l.limit_name === "Bad" || l.limit_name === "")).toEqual([]);
  });

  test("an existing limit is not taken over silently; adopt: true takes it over and converges it", async () => {
    const existing = (await env.service().client.limits.create({ limit_name: "Shared Budget", max: 10, threshold: 0.8 })).limit;
    let adopt = false;
    let limitId: string | undefined;
    const stack = await budgetStack("adopt", () => ({
      shared: { limitName: "Shared Budget", max: 25, threshold: 0.8, adopt, ...(limitId ? { limitId } : {}) },
    }));
    const refused = await stack.up().catch((e: unknown) => String(e));
    expect(refused).toContain(`already exists in Pay-i (limit_id '${existing.limit_id}')`);
    expect(refused).toContain("adopt: true");

    adopt = true;
    if (env.service().profile === "strict") {
      // No owner record comes back: a limit found only by its name could be another stack's, so adopt needs its id.
      const byName = await stack.up().catch((e: unknown) => String(e));
      expect(byName).toContain(
        `a limit named 'Shared Budget' already exists in Pay-i (limit_id '${existing.limit_id}'), and Pay-i does not return its owner record`,
      );
      expect(byName).toContain(`name it by its id as well (limitId: "${existing.limit_id}" with adopt: true)`);
      expect((await env.service().client.limits.retrieve(existing.limit_id)).limit.max).toBe(10);
      limitId = existing.limit_id;
    }
    const adopted = await stack.up();
    expect((adopted.outputs["shared"]?.value as { limitId: string }).limitId).toBe(existing.limit_id);
    expect((await env.service().client.limits.retrieve(existing.limit_id)).limit.max).toBe(25);
    await stack.destroy();
  });

  test("a max below the current spend is caught at preview, naming the spend", async () => {
    let max = 10;
    const stack = await budgetStack("spent", () => ({ spent: { limitName: "Spent", max, threshold: 0.8 } }));
    const up = await stack.up();
    const limitId = (up.outputs["spent"]?.value as { limitId: string }).limitId;
    // 1M in + 500k out on gpt-4o = $2.50 + $5 = $7.50.
    await env.service().client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1_000_000, output: 500_000 } },
      limit_ids: [limitId],
    });
    max = 5;
    const error = await stack.preview().catch((e: unknown) => String(e));
    expect(error).toContain("max 5 is below its current spend of $7.50000");
    expect((await env.service().client.limits.retrieve(limitId)).limit.max).toBe(10);
    max = 10;
    await stack.destroy();
  });

  test("reset on a Limit is stored on the limit in Pay-i, and changes and clears in place keeping the limit", async () => {
    let reset: LimitArgs["reset"] = "daily";
    const stack = await budgetStack("reset", () => ({
      capped: { limitName: "Reset Cap", max: 40, threshold: 0.8, properties: { team: "ml" }, ...(reset ? { reset } : {}) },
    }));
    const up = await stack.up();
    const limitId = (up.outputs["capped"]?.value as { limitId: string }).limitId;
    // What the service stores: the strict profile returns no properties on limits.
    const properties = async () => storedLimitProperties(env.service(), limitId);
    expect(await properties()).toMatchObject({ team: "ml", "pulumi-limits.reset": "daily" });
    expect((await stack.preview()).changeSummary).toEqual({ same: 3 });

    reset = "weekly";
    const changed = await stack.up();
    expect(changed.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(await properties()).toMatchObject({ team: "ml", "pulumi-limits.reset": "weekly" });

    reset = undefined;
    await stack.up();
    expect(await properties()).not.toHaveProperty(["pulumi-limits.reset"]);
    expect(await properties()).toMatchObject({ team: "ml" });
    expect((await env.service().client.limits.retrieve(limitId)).limit.limit_id).toBe(limitId);
    await stack.destroy();
  });
});

async function readAll(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile());
  const texts = await Promise.all(files.map((f) => readFile(path.join(f.parentPath, f.name), "utf8").catch(() => "")));
  return texts.join("\n");
}
