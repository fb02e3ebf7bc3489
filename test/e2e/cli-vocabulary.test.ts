import { existsSync } from "node:fs";
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
    const strict = service.profile === "strict";
    const legacy = (await service.client.limits.create({ limit_name: "Legacy Cap", max: 10 })).limit.limit_id;
    await service.client.useCases.definitions.create({ name: "chat", description: "Chat sessions" });
    const file = path.join(dir, "budgets.yaml");
    await writeFile(file, EVERY_FIELD_YAML);
    const common = ["--backend", `file://${path.join(dir, "state")}`, "--stack", "applied"];
    let up = await runCli(["up", "-f", file, ...common, "--yes"], env, dir);
    if (strict) {
      // No owner record comes back on limits: `Legacy Cap`, adopted by its name only, could be another stack's.
      expect(up.code).toBe(1);
      expect(up.stderr).toContain(
        `a limit named 'Legacy Cap' already exists in Pay-i (limit_id '${legacy}'), and Pay-i does not return its owner record`,
      );
      expect((await service.client.limits.retrieve(legacy)).limit.max).toBe(10);
      await writeFile(file, EVERY_FIELD_YAML.replace("  - name: Legacy Cap\n", `  - name: Legacy Cap\n    id: "${legacy}"\n`));
      up = await runCli(["up", "-f", file, ...common, "--yes"], env, dir);
    }
    expect(up.code, up.stderr).toBe(0);

    const imported = path.join(dir, "imported.yaml");
    const result = await runCli(["import", "--out", imported], env, dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `Imported 3 limits, 2 use cases, 1 use-case limit, 1 Limitry meter and 1 Limitry limit into ${imported}`,
    );
    // Strict: limits come back without properties, so Daily Cap's properties and reset schedule cannot be imported.
    const dailyCapStored = strict ? {} : { properties: { team: "ml" }, reset: "daily" };
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
          ...dailyCapStored,
          id: "daily-cap",
          adopt: true,
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
    expect(fromCli["daily-cap"]?.inputs).toMatchObject({ limitId: "daily-cap", threshold: 0.9, adopt: true, ...dailyCapStored });
    expect(await previewInputs(tsStack)).toEqual(fromCli);
  });
});

// Issue 23: one failure used to be printed 6–8 times over 35–47 lines (on each progress row, under
// Diagnostics, as the engine's "update failed", in the Automation API's error, and as `Error: X: X`).
describe("a failing command prints its error once, in one line that says what to do", () => {
  /** Runs `up --yes` of `yaml` on its own stack, with `overrides` over the environment. */
  async function failingUp(stack: string, yaml: string, overrides: Record<string, string> = {}) {
    const file = path.join(dir, `${stack}.yaml`);
    await writeFile(file, yaml);
    const args = ["up", "-f", file, "--backend", `file://${path.join(dir, "state")}`, "--stack", stack, "--yes"];
    const res = await runCli(args, { ...env, ...overrides }, dir);
    const output = `${res.stdout}${res.stderr}`;
    return { ...res, errorLines: res.stderr.trimEnd().split("\n"), lines: output.trimEnd().split("\n").length, output };
  }
  const times = (text: string, part: string) => text.split(part).length - 1;

  test("a name conflict (409): the provider's advice once, the output short", async () => {
    await service.client.limits.create({ limit_name: "Taken Cap", max: 5 });
    const res = await failingUp("conflict", "limits:\n  - name: Taken Cap\n    max: 25\n");
    expect(res.code).toBe(1);
    expect(res.errorLines).toEqual([
      expect.stringMatching(
        /^pulumi-limits up failed: a limit named 'Taken Cap' already exists in Pay-i \(limit_id '[^']+'\)\. To manage it with Pulumi, set adopt: true /,
      ),
    ]);
    expect(times(res.output, "already exists in Pay-i")).toBe(1);
    expect(res.output).not.toContain("update failed");
    expect(res.output).not.toContain("Command failed");
    // The engine's progress rows, the resource summary and the one error line: it was 37.
    expect(res.lines).toBeLessThanOrEqual(26);
    expect(res.stdout).toMatch(/payi:Limit taken-cap \*\*creating failed\*\*\n/);
  });

  test("a wrong PAYI_API_KEY on a stack holding a limit (refresh reads it): once, never as 'X: X'", async () => {
    const yaml = "limits:\n  - name: Keyed Cap\n    max: 25\n";
    expect((await failingUp("rotated", yaml)).code).toBe(0);
    const res = await failingUp("rotated", yaml, { PAYI_API_KEY: "not-the-key" });
    expect(res.code).toBe(1);
    expect(res.errorLines).toEqual([
      `pulumi-limits up failed: Pay-i at ${service.url} rejected the API key: set a valid one in PAYI_API_KEY or the provider's payi:apiKey config (in a program, refresh and destroy use the key recorded by the last up: after a rotation, run up once first): 401 invalid_api_key The API key is not valid.`,
    ]);
    expect(times(res.output, "rejected the API key")).toBe(1);
    expect(res.output).not.toContain("not-the-key");
  });

  const limitryYaml = `limitry:
  meters:
    - { key: tokens, name: Error Tokens, aggregation: sum, field: values.tokens }
  limits:
    - { key: daily, name: Error daily, meter: tokens, limitValue: 100, period: day, customerId: cust_errors }
`;

  test("a wrong LIMITRY_API_KEY names LIMITRY_API_KEY, once", async () => {
    const res = await failingUp("limitry-key", limitryYaml, { LIMITRY_API_KEY: "not-the-key" });
    expect(res.code).toBe(1);
    expect(res.errorLines).toEqual([
      `pulumi-limits up failed: Limitry at ${service.url}/v1 rejected the API key: set a valid one in LIMITRY_API_KEY or the provider's limitry:apiKey config (in a program, refresh and destroy use the key recorded by the last up: after a rotation, run up once first): 401 invalid_api_key The API key is not valid.`,
    ]);
    expect(times(res.output, "rejected the API key")).toBe(1);
    expect(res.lines).toBeLessThanOrEqual(26);
  });

  test("a LIMITRY_BASE_URL without /v1 (a 404 on the root) says to add /v1, once", async () => {
    const res = await failingUp("limitry-url", limitryYaml, { LIMITRY_BASE_URL: service.url });
    expect(res.code).toBe(1);
    expect(res.errorLines).toEqual([
      `pulumi-limits up failed: ${service.url} does not serve the Limitry API; its base URL ends in /v1: set LIMITRY_BASE_URL (or limitry:baseUrl) to ${service.url}/v1: 404`,
    ]);
    expect(times(res.output, "does not serve the Limitry API")).toBe(1);
    expect((await limitry.meters.list()).items.filter((m) => m.name === "Error Tokens")).toEqual([]);
  });

  test("import names the key or base URL to fix in one line, for either API", async () => {
    const out = path.join(dir, "never-written.yaml");
    const payiKey = await runCli(["import", "--out", out], { ...env, PAYI_API_KEY: "not-the-key" }, dir);
    expect([payiKey.code, payiKey.stderr]).toEqual([
      1,
      `pulumi-limits: Pay-i at ${service.url} rejected the API key: check PAYI_API_KEY\n`,
    ]);
    const limitryUrl = await runCli(["import", "--out", out], { ...env, LIMITRY_BASE_URL: service.url }, dir);
    expect([limitryUrl.code, limitryUrl.stderr]).toEqual([
      1,
      `pulumi-limits: ${service.url} does not serve the Limitry API: LIMITRY_BASE_URL must be its root ending in /v1 (it is missing /v1), e.g. https://api.limitry.com/v1\n`,
    ]);
    expect(existsSync(out)).toBe(false);
  });
});

// Issue 23: changing an entry's key passed preview, then up failed advising `aliases`, which budgets.yaml had no
// field for. `previousKeys:` is that field; a key changed without it is refused before anything runs.
describe("budgets.yaml renames an entry's key with previousKeys", () => {
  async function run(command: string, stack: string, yaml: string) {
    const file = path.join(dir, `${stack}.yaml`);
    await writeFile(file, yaml);
    const args = [command, "-f", file, "--backend", `file://${path.join(dir, "state")}`, "--stack", stack];
    return { file, ...(await runCli(command === "up" ? [...args, "--yes"] : args, env, dir)) };
  }

  test("a Pay-i limit keeps its id under a new key with previousKeys; without it preview refuses in one line", async () => {
    const limit = (key: string, previous = "") => `limits:\n  - name: Rekeyed Cap\n    key: ${key}\n${previous}    max: 10\n`;
    expect((await run("up", "rekey", limit("old-key"))).code).toBe(0);
    const [before] = (await service.client.limits.list({ limit_name: "Rekeyed Cap" })).items;

    for (const command of ["preview", "up", "drift"]) {
      const refused = await run(command, "rekey", limit("new-key"));
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr.trimEnd().split("\n")).toEqual([
        `pulumi-limits: ${refused.file}: limits: limit 'Rekeyed Cap' changed its key from 'old-key' to 'new-key': add \`previousKeys: [old-key]\` to its entry, and the limit the key 'old-key' manages stays (same id, changed in place) under the new key. A new key alone is a new resource: up would fail creating the limit again.`,
      ]);
    }

    const renamed = limit("new-key", "    previousKeys: [old-key]\n");
    const preview = await run("preview", "rekey", renamed);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(`~  update  limit 'Rekeyed Cap' (${before?.limit_id})`);
    expect(preview.stdout).not.toMatch(/create|delete|replace/);
    const up = await run("up", "rekey", renamed);
    expect(up.code, up.stderr).toBe(0);
    // The same limit (its id, creation and totals), its owner record now naming the new key.
    const after = (await service.client.limits.list({ limit_name: "Rekeyed Cap" })).items;
    const same = (l: typeof before) => [l?.limit_id, l?.limit_creation_timestamp, l?.max, l?.totals];
    expect(after.map(same)).toEqual([same(before)]);
    // The strict profile echoes no properties.
    if (service.profile !== "strict") expect(after[0]?.properties?.["pulumi-limits.owner"]).toContain('"resource":"new-key"');
    const again = await run("preview", "rekey", renamed);
    expect(again.stdout).toContain("Plan for stack 'rekey': no changes.");
  });

  test("Limitry meters, limits and customers keep their ids under new keys: nothing to change", async () => {
    const section = (keys: [string, string, string], previous = false) => {
      const was = (old: string) => (previous ? `, previousKeys: [${old}]` : "");
      return `limitry:
  meters:
    - { key: ${keys[0]}${was("m1")}, name: Rekeyed Tokens, aggregation: sum, field: values.tokens }
  limits:
    - { key: ${keys[1]}${was("l1")}, name: Rekeyed daily, meter: ${keys[0]}, limitValue: 100, period: day, customerId: cust_rekey }
  customers:
    - { key: ${keys[2]}${was("c1")}, externalId: cust_rekey }
`;
    };
    expect((await run("up", "rekey-limitry", section(["m1", "l1", "c1"]))).code).toBe(0);
    const ids = async () => ({
      meters: (await limitry.meters.list()).items.filter((m) => m.name === "Rekeyed Tokens").map((m) => m.id),
      limits: (await limitry.limits.list()).items.filter((l) => l.name === "Rekeyed daily").map((l) => l.id),
    });
    const before = await ids();

    const refused = await run("preview", "rekey-limitry", section(["m2", "l2", "c2"]));
    expect(refused.code).toBe(2);
    expect(refused.stderr.match(/changed its key from '(m1|l1|c1)' to '(m2|l2|c2)'/g)).toEqual([
      "changed its key from 'm1' to 'm2'",
      "changed its key from 'c1' to 'c2'",
      "changed its key from 'l1' to 'l2'",
    ]);

    const up = await run("up", "rekey-limitry", section(["m2", "l2", "c2"], true));
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("Applied to stack 'rekey-limitry': no changes.");
    expect(await ids()).toEqual(before);
  });
});
