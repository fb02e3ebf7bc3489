import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Limitry } from "../../sdk/limitry/index.js";
import { runCli } from "../support/cli.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

const env = useServiceAndBackend();
let dir: string;
let limitry: Limitry;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-cli-kinds-"));
  limitry = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${env.service().url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await limitry.close();
  await rm(dir, { recursive: true, force: true });
});

function cliEnv(): Record<string, string> {
  return {
    PAYI_API_KEY: TEST_API_KEY,
    PAYI_BASE_URL: env.service().url,
    LIMITRY_API_KEY: TEST_API_KEY,
    LIMITRY_BASE_URL: `${env.service().url}/v1`,
    PULUMI_CONFIG_PASSPHRASE: "cli-kinds-test",
  };
}

function stackArgs(file: string, stack: string): string[] {
  return ["-f", file, "--backend", env.backend().envVars["PULUMI_BACKEND_URL"] ?? "", "--stack", stack];
}

async function writeYaml(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

/** The `{"plan": …}` line of a `--json` run. */
function jsonPlan(stdout: string): { changes: Array<Record<string, unknown>>; warnings: string[] } {
  const line = stdout.split("\n").find((l) => l.startsWith('{"plan":'));
  if (!line) throw new Error(`no plan line in:\n${stdout}`);
  return JSON.parse(line).plan;
}

/** The plan the CLI prints after the engine's stream: from its title to the end. */
function textPlan(stdout: string, title: string): string {
  const at = stdout.lastIndexOf(`\n${title}`);
  if (at < 0) throw new Error(`no '${title}' in:\n${stdout}`);
  return stdout.slice(at + 1);
}

async function limitryId(name: string): Promise<string> {
  const found = (await limitry.limits.list()).items.find((l) => l.name === name);
  if (!found) throw new Error(`no Limitry limit named ${name}`);
  return found.id;
}

const meter = [
  "  meters:",
  "    - key: tokens",
  "      name: Total Tokens",
  "      aggregation: sum",
  "      field: values.tokens",
];

describe("Limitry objects in every review", () => {
  test("raising, replacing and deleting Limitry limits, and dropping the limitry: section, show old → new in the text, JSON and Markdown plans; up says what it applied", async () => {
    const payi = ["limits:", "  - name: Kinds Budget", "    max: 100"];
    const v1 = await writeYaml("limitry-v1.yaml", [
      ...payi,
      "limitry:",
      ...meter,
      "  limits:",
      "    - key: daily",
      "      name: Daily tokens",
      "      meter: tokens",
      "      limitValue: 100000",
      "      period: day",
      "      customerId: cust_1",
      "      alertThresholds: [50, 100]",
      "    - key: weekly",
      "      name: Weekly tokens",
      "      meter: tokens",
      "      limitValue: 500000",
      "      period: week",
    ]);
    const up1 = await runCli(["up", ...stackArgs(v1, "limitry-plan"), "--yes"], cliEnv(), dir);
    expect(up1.code, up1.stderr).toBe(0);
    const applied1 = textPlan(up1.stdout, "Applied to stack 'limitry-plan'");
    expect(applied1).toContain(
      '  +  create  Limitry meter \'Total Tokens\' (key tokens)\n        name: "Total Tokens"\n        aggregation: "sum"\n        field: "values.tokens"\n',
    );
    // Applied: the meter's id is known by the time the limit is created.
    expect(applied1).toMatch(
      /\+ {2}create {2}Limitry limit 'Daily tokens' \(key daily\)\n {8}name: "Daily tokens"\n {8}meterId: "mtr_\w+"\n {8}limitValue: 100,000\n {8}period: "day"\n {8}customerId: "cust_1"\n {8}alertThresholds: 50%, 100%\n/,
    );
    const daily = await limitryId("Daily tokens");
    const weekly = await limitryId("Weekly tokens");

    const v2 = await writeYaml("limitry-v2.yaml", [
      ...payi,
      "limitry:",
      ...meter,
      "  limits:",
      "    - key: daily",
      "      name: Daily tokens",
      "      meter: tokens",
      "      limitValue: 150000",
      "      period: day",
      "      customerId: cust_1",
      "      alertThresholds: [50, 80, 100]",
      "    - key: weekly",
      "      name: Weekly tokens",
      "      meter: tokens",
      "      limitValue: 500000",
      "      period: month",
    ]);
    const summaryFile = path.join(dir, "limitry-plan.md");
    const preview = await runCli(["preview", ...stackArgs(v2, "limitry-plan"), "--summary", summaryFile], cliEnv(), dir);
    expect(preview.code, preview.stderr).toBe(0);
    const text = textPlan(preview.stdout, "Plan for stack 'limitry-plan'");
    expect(text).toContain(
      `  ~  update  Limitry limit 'Daily tokens' (key daily, ${daily})\n        limitValue: 100,000 → 150,000\n        alertThresholds: 50%, 100% → 50%, 80%, 100%\n`,
    );
    expect(text).toContain(
      `  +- replace Limitry limit 'Weekly tokens' (key weekly, ${weekly})\n        period: "week" → "month"\n        replaced because a new period counts different usage`,
    );
    expect(text).not.toContain("Kinds Budget");
    const summary = await readFile(summaryFile, "utf8");
    expect(summary).toContain("| ✏️ update | Limitry limit Daily tokens (key daily) | limitValue | 100,000 | 150,000 |");
    expect(summary).toContain('| ♻️ replace | Limitry limit Weekly tokens (key weekly) | period | "week" | "month" |');
    const json = jsonPlan((await runCli(["preview", ...stackArgs(v2, "limitry-plan"), "--json"], cliEnv(), dir)).stdout);
    expect(json.changes).toContainEqual({
      op: "update",
      kind: "limitryLimit",
      key: "limitry-limit-daily",
      name: "Daily tokens",
      id: daily,
      changes: [
        { property: "limitValue", old: 100_000, new: 150_000 },
        { property: "alertThresholds", old: [50, 100], new: [50, 80, 100] },
      ],
      replaceReasons: [],
    });
    expect(json.changes.find((c) => c["key"] === "limitry-limit-weekly")).toMatchObject({
      op: "replace",
      changes: [{ property: "period", old: "week", new: "month" }],
      replaceReasons: [expect.stringContaining("a new period")],
    });

    const up2 = await runCli(["up", ...stackArgs(v2, "limitry-plan"), "--yes"], cliEnv(), dir);
    expect(up2.code, up2.stderr).toBe(0);
    const applied2 = textPlan(up2.stdout, "Applied to stack 'limitry-plan'");
    expect(applied2).toContain(
      `  ~  update  Limitry limit 'Daily tokens' (key daily, ${daily})\n        limitValue: 100,000 → 150,000`,
    );
    expect(applied2).toContain(`  +- replace Limitry limit 'Weekly tokens' (key weekly, ${weekly})`);
    expect((await limitry.limits.retrieve(daily)).limitValue).toBe(150_000);

    // The whole limitry: section removed: every Limitry object is a delete, with what it discards.
    const v3 = await writeYaml("limitry-v3.yaml", payi);
    const dropped = await runCli(["preview", ...stackArgs(v3, "limitry-plan"), "--summary", summaryFile], cliEnv(), dir);
    expect(dropped.code, dropped.stderr).toBe(0);
    const droppedText = textPlan(dropped.stdout, "Plan for stack 'limitry-plan'");
    expect(droppedText).toContain(
      `  -  delete  Limitry limit 'Daily tokens' (key daily, ${daily})\n        discards its cap and the usage it counted this window`,
    );
    expect(droppedText).toMatch(/ {2}- {2}delete {2}Limitry meter 'Total Tokens' \(key tokens, mtr_\w+\)\n/);
    expect(droppedText).toMatch(/ {2}- {2}delete {2}Limitry limit 'Weekly tokens' \(key weekly, lmt_\w+\)\n/);
    expect(await readFile(summaryFile, "utf8")).toContain(
      "| 🗑️ delete | Limitry limit Daily tokens (key daily) | (discards) |  | its cap and the usage it counted this window",
    );
    const droppedJson = jsonPlan((await runCli(["preview", ...stackArgs(v3, "limitry-plan"), "--json"], cliEnv(), dir)).stdout);
    expect(droppedJson.changes.map((c) => [c["op"], c["kind"], c["key"]])).toEqual([
      ["delete", "limitryMeter", "limitry-meter-tokens"],
      ["delete", "limitryLimit", "limitry-limit-daily"],
      ["delete", "limitryLimit", "limitry-limit-weekly"],
    ]);
    const up3 = await runCli(["up", ...stackArgs(v3, "limitry-plan"), "--yes"], cliEnv(), dir);
    expect(up3.code, up3.stderr).toBe(0);
    expect(textPlan(up3.stdout, "Applied to stack 'limitry-plan'")).toContain(
      `  -  delete  Limitry limit 'Daily tokens' (key daily, ${daily})`,
    );
    expect((await limitry.limits.list()).items).toEqual([]);
    expect((await runCli(["destroy", ...stackArgs(v3, "limitry-plan"), "--yes"], cliEnv(), dir)).code).toBe(0);
  });
});

describe("what a plan warns", () => {
  test("use-case warnings (instances keeping old settings, what a delete removes) are in the text, JSON and Markdown plans", async () => {
    const useCase = (limitConfig: string[]) => [
      "useCases:",
      "  - name: kinds_summarize",
      "    description: Summaries",
      "    limitConfig:",
      ...limitConfig.map((l) => `      ${l}`),
    ];
    const v1 = await writeYaml("use-case-v1.yaml", useCase(["max: 0.05", "threshold: 0.8"]));
    const args = (file: string) => stackArgs(file, "use-case-notes");
    expect((await runCli(["up", ...args(v1), "--yes"], cliEnv(), dir)).code).toBe(0);

    const updated =
      "updating the limit config of use case 'kinds_summarize' to change max: only new instances get the new settings; instances started before keep their current limits and spend (Pay-i lists no instances of a use case, so they are not counted here)";
    const v2 = await writeYaml("use-case-v2.yaml", useCase(["max: 0.1", "threshold: 0.8"]));
    const text = await runCli(["preview", ...args(v2)], cliEnv(), dir);
    expect(text.code, text.stderr).toBe(0);
    expect(textPlan(text.stdout, "Plan for stack 'use-case-notes'")).toContain(
      `  ~  update  use-case limit 'kinds_summarize' (kinds_summarize)\n        max: $0.05 → $0.10\nwarning: ${updated}\n`,
    );
    const summaryFile = path.join(dir, "use-case.md");
    const json = await runCli(["preview", ...args(v2), "--json", "--summary", summaryFile], cliEnv(), dir);
    expect(jsonPlan(json.stdout).warnings).toEqual([updated]);
    expect(await readFile(summaryFile, "utf8")).toContain(`> **Warning:** ${updated}\n`);

    const gone =
      "deleting use case 'kinds_summarize' deletes its limit config and its instances with it; the limits its instances got stay in Pay-i with their spend, as ordinary limits (Pay-i lists no instances of a use case, so they are not counted here: find each by the limit_id its instance reported, and delete it there if unwanted)";
    const v3 = await writeYaml("use-case-v3.yaml", ["useCases: []"]);
    const dropped = await runCli(["preview", ...args(v3), "--allow-empty", "--json", "--summary", summaryFile], cliEnv(), dir);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(jsonPlan(dropped.stdout).warnings).toEqual([gone]);
    expect(await readFile(summaryFile, "utf8")).toContain(`> **Warning:** ${gone}\n`);
    const up = await runCli(["up", ...args(v3), "--allow-empty", "--yes"], cliEnv(), dir);
    expect(up.code, up.stderr).toBe(0);
    expect(textPlan(up.stdout, "Applied to stack 'use-case-notes'")).toContain(`warning: ${gone}\n`);
  });

  test("a create told to take an object over previews as an adopt, naming what it takes over", async () => {
    const { client } = env.service();
    await client.limits.create({ limit_name: "Kinds Legacy", max: 10 });
    const existing = await limitry.meters.create({ name: "Legacy Tokens", aggregation: "sum", field: "values.tokens" });
    const file = await writeYaml("adopt.yaml", [
      "limits:",
      "  - name: Kinds Legacy",
      "    max: 10",
      "    adopt: true",
      "limitry:",
      "  meters:",
      "    - key: legacy",
      "      name: Legacy Tokens",
      "      aggregation: sum",
      "      field: values.tokens",
      `      adoptId: ${existing.id}`,
    ]);
    const summaryFile = path.join(dir, "adopt.md");
    const preview = await runCli(["preview", ...stackArgs(file, "adopt"), "--summary", summaryFile], cliEnv(), dir);
    expect(preview.code, preview.stderr).toBe(0);
    const text = textPlan(preview.stdout, "Plan for stack 'adopt'");
    expect(text).toContain(
      "  +  adopt   limit 'Kinds Legacy'\n        takes over the existing limit 'Kinds Legacy' if there is one (adopt: true); else it is created\n",
    );
    expect(text).toContain(
      `  +  adopt   Limitry meter 'Legacy Tokens' (key legacy)\n        takes over Limitry meter ${existing.id} (adoptId)\n`,
    );
    expect(await readFile(summaryFile, "utf8")).toContain(
      `| 🔗 adopt | Limitry meter Legacy Tokens (key legacy) | (takes over) |  | Limitry meter ${existing.id} (adoptId) |`,
    );
    const up = await runCli(["up", ...stackArgs(file, "adopt"), "--yes"], cliEnv(), dir);
    expect(up.code, up.stderr).toBe(0);
    expect(textPlan(up.stdout, "Applied to stack 'adopt'")).toContain("  +  adopt   limit 'Kinds Legacy'\n");
    expect((await limitry.meters.list()).items.map((m) => m.id)).toEqual([existing.id]);
    expect((await runCli(["destroy", ...stackArgs(file, "adopt"), "--yes"], cliEnv(), dir)).code).toBe(0);
  });
});

describe("drift and destroy", () => {
  test("drift names each difference (kind, key, field service → file) of both APIs; destroy shows every object and the spend it discards before deleting, and needs --yes", async () => {
    const file = await writeYaml("drift.yaml", [
      "limits:",
      "  - name: Drift Budget",
      "    max: 100",
      "limitry:",
      ...meter,
      "  limits:",
      "    - key: daily",
      "      name: Drift daily",
      "      meter: tokens",
      "      limitValue: 1000",
      "      period: day",
    ]);
    const args = stackArgs(file, "drift");
    expect((await runCli(["up", ...args, "--yes"], cliEnv(), dir)).code).toBe(0);
    const { client } = env.service();
    const [budget] = (await client.limits.list({ limit_name: "Drift Budget" })).items;
    const budgetId = budget?.limit_id ?? "";
    const daily = await limitryId("Drift daily");
    await client.limits.update(budgetId, { max: 150 });
    await limitry.limits.update(daily, { limitValue: 2000 });

    const drift = await runCli(["drift", ...args], cliEnv(), dir);
    expect(drift.code, drift.stderr).toBe(3);
    const text = textPlan(drift.stdout, `Differences between the service and ${file}`);
    expect(text).toContain(`  ~  update  limit 'Drift Budget' (${budgetId})\n        max: $150.00 → $100.00\n`);
    expect(text).toContain(`  ~  update  Limitry limit 'Drift daily' (key daily, ${daily})\n        limitValue: 2,000 → 1,000\n`);
    expect(text).toContain(`Drift: the service differs from ${file} (2 to update).`);
    const json = await runCli(["drift", ...args, "--json"], cliEnv(), dir);
    expect(json.code).toBe(3);
    expect(jsonPlan(json.stdout).changes.map((c) => [c["kind"], c["key"], c["changes"]])).toEqual([
      ["limit", "drift-budget", [{ property: "max", old: 150, new: 100 }]],
      ["limitryLimit", "limitry-limit-daily", [{ property: "limitValue", old: 2000, new: 1000 }]],
    ]);

    await client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1_000_000, output: 1_000_000 } },
      limit_ids: [budgetId],
    });
    const title = "Plan to destroy stack 'drift'";
    const refused = await runCli(["destroy", ...args], cliEnv(), dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "pulumi-limits: Delete every object above from the service (stack 'drift'): pass --yes to apply without a prompt\n",
    );
    const plan = textPlan(refused.stdout, title);
    expect(plan).toContain(`  -  delete  limit 'Drift Budget' (${budgetId})\n        tracked spend discarded: $12.50\n`);
    expect(plan).toContain(`  -  delete  Limitry limit 'Drift daily' (key daily, ${daily})\n        discards its cap`);
    expect(plan).toMatch(/ {2}- {2}delete {2}Limitry meter 'Total Tokens' \(key tokens, mtr_\w+\)\n/);
    expect(plan).toContain(`warning: deleting limit 'Drift Budget' (${budgetId}) discards its tracked spend of $12.50\n`);
    expect((await client.limits.retrieve(budgetId)).limit.limit_id).toBe(budgetId);
    expect((await limitry.limits.retrieve(daily)).id).toBe(daily);

    const destroyed = await runCli(["destroy", ...args, "--yes"], cliEnv(), dir);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const shown = destroyed.stdout.indexOf(`${title}:\n  -  delete  limit 'Drift Budget'`);
    expect(shown).toBeGreaterThan(-1);
    expect(destroyed.stdout.indexOf("Destroyed in stack 'drift':")).toBeGreaterThan(shown);
    expect((await client.limits.list({ limit_name: "Drift Budget" })).items).toEqual([]);
    expect((await limitry.limits.list()).items.filter((l) => l.id === daily)).toEqual([]);
  });
});
