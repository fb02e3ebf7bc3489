import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadBudgets } from "../../cli/budgets-file.js";
import { pulumiEnv } from "../../cli/environment.js";
import { budgetsProgram } from "../../cli/program.js";
import { resolveLimitKeys } from "../../cli/resource-keys.js";
import { Limitry } from "../../sdk/limitry/index.js";
import { runCli } from "../support/cli.js";
import { tsProject } from "../support/ts-project.js";
import { EVERY_FIELD_YAML } from "../support/every-field.js";
import { TEST_API_KEY, startService } from "../support/service.js";

// Issue 11: budgets.yaml, the Pulumi arguments, the wire and the generated TypeScript are one vocabulary.

let dir: string;
let service: Awaited<ReturnType<typeof startService>>;
let limitry: Limitry;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-vocabulary-"));
  service = await startService();
  limitry = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${service.url}/v1`, maxRetries: 0 });
  env = {
    PAYI_API_KEY: TEST_API_KEY,
    PAYI_BASE_URL: service.url,
    LIMITRY_API_KEY: TEST_API_KEY,
    LIMITRY_BASE_URL: `${service.url}/v1`,
    PULUMI_CONFIG_PASSPHRASE: "cli-test",
  };
});
afterAll(async () => {
  await limitry.close();
  await service.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The checked inputs of each Pay-i and Limitry resource a preview would create, by resource name. */
async function previewInputs(stack: automation.Stack): Promise<Record<string, { type: string; inputs: unknown }>> {
  const seen: Record<string, { type: string; inputs: unknown }> = {};
  await stack.preview({
    onEvent: (event) => {
      const step = event.resourcePreEvent?.metadata;
      if (!step?.new || !/\/(payi|limitry):/.test(step.type)) return;
      // Who declares it (stack, project, resource) differs between the two programs; what is declared must not.
      const { idSeed: _seed, instance: _instance, owner: _owner, __provider: _provider, ...inputs } = step.new.inputs;
      seen[step.urn.slice(step.urn.lastIndexOf("::") + 2)] = { type: step.type, inputs };
    },
  });
  return seen;
}

describe("one vocabulary: budgets.yaml ↔ Pulumi arguments ↔ wire ↔ generated TypeScript", () => {
  test("a file applied by up imports back as the same file, and its TypeScript program passes the arguments the CLI's program passes", async () => {
    await service.client.limits.create({ limit_name: "Legacy Cap", max: 10 });
    await service.client.useCases.definitions.create({ name: "chat", description: "Chat sessions" });
    const file = path.join(dir, "budgets.yaml");
    await writeFile(file, EVERY_FIELD_YAML);
    const common = ["--backend", `file://${path.join(dir, "state")}`, "--stack", "applied"];
    const up = await runCli(["up", "-f", file, ...common, "--yes"], env, dir);
    expect(up.code, up.stderr).toBe(0);

    const imported = path.join(dir, "imported.yaml");
    const result = await runCli(["import", "--out", imported], env, dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Imported 3 limits and 2 use cases, 1 Limitry meter and 1 Limitry limit into ${imported}`);
    const idOf = async (name: string) => (await service.client.limits.list({ limit_name: name })).items[0]?.limit_id;
    const [meter] = (await limitry.meters.list()).items;
    const [limit] = (await limitry.limits.list()).items;
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    const file2 = parse(await readFile(imported, "utf8"));
    file2.limits.sort(byName);
    file2.useCases.sort(byName);
    // The same file, each object now adopted under the id it has.
    expect(file2).toEqual({
      limits: [
        {
          name: "Daily Cap",
          max: 25,
          type: "block",
          threshold: 0.9,
          properties: { team: "ml" },
          id: "daily-cap",
          adopt: true,
          reset: "daily",
        },
        { name: "Legacy Cap", max: 10, type: "allow", id: await idOf("Legacy Cap"), adopt: true },
        { name: "Monthly", max: 400, type: "allow", id: await idOf("Monthly"), adopt: true },
      ],
      useCases: [
        { name: "chat", description: "Chat sessions", adopt: true },
        {
          name: "summarize",
          description: "Summaries",
          loggingEnabled: false,
          limitConfig: { max: 0.1, type: "block", threshold: 0.8, properties: { tier: "free" } },
          adopt: true,
        },
      ],
      limitry: {
        meters: [
          {
            key: "total-tokens",
            name: "Total Tokens",
            aggregation: "sum",
            field: "values.tokens",
            description: "LLM tokens",
            eventFilter: { eventType: "llm.completion", dimensions: { env: "prod" } },
            adoptId: meter?.id,
          },
        ],
        limits: [
          {
            key: "daily-tokens",
            name: "Daily tokens",
            meter: "total-tokens",
            limitValue: 100000,
            period: "day",
            customerId: "cust_1",
            dimensionFilters: { model: "gpt-4" },
            alertThresholds: [50, 80],
            adoptId: limit?.id,
          },
        ],
        customers: [],
      },
    });

    // The imported file as the CLI's program declares it, beside the TypeScript `import --format ts` writes.
    const budgets = await loadBudgets(imported);
    const backend = `file://${path.join(dir, "state")}`;
    const envVars = pulumiEnv({
      backend,
      passphrase: "cli-test",
      apiKey: TEST_API_KEY,
      baseUrl: service.url,
      limitryApiKey: TEST_API_KEY,
      limitryBaseUrl: `${service.url}/v1`,
    });
    const cliStack = await automation.LocalWorkspace.createOrSelectStack(
      {
        stackName: "cli-program",
        projectName: "vocabulary",
        program: budgetsProgram(budgets, () => resolveLimitKeys(budgets.limits, []).keys),
      },
      { envVars },
    );
    const ts = await runCli(["import", "--format", "ts"], env, dir);
    expect(ts.code, ts.stderr).toBe(0);
    const project = await tsProject(path.join(dir, "imported-ts"), "vocabulary", ts.stdout);
    const tsStack = await automation.LocalWorkspace.createOrSelectStack(
      { stackName: "ts-program", workDir: project },
      { envVars },
    );

    const fromCli = await previewInputs(cliStack);
    expect(Object.keys(fromCli).sort()).toEqual([
      "daily-cap",
      "legacy-cap",
      "limitry-limit-daily-tokens",
      "limitry-meter-total-tokens",
      "monthly",
      "use-case-chat",
      "use-case-summarize",
      "use-case-summarize-limit",
    ]);
    expect(fromCli["daily-cap"]?.inputs).toMatchObject({ limitId: "daily-cap", threshold: 0.9, reset: "daily", adopt: true });
    expect(await previewInputs(tsStack)).toEqual(fromCli);
  });
});
