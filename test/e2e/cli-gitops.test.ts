import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { VERSION } from "../../sdk/version.js";
import { runCli } from "../support/cli.js";
import { TEST_API_KEY, startService } from "../support/service.js";

// Issue 15: what a reviewer and a new user see from the CLI.
let dir: string;
let service: Awaited<ReturnType<typeof startService>>;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-cli-gitops-"));
  service = await startService();
  env = { PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: service.url, PULUMI_CONFIG_PASSPHRASE: "cli-test", GITHUB_STEP_SUMMARY: "" };
});
afterAll(async () => {
  await service.stop();
  await rm(dir, { recursive: true, force: true });
});

function stackArgs(file: string, stack: string): string[] {
  return ["-f", file, "--backend", `file://${path.join(dir, "state")}`, "--stack", stack];
}

async function writeYaml(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

async function idOf(name: string): Promise<string> {
  const [limit] = (await service.client.limits.list({ limit_name: name })).items;
  if (!limit) throw new Error(`no limit named ${name}`);
  return limit.limit_id;
}

describe("plans a reviewer can approve", () => {
  test("preview, up and drift print every changed property old → new in USD, each replace's reason and the spend it discards; --summary and $GITHUB_STEP_SUMMARY get the Markdown report", async () => {
    const v1 = await writeYaml("plan-v1.yaml", [
      "limits:",
      "  - name: Monthly Budget",
      "    max: 1000",
      "    threshold: 0.8",
      "  - name: Daily Safety Cap",
      "    max: 50",
      "    type: block",
      "    threshold: 0.9",
      "  - name: Old Experiment",
      "    max: 20",
    ]);
    const up1 = await runCli(["up", ...stackArgs(v1, "plan"), "--yes"], env, dir);
    expect(up1.code, up1.stderr).toBe(0);
    expect(up1.stdout).toContain(
      "Applied to stack 'plan':\n  +  create  limit 'Daily Safety Cap'\n        name: \"Daily Safety Cap\"\n        max: $50.00\n        type: \"block\"\n        threshold: 90%\n  +  create  limit 'Monthly Budget'\n",
    );
    const daily = await idOf("Daily Safety Cap");
    const monthly = await idOf("Monthly Budget");
    const experiment = await idOf("Old Experiment");
    await service.client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1_000_000, output: 1_000_000 } },
      limit_ids: [monthly],
    });

    const v2 = await writeYaml("plan-v2.yaml", [
      "limits:",
      "  - name: Monthly Budget",
      "    max: 1200.5",
      "    threshold: 0.8",
      "    properties: { team: platform }",
      "  - name: Daily Safety Cap",
      "    max: 50",
      "    type: block",
      "    threshold: 0.95",
      "  - name: Premium Models",
      "    max: 300",
    ]);
    const summaryFile = path.join(dir, "plan.md");
    const stepSummary = path.join(dir, "step-summary.md");
    await writeFile(stepSummary, "earlier step\n");
    const preview = await runCli(
      ["preview", ...stackArgs(v2, "plan"), "--summary", summaryFile],
      { ...env, GITHUB_STEP_SUMMARY: stepSummary },
      dir,
    );
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(`  +- replace limit 'Daily Safety Cap' (${daily})
        threshold: 90% → 95%
        replaced because threshold cannot change in place (Pay-i fixes it when the limit is created)
        tracked spend discarded: $0.00`);
    expect(preview.stdout).toContain(`  ~  update  limit 'Monthly Budget' (${monthly})
        max: $1,000.00 → $1,200.50
        properties.team: (none) → "platform"`);
    expect(preview.stdout).toContain(
      `  -  delete  limit 'Old Experiment' (${experiment})\n        tracked spend discarded: $0.00`,
    );
    expect(preview.stdout).toContain(`  +  create  limit 'Premium Models'\n        name: "Premium Models"\n        max: $300.00`);

    const summary = await readFile(summaryFile, "utf8");
    expect(summary).toContain("## Plan for stack 'plan'");
    expect(summary).toContain("| Change | Resource | Property | Old | New |");
    expect(summary).toContain("| ✏️ update | limit Monthly Budget | max | $1,000.00 | $1,200.50 |");
    expect(summary).toContain(
      "| ♻️ replace | limit Daily Safety Cap | threshold | 90% | 95% |\n|  |  | (replace) |  | threshold cannot change in place (Pay-i fixes it when the limit is created) |",
    );
    expect(summary).toContain("| 🗑️ delete | limit Old Experiment | tracked spend | $0.00 | discarded |");
    expect(summary).toContain('| ➕ create | limit Premium Models | name |  | "Premium Models" |');
    expect(summary).toContain("### Budget status");
    expect(summary).toContain("| Monthly Budget | $12.50 | $1,000.00 | 1.3% | ok |");
    expect(await readFile(stepSummary, "utf8")).toBe(`earlier step\n${summary}`);

    const json = await runCli(["preview", ...stackArgs(v2, "plan"), "--json"], env, dir);
    const plan = json.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { plan?: { changes: Array<Record<string, unknown>> } })
      .find((e) => e.plan)?.plan;
    expect(plan?.changes).toContainEqual({
      op: "update",
      kind: "limit",
      key: "monthly-budget",
      name: "Monthly Budget",
      id: monthly,
      changes: [
        { property: "max", old: 1000, new: 1200.5 },
        { property: "properties.team", new: "platform" },
      ],
      replaceReasons: [],
    });
    expect(plan?.changes.find((c) => c["op"] === "replace")).toMatchObject({
      name: "Daily Safety Cap",
      replaceReasons: [expect.stringContaining("threshold")],
      spendDiscardedUsd: 0,
    });

    const up2 = await runCli(["up", ...stackArgs(v2, "plan"), "--yes"], env, dir);
    expect(up2.code, up2.stderr).toBe(0);
    await service.client.limits.update(monthly, { max: 1500 });
    const drift = await runCli(["drift", ...stackArgs(v2, "plan")], env, dir);
    expect(drift.code).toBe(3);
    expect(drift.stdout).toContain(
      `Differences between the service and ${v2}:\n  ~  update  limit 'Monthly Budget' (${monthly})\n        max: $1,500.00 → $1,200.50`,
    );
    expect((await runCli(["destroy", ...stackArgs(v2, "plan"), "--yes"], env, dir)).code).toBe(0);
  });
});

describe("budgets files", () => {
  test("every problem of a file is reported in one run, naming what was found", async () => {
    const file = await writeYaml("many-mistakes.yaml", [
      "limits:",
      "  - name: Daily Safety Cap",
      '    max: "50"',
      "    type: deny",
      "  - name: Monthly",
      "    max: 100",
      "    threshold: 0.5",
      "    colour: red",
      "  - name: Monthly",
      "    max: -1",
      "useCases:",
      "  - name: teach me",
      "    limitConfig: { threshold: 2 }",
    ]);
    const res = await runCli(["preview", "-f", file], env, dir);
    expect(res.code).toBe(2);
    expect(res.stderr.split("\n").filter((l) => l.startsWith(file))).toEqual([
      `${file}:3:10: limits[0].max: max must be a number, got the string "50"`,
      `${file}:4:11: limits[0].type: type must be allow or block, got the string "deny"`,
      `${file}:7:16: limits[1].threshold: threshold must be between 0.75 and 0.99 (got 0.5)`,
      `${file}:8:13: limits[1].colour: unknown field 'colour' (expected one of: name, key, previousKeys, max, type, threshold, properties, id, adopt, reset)`,
      `${file}:9:11: limits[2].name: duplicate limit name 'Monthly' (also limits[1])`,
      `${file}:10:10: limits[2].max: max must be greater than 0 (got -1)`,
      `${file}:12:11: useCases[0].name: name must be 1-64 characters of letters, digits, '.', '-' or '_'`,
      `${file}:13:18: useCases[0].limitConfig.max: max is required`,
      `${file}:13:31: useCases[0].limitConfig.threshold: threshold must be between 0.75 and 0.99 (got 2)`,
    ]);
  });

  test("YAML merge keys and top-level x- keys share settings between limits", async () => {
    const file = await writeYaml("anchors.yaml", [
      "x-guarded: &guarded",
      "  type: block",
      "  threshold: 0.9",
      "  properties: { owner: platform }",
      "limits:",
      "  - <<: *guarded",
      "    name: Daily Safety Cap",
      "    max: 50",
      "  - <<: *guarded",
      "    name: Weekly Safety Cap",
      "    max: 300",
    ]);
    const res = await runCli(["preview", ...stackArgs(file, "anchors")], env, dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(
      `  +  create  limit 'Weekly Safety Cap'\n        name: "Weekly Safety Cap"\n        max: $300.00\n        type: "block"\n        threshold: 90%\n        properties.owner: "platform"`,
    );
  });
});

describe("reset schedules declared in the file (reset --due: reset-due.test.ts)", () => {
  test("status shows each limit's next reset, and a wrong schedule is refused naming what was found", async () => {
    const file = await writeYaml("status-resets.yaml", [
      "limits:",
      "  - name: Reset Monthly",
      "    max: 10",
      "    reset: monthly",
      "  - name: Never Reset",
      "    max: 10",
    ]);
    const stack = stackArgs(file, "status-resets");
    expect((await runCli(["up", ...stack, "--yes"], env, dir)).code).toBe(0);
    const status = await runCli(["status", ...stack, "--now", "2030-02-14T09:00:00Z"], env, dir);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Reset Monthly .* 2030-03-01 00:00 UTC \(monthly\) │/);
    expect(status.stdout).toMatch(/Never Reset .* │ - +│/);
    const json = JSON.parse(
      (await runCli(["status", ...stack, "--now", "2030-02-14T09:00:00Z", "--json"], env, dir)).stdout,
    ) as Array<Record<string, unknown>>;
    expect(json.find((r) => r["name"] === "Reset Monthly")).toMatchObject({
      reset: "monthly",
      nextReset: "2030-03-01T00:00:00.000Z",
    });
    expect((await runCli(["destroy", ...stack, "--yes"], env, dir)).code).toBe(0);

    const bad = await writeYaml("bad-reset.yaml", ["limits:", "  - name: X", "    max: 10", "    reset: quarterly"]);
    const res = await runCli(["preview", "-f", bad], env, dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `${bad}:4:12: limits[0].reset: reset must be daily, weekly or monthly, got the string "quarterly"`,
    );
  });
});

describe("first steps", () => {
  test("--version prints the version; a missing Pulumi CLI is named with how to install it; --backend file://DIR creates DIR", async () => {
    const version = await runCli(["--version"], env, dir);
    expect(version).toMatchObject({ code: 0, stdout: `pulumi-limits ${VERSION}\n` });

    const file = await writeYaml("one.yaml", ["limits:", "  - name: One", "    max: 1"]);
    const noPulumi = await runCli(
      ["preview", ...stackArgs(file, "nopulumi")],
      { ...env, PATH: path.dirname(process.execPath) },
      dir,
    );
    expect(noPulumi.code).toBe(1);
    expect(noPulumi.stderr).toContain("pulumi-limits: the Pulumi CLI was not found on PATH");
    expect(noPulumi.stderr).toContain("https://www.pulumi.com/docs/install/");
    expect(noPulumi.stderr).not.toMatch(/\n\s+at /);

    const fresh = path.join(dir, "new-state", "nested");
    const preview = await runCli(["preview", "-f", file, "--backend", `file://${fresh}`], env, dir);
    expect(preview.code, preview.stderr).toBe(0);
    await access(fresh);
  });
});
