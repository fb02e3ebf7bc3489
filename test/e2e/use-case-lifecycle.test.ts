import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { describe, expect, test } from "vitest";
import { UseCaseDefinition, UseCaseLimitConfig, type UseCaseLimitConfigArgs } from "../../provider/index.js";
import { runCli } from "../support/cli.js";
import { inlineStack } from "../support/pulumi.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

const env = useServiceAndBackend();

interface Declared {
  name: string;
  config: Omit<UseCaseLimitConfigArgs, "useCaseName">;
}

/** A stack declaring one use case and its limit config, or nothing when `declared()` is undefined. */
async function useCaseStack(project: string, declared: () => Declared | undefined) {
  const stack = await inlineStack(env.backend(), project, async () => {
    const d = declared();
    if (!d) return;
    const definition = new UseCaseDefinition("use-case", { name: d.name, description: "Tutoring sessions" });
    new UseCaseLimitConfig("use-case-limit", { useCaseName: definition.name, ...d.config });
  });
  await stack.setConfig("payi:apiKey", { value: TEST_API_KEY, secret: true });
  await stack.setConfig("payi:baseUrl", { value: env.service().url });
  return stack;
}

/** Starts an instance of `useCaseName` and spends `tokens` input and output tokens of gpt-4o on it ($0.0125 per 1,000). */
async function spendingInstance(useCaseName: string, tokens: number) {
  const client = env.service().client;
  const instance = await client.useCases.create(useCaseName);
  await client.ingest.units({
    category: "system.openai",
    resource: "gpt-4o",
    units: { text: { input: tokens, output: tokens } },
    use_case_name: useCaseName,
    use_case_id: instance.use_case_id,
  });
  return { useCaseId: instance.use_case_id, limitId: instance.limit_id ?? "" };
}

async function limitOf(limitId: string) {
  const { limit } = await env.service().client.limits.retrieve(limitId);
  return { type: limit.limit_type, max: limit.max, threshold: limit.threshold, spend: limit.totals.cost.total.base };
}

/** Warnings of one engine run and the step operations per resource name, in order. */
function recorder() {
  const warnings: string[] = [];
  const steps: Array<[string, string]> = [];
  return {
    warnings,
    steps,
    onEvent(e: EngineEvent) {
      if (e.diagnosticEvent?.severity === "warning") warnings.push(e.diagnosticEvent.message.trimEnd());
      const meta = e.resOutputsEvent?.metadata;
      if (meta) steps.push([meta.urn.split("::").at(-1) ?? "", meta.op]);
    },
    opsOf(name: string) {
      return steps.filter(([n]) => n === name).map(([, op]) => op);
    },
  };
}

describe("use-case lifecycle against the real engine", () => {
  test("a new limit type or threshold replaces the limit config (written over the old one, never deleted first) and a new max updates it; preview says the instances started before keep their limit and spend", async () => {
    let declared: Declared = { name: "teach_me", config: { max: 0.05, limitType: "allow", threshold: 0.8 } };
    const stack = await useCaseStack("config-changes", () => declared);
    await stack.up();
    const first = await spendingInstance("teach_me", 1000);
    const second = await spendingInstance("teach_me", 2000);

    // Type: preview shows a replace and what the existing instances keep.
    declared = { ...declared, config: { ...declared.config, limitType: "block" } };
    const typePreview = recorder();
    const preview = await stack.preview({ onEvent: typePreview.onEvent });
    expect(preview.changeSummary).toEqual({ same: 3, replace: 1 });
    expect(typePreview.warnings).toEqual([
      "replacing the limit config of use case 'teach_me' to change limitType: only new instances get the new settings; instances started before keep their current limits and spend (Pay-i lists no instances of a use case, so they are not counted here)",
    ]);
    const typeUp = recorder();
    await stack.up({ onEvent: typeUp.onEvent });
    const ops = typeUp.opsOf("use-case-limit");
    // Create first: Pay-i's create overwrites the config in place; the old resource's delete then leaves it.
    expect(ops).toContain("delete-replaced");
    expect(ops.indexOf("create-replacement")).toBeLessThan(ops.indexOf("delete-replaced"));
    expect((await env.service().client.useCases.definitions.retrieve("teach_me")).limit_config).toMatchObject({
      limit_type: "block",
      max: 0.05,
      threshold: 0.8,
    });
    expect(await limitOf(first.limitId)).toEqual({ type: "allow", max: 0.05, threshold: 0.8, spend: 0.0125 });
    expect(await limitOf(second.limitId)).toEqual({ type: "allow", max: 0.05, threshold: 0.8, spend: 0.025 });
    const third = await env.service().client.useCases.create("teach_me");
    expect(await limitOf(third.limit_id ?? "")).toEqual({ type: "block", max: 0.05, threshold: 0.8, spend: 0 });

    // Threshold: a replace too; the new instance counts, with no spend of its own.
    declared = { ...declared, config: { ...declared.config, threshold: 0.9 } };
    const thresholdPreview = recorder();
    expect((await stack.preview({ onEvent: thresholdPreview.onEvent })).changeSummary).toEqual({ same: 3, replace: 1 });
    expect(thresholdPreview.warnings).toEqual([
      "replacing the limit config of use case 'teach_me' to change threshold: only new instances get the new settings; instances started before keep their current limits and spend (Pay-i lists no instances of a use case, so they are not counted here)",
    ]);
    await stack.up();
    expect((await env.service().client.useCases.definitions.retrieve("teach_me")).limit_config).toMatchObject({
      limit_type: "block",
      threshold: 0.9,
    });
    expect(await limitOf(third.limit_id ?? "")).toMatchObject({ threshold: 0.8 });

    // Max: an update in place, with the same note.
    declared = { ...declared, config: { ...declared.config, max: 0.1 } };
    const maxPreview = recorder();
    expect((await stack.preview({ onEvent: maxPreview.onEvent })).changeSummary).toEqual({ same: 3, update: 1 });
    expect(maxPreview.warnings).toEqual([
      "updating the limit config of use case 'teach_me' to change max: only new instances get the new settings; instances started before keep their current limits and spend (Pay-i lists no instances of a use case, so they are not counted here)",
    ]);
    const maxUp = recorder();
    const updated = await stack.up({ onEvent: maxUp.onEvent });
    expect(updated.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(maxUp.opsOf("use-case-limit")).toEqual(["update"]);
    expect((await env.service().client.useCases.definitions.retrieve("teach_me")).limit_config).toMatchObject({
      max: 0.1,
      threshold: 0.9,
    });
    expect(await limitOf(first.limitId)).toEqual({ type: "allow", max: 0.05, threshold: 0.8, spend: 0.0125 });

    await stack.destroy();
  });

  test("renaming a use case with live instances warns at preview what goes with it; the instances' limits stay with their spend", async () => {
    let declared: Declared = { name: "teach_me_rename", config: { max: 0.05, threshold: 0.8 } };
    const stack = await useCaseStack("rename", () => declared);
    await stack.up();
    const first = await spendingInstance("teach_me_rename", 1000);
    const second = await spendingInstance("teach_me_rename", 2000);

    declared = { ...declared, name: "tutor" };
    const preview = recorder();
    expect((await stack.preview({ onEvent: preview.onEvent })).changeSummary).toEqual({ same: 2, replace: 2 });
    expect(preview.warnings).toEqual([
      "renaming use case 'teach_me_rename' to 'tutor' replaces it: this deletes its limit config and its instances with it; the limits its instances got stay in Pay-i with their spend, as ordinary limits (Pay-i lists no instances of a use case, so they are not counted here: find each by the limit_id its instance reported, and delete it there if unwanted)",
    ]);

    const up = recorder();
    await stack.up({ onEvent: up.onEvent });
    const client = env.service().client;
    await expect(client.useCases.definitions.retrieve("teach_me_rename")).rejects.toMatchObject({ code: "use_case_not_found" });
    await expect(client.useCases.retrieve("teach_me_rename", first.useCaseId)).rejects.toMatchObject({
      code: "use_case_instance_not_found",
    });
    expect((await client.useCases.definitions.retrieve("tutor")).limit_config).toMatchObject({ max: 0.05, threshold: 0.8 });
    expect(await limitOf(first.limitId)).toMatchObject({ spend: 0.0125 });
    expect(await limitOf(second.limitId)).toMatchObject({ spend: 0.025 });
    expect(up.warnings).toContain(
      "deleting use case 'teach_me_rename' deletes its instances with it; any limits its instances got from a limit config stay in Pay-i with their spend, as ordinary limits (Pay-i lists no instances of a use case, so they are not counted here: find each by the limit_id its instance reported, and delete it there if unwanted)",
    );

    await stack.destroy();
  });

  test("deleting a use case with live instances warns what goes with it; the instances' limits stay with their spend", async () => {
    let declared: Declared | undefined = { name: "teach_me_delete", config: { max: 0.05, threshold: 0.8 } };
    const stack = await useCaseStack("delete", () => declared);
    await stack.up();
    const instance = await spendingInstance("teach_me_delete", 1000);

    declared = undefined;
    // With no pulumi-limits resource left, the stack's StackInstance identity goes too.
    expect((await stack.preview()).changeSummary).toEqual({ same: 1, delete: 3 });
    const up = recorder();
    await stack.up({ onEvent: up.onEvent });
    expect(up.warnings).toEqual([
      "deleting use case 'teach_me_delete' deletes its instances with it; any limits its instances got from a limit config stay in Pay-i with their spend, as ordinary limits (Pay-i lists no instances of a use case, so they are not counted here: find each by the limit_id its instance reported, and delete it there if unwanted)",
    ]);
    await expect(env.service().client.useCases.definitions.retrieve("teach_me_delete")).rejects.toMatchObject({
      code: "use_case_not_found",
    });
    expect(await limitOf(instance.limitId)).toEqual({ type: "allow", max: 0.05, threshold: 0.8, spend: 0.0125 });
  });

  test("budgets.yaml: the same rules and notes; preview warns what goes with a removed limitConfig and a renamed use case", async () => {
    const dir = env.backend().dir;
    const file = path.join(dir, "budgets.yaml");
    const cliEnv = { PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: env.service().url, PULUMI_CONFIG_PASSPHRASE: "use-case-test" };
    const common = ["-f", file, "--backend", `file://${dir}`, "--stack", "use-cases"];
    const useCase = (name: string, limitConfig: string[]) =>
      [
        "useCases:",
        `  - name: ${name}`,
        "    description: Summaries",
        ...(limitConfig.length ? ["    limitConfig:", ...limitConfig.map((l) => `      ${l}`)] : []),
        "",
      ].join("\n");
    const write = (text: string) => writeFile(file, text);
    await write(useCase("summarize", ["max: 0.05", "threshold: 0.8"]));
    const up = await runCli(["up", ...common, "--yes"], cliEnv, dir);
    expect(up.code, up.stderr).toBe(0);
    const instances = [await spendingInstance("summarize", 1000), await spendingInstance("summarize", 2000)];

    await write(useCase("summarize", ["max: 0.05", "threshold: 0.8", "type: block"]));
    const typeChange = await runCli(["preview", ...common], cliEnv, dir);
    expect(typeChange.code, typeChange.stderr).toBe(0);
    expect(typeChange.stdout).toContain("+-1 to replace");
    expect(typeChange.stdout).toContain(
      "replaced because a new type makes a different limit: the new config is written over the old one (never deleted first), and only new instances get it",
    );
    expect(typeChange.stdout).toContain(
      "warning: replacing the limit config of use case 'summarize' to change limitType: only new instances get the new settings; instances started before keep their current limits and spend (Pay-i lists no instances of a use case, so they are not counted here)",
    );

    await write(useCase("summarize", []));
    const configDropped = await runCli(["preview", ...common], cliEnv, dir);
    expect(configDropped.code, configDropped.stderr).toBe(0);
    expect(configDropped.stdout).toContain(
      "warning: deleting the limit config of use case 'summarize': new instances get no limit; instances started before keep their current limits and spend (Pay-i lists no instances of a use case, so they are not counted here)",
    );

    await write(useCase("summaries", ["max: 0.05", "threshold: 0.8"]));
    const gone =
      "deleting use case 'summarize' deletes its limit config and its instances with it; the limits its instances got stay in Pay-i with their spend, as ordinary limits (Pay-i lists no instances of a use case, so they are not counted here: find each by the limit_id its instance reported, and delete it there if unwanted)";
    const renamed = await runCli(["preview", ...common, "--json"], cliEnv, dir);
    expect(renamed.code, renamed.stderr).toBe(0);
    const events = renamed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as EngineEvent);
    expect(
      events.flatMap((e) => (e.diagnosticEvent?.severity === "warning" ? [e.diagnosticEvent.message.trimEnd()] : [])),
    ).toEqual([gone]);

    const applied = await runCli(["up", ...common, "--yes"], cliEnv, dir);
    expect(applied.code, applied.stderr).toBe(0);
    // At up the config goes first (its own resource), so the definition's delete finds none left.
    expect(applied.stdout).toContain(
      "warning: deleting use case 'summarize' deletes its instances with it; any limits its instances got from a limit config stay in Pay-i with their spend",
    );
    const client = env.service().client;
    await expect(client.useCases.definitions.retrieve("summarize")).rejects.toMatchObject({ code: "use_case_not_found" });
    // Found through the limit_id each instance reported, not a name (Pay-i's are its own).
    const kept = [];
    for (const i of instances) kept.push((await limitOf(i.limitId)).spend);
    expect(kept).toEqual([0.0125, 0.025]);
    expect((await runCli(["destroy", ...common, "--yes"], cliEnv, dir)).code).toBe(0);
  });
});
