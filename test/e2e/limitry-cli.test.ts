import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { Limitry } from "../../sdk/limitry/index.js";
import { runCli } from "../support/cli.js";
import { exampleCopy } from "../support/link-package.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

/** Read only: the CLI keeps nothing beside the file. */
const EXAMPLE_BUDGETS = path.resolve(__dirname, "..", "..", "examples", "limitry-meters", "budgets.yaml");
const env = useServiceAndBackend();
let dir: string;
let limitry: Limitry;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-limitry-cli-"));
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
    PULUMI_CONFIG_PASSPHRASE: "cli-test",
  };
}

describe("limitry: in budgets.yaml and the examples", () => {
  test("a limitry: section with mistakes exits 2 naming file, line, column, field and rule", async () => {
    const file = path.join(dir, "bad.yaml");
    const lines = [
      "limitry:",
      "  meters:",
      "    - key: tokens",
      "      name: Total Tokens",
      "      aggregation: sum",
      "      field: tokens",
      "  limits:",
      "    - name: Daily",
      "      meter: tokenz",
      "      limitValue: 0",
      "      period: daily",
      "      alertThresholds: [50, 120]",
      "      colour: red",
      "",
    ];
    await writeFile(file, lines.join("\n"));
    // One run names every mistake: an unknown field or a wrong type hides none of the rules' findings.
    const rules = await runCli(["preview", "-f", file], cliEnv(), dir);
    expect(rules.code).toBe(2);
    expect(rules.stderr).toContain(`${file}:13:15: limitry.limits[0].colour: unknown field 'colour'`);
    expect(rules.stderr).toContain(
      `${file}:11:15: limitry.limits[0].period: period must be hour, day, week, month, annual, all_time, got the string "daily"`,
    );
    expect(rules.stderr).toContain(`${file}:6:14: limitry.meters[0].field: field must be 'values.<key>'`);
    expect(rules.stderr).toContain(
      `${file}:9:14: limitry.limits[0].meter: no meter with key 'tokenz' in limitry.meters (keys: tokens)`,
    );
    expect(rules.stderr).toContain(
      `${file}:10:19: limitry.limits[0].limitValue: limitValue must be an integer greater than 0 (got 0)`,
    );
    expect(rules.stderr).toContain(
      `${file}:12:29: limitry.limits[0].alertThresholds[1]: alertThresholds[1] must be an integer between 1 and 100 (got 120)`,
    );
  });

  test("one budgets.yaml drives Pay-i and Limitry in one stack: up, status per customer, import, destroy", async () => {
    const common = ["-f", EXAMPLE_BUDGETS, "--backend", env.backend().envVars["PULUMI_BACKEND_URL"] ?? "", "--stack", "both"];
    const up = await runCli(["up", ...common, "--yes"], cliEnv(), dir);
    expect(up.code, up.stderr).toBe(0);
    expect((await env.service().client.limits.list()).items.map((l) => l.limit_name)).toEqual(["Monthly Budget"]);
    const limits = (await limitry.limits.list()).items;
    expect(limits.map((l) => [l.name, l.limitValue, l.customerId]).sort()).toEqual([
      ["Daily token limit", 100_000, "cust_123"],
      ["GPT-4 daily limit", 50_000, "cust_123"],
    ]);

    await limitry.events.record({
      customerId: "cust_123",
      eventType: "llm.completion",
      values: { tokens: 60_000 },
      dimensions: { model: "gpt-4" },
    });
    const status = await runCli(["status", ...common, "--json"], cliEnv(), dir);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as { payi: Array<{ name: string }>; limitry: Array<Record<string, unknown>> };
    expect(report.payi.map((r) => r.name)).toEqual(["Monthly Budget"]);
    expect(
      report.limitry.map((r) => [r["customerId"], r["name"], r["used"], r["limit"], r["remaining"], r["exceeded"]]).sort(),
    ).toEqual([
      ["cust_123", "Daily token limit", 60_000, 100_000, 40_000, false],
      ["cust_123", "GPT-4 daily limit", 60_000, 50_000, 0, true],
    ]);
    const table = await runCli(["status", ...common, "--customer", "cust_123"], cliEnv(), dir);
    expect(table.stdout).toMatch(
      /cust_123[\s│]+GPT-4 daily limit[\s│]+day[\s│]+60,000[\s│]+50,000[\s│]+0[\s│]+\S+ \S+[\s│]+EXCEEDED/,
    );

    const importedFile = path.join(dir, "imported.yaml");
    const imported = await runCli(["import", "--out", importedFile], cliEnv(), dir);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain(`Imported 1 limit, 0 use cases, 1 Limitry meter and 2 Limitry limits into ${importedFile}`);
    const file = parse(await readFile(importedFile, "utf8")) as {
      limitry: { meters: Array<Record<string, unknown>>; limits: Array<Record<string, unknown>> };
    };
    expect(file.limitry.meters).toEqual([
      expect.objectContaining({
        key: "total-tokens",
        name: "Total Tokens",
        field: "values.tokens",
        adoptId: expect.stringMatching(/^mtr_/),
      }),
    ]);
    expect(file.limitry.limits.map((l) => [l["key"], l["name"], l["meter"], l["adoptId"]]).sort()).toEqual(
      limits
        .map((l) => [l.name === "GPT-4 daily limit" ? "gpt-4-daily-limit" : "daily-token-limit", l.name, "total-tokens", l.id])
        .sort(),
    );

    const destroyed = await runCli(["destroy", ...common, "--yes"], cliEnv(), dir);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect((await limitry.limits.list()).items).toEqual([]);
    expect((await limitry.meters.list()).items).toEqual([]);
  });

  test("status shows what is missing on either API, and one API failing never hides the other's table", async () => {
    const common = ["-f", EXAMPLE_BUDGETS, "--backend", env.backend().envVars["PULUMI_BACKEND_URL"] ?? "", "--stack", "status"];
    expect((await runCli(["up", ...common, "--yes"], cliEnv(), dir)).code).toBe(0);
    const [payiLimit] = (await env.service().client.limits.list({ limit_name: "Monthly Budget" })).items;
    const gpt4 = (await limitry.limits.list()).items.find((l) => l.name === "GPT-4 daily limit");
    await env.service().client.limits.delete(payiLimit?.limit_id ?? "");
    await limitry.limits.delete(gpt4?.id ?? "");

    // Deleted out of band on each API: a MISSING row in each table, the rest reported.
    const table = await runCli(["status", ...common], cliEnv(), dir);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Monthly Budget[\s│-]+│ MISSING /);
    expect(table.stdout).toMatch(/-[\s│]+GPT-4 daily limit[\s│-]+│ deleted on the service; `up` recreates it │ MISSING/);
    expect(table.stdout).toMatch(/cust_123[\s│]+Daily token limit[\s│]+day[\s│]+[\d,]+[\s│]+100,000[\s│]/);
    expect(table.stdout).toContain("2 missing on the service: `pulumi-limits drift` shows them, `up` recreates them.");
    const json = JSON.parse((await runCli(["status", ...common, "--json"], cliEnv(), dir)).stdout) as {
      payi: unknown[];
      limitry: unknown[];
    };
    expect(json.payi).toEqual([
      { kind: "limit", key: "monthly-budget", limitId: payiLimit?.limit_id, name: "Monthly Budget", state: "missing" },
    ]);
    expect(json.limitry).toContainEqual({ key: "gpt4", limitId: gpt4?.id, name: "GPT-4 daily limit", state: "missing" });

    // One API unreachable or refusing: its section says what failed and what to fix; the other's table stays.
    const limitryUrl = `${env.service().url}/v1`;
    const wrongLimitryKey = await runCli(["status", ...common], { ...cliEnv(), LIMITRY_API_KEY: "wrong" }, dir);
    expect(wrongLimitryKey.code).toBe(1);
    expect(wrongLimitryKey.stdout).toContain("Monthly Budget");
    expect(wrongLimitryKey.stdout).toContain(
      `Limitry limits of stack 'status': not shown: Limitry at ${limitryUrl} rejected the API key: check LIMITRY_API_KEY\n`,
    );
    const noV1 = await runCli(["status", ...common], { ...cliEnv(), LIMITRY_BASE_URL: env.service().url }, dir);
    expect(noV1.code).toBe(1);
    expect(noV1.stdout).toContain("Monthly Budget");
    expect(noV1.stdout).toContain(
      `Limitry limits of stack 'status': not shown: ${env.service().url} does not serve the Limitry API: LIMITRY_BASE_URL must be its root ending in /v1 (it is missing /v1), e.g. https://api.limitry.com/v1\n`,
    );
    const wrongPayiKey = await runCli(["status", ...common, "--json"], { ...cliEnv(), PAYI_API_KEY: "wrong" }, dir);
    expect(wrongPayiKey.code).toBe(1);
    const report = JSON.parse(wrongPayiKey.stdout) as { payi: unknown; limitry: Array<Record<string, unknown>> };
    expect(report.payi).toEqual({ error: `Pay-i at ${env.service().url} rejected the API key: check PAYI_API_KEY` });
    expect(report.limitry.map((r) => r["name"]).sort()).toEqual(["Daily token limit", "GPT-4 daily limit"]);
    const payiDown = await runCli(["status", ...common], { ...cliEnv(), PAYI_BASE_URL: "http://127.0.0.1:9" }, dir);
    expect(payiDown.code).toBe(1);
    expect(payiDown.stdout).toContain(
      "Pay-i limits of stack 'status': not shown: cannot reach Pay-i at http://127.0.0.1:9: check PAYI_BASE_URL or --base-url",
    );
    expect(payiDown.stdout).toContain("Daily token limit");
    expect(payiDown.stderr).toBe("");

    // up recreates both; the report is whole again.
    expect((await runCli(["up", ...common, "--yes"], cliEnv(), dir)).code).toBe(0);
    const restored = await runCli(["status", ...common], cliEnv(), dir);
    expect(restored.stdout).not.toContain("MISSING");
    expect(restored.stdout).toMatch(/cust_123[\s│]+GPT-4 daily limit/);
    expect((await runCli(["destroy", ...common, "--yes"], cliEnv(), dir)).code).toBe(0);
  });

  test("examples/limitry-meters runs as a user runs it: up, a clean preview, destroy", async () => {
    const workDir = exampleCopy("limitry-meters");
    onTestFinished(() => rm(workDir, { recursive: true, force: true }));
    const stack = await automation.LocalWorkspace.createOrSelectStack(
      { stackName: "example", workDir },
      { envVars: { ...env.backend().envVars, LIMITRY_API_KEY: TEST_API_KEY, LIMITRY_BASE_URL: `${env.service().url}/v1` } },
    );
    const up = await stack.up();
    const ids = up.outputs["limitIds"]?.value as Record<string, string>;
    expect(await limitry.limits.retrieve(ids["gpt4"] ?? "")).toMatchObject({
      dimensionFilters: { model: "gpt-4" },
      limitValue: 50_000,
    });
    expect(await limitry.limits.retrieve(ids["daily"] ?? "")).toMatchObject({ alertThresholds: [50, 80, 100], period: "day" });
    // The stack, the meter, two limits and the StackInstance their creates' idempotency keys name.
    expect((await stack.preview()).changeSummary).toEqual({ same: 5 });
    await stack.destroy();
    const left = (await limitry.limits.list()).items.map((l) => l.id);
    expect(left.filter((id) => Object.values(ids).includes(id))).toEqual([]);
  });

  test("a limit naming a meterId Limitry does not hold stops preview and up before anything is applied", async () => {
    const file = path.join(dir, "meter-id.yaml");
    const common = ["-f", file, "--backend", env.backend().envVars["PULUMI_BACKEND_URL"] ?? "", "--stack", "meter-id"];
    const yaml = (meterId: string) =>
      [
        "limitry:",
        "  meters:",
        "    - { key: calls, name: Calls, aggregation: count, field: '*' }",
        "  limits:",
        "    - { name: Hourly calls, meter: calls, limitValue: 10, period: hour }",
        `    - { name: Daily tokens, meterId: ${meterId}, limitValue: 5, period: day }`,
        `    - { name: Weekly tokens, meterId: ${meterId}, limitValue: 9, period: week }`,
        "",
      ].join("\n");
    await writeFile(file, yaml("mtr_gone"));
    for (const command of [["preview"], ["up", "--yes"]]) {
      const res = await runCli([...command, ...common], cliEnv(), dir);
      expect(res.code, res.stdout).toBe(2);
      expect(res.stderr).toContain(
        `${file}:6:38: limitry.limits[1].meterId: no meter 'mtr_gone' in Limitry (meterId names an existing meter; for one of this file, write meter: <its key>)`,
      );
      expect(res.stderr).toContain(`${file}:7:39: limitry.limits[2].meterId: no meter 'mtr_gone' in Limitry`);
    }
    expect((await limitry.meters.list()).data).toEqual([]);

    const tokens = await limitry.meters.create({ name: "Tokens", aggregation: "sum", field: "values.tokens" });
    try {
      await writeFile(file, yaml(tokens.id));
      const preview = await runCli(["preview", ...common], cliEnv(), dir);
      expect(preview.code, preview.stderr).toBe(0);
    } finally {
      await limitry.meters.delete(tokens.id);
    }
  });
});
