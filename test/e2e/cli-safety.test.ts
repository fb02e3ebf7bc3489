import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { liveLimitSettings } from "../support/limit-settings.js";
import { pulumiEnv } from "../../cli/environment.js";
import { runCli } from "../support/cli.js";
import { tsProject } from "../support/ts-project.js";
import { TEST_API_KEY, startService } from "../support/service.js";

// Issue 10, items 8-11: the budgets.yaml CLI never deletes or loses a cap silently.
const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(ROOT, "examples", "budgets-yaml", "budgets.yaml");

let dir: string;
let service: Awaited<ReturnType<typeof startService>>;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-cli-safety-"));
  service = await startService();
  env = { PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: service.url, PULUMI_CONFIG_PASSPHRASE: "cli-test" };
});
afterAll(async () => {
  await service.stop();
  await rm(dir, { recursive: true, force: true });
});

function stackArgs(file: string, stack: string): string[] {
  return ["-f", file, "--backend", `file://${path.join(dir, "state")}`, "--stack", stack];
}

async function names(): Promise<string[]> {
  const all: string[] = [];
  for await (const l of service.client.limits.list()) all.push(l.limit_name);
  return all.sort();
}

/** $12.50 of gpt-4o spend on a limit (1M input + 1M output tokens). */
async function spend(limitId: string): Promise<void> {
  await service.client.ingest.units({
    category: "system.openai",
    resource: "gpt-4o",
    units: { text: { input: 1_000_000, output: 1_000_000 } },
    limit_ids: [limitId],
  });
}

async function idOf(name: string): Promise<string> {
  const [limit] = (await service.client.limits.list({ limit_name: name })).items;
  if (!limit) throw new Error(`no limit named ${name}`);
  return limit.limit_id;
}

async function writeYaml(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

describe("budgets.yaml safety", () => {
  test("an empty or comment-only file is refused with exit 2 and deletes nothing; limits: [] or --allow-empty apply it", async () => {
    const common = stackArgs(EXAMPLE, "empty");
    expect((await runCli(["up", ...common, "--yes"], env, dir)).code).toBe(0);
    const before = await names();
    expect(before).toHaveLength(3);

    const commentOnly = await writeYaml("comments.yaml", ["# all budgets moved to another repo", ""]);
    const emptyFile = await writeYaml("empty.yaml", [""]);
    for (const file of [commentOnly, emptyFile]) {
      for (const command of ["up", "preview", "drift"]) {
        const res = await runCli([command, ...stackArgs(file, "empty"), "--yes"], env, dir);
        expect(res.code, `${command} ${file}: ${res.stdout}`).toBe(2);
        expect(res.stderr).toContain(
          `${file} declares no limits and no use cases: applying it would delete every limit and use case of the stack`,
        );
        expect(res.stderr).toContain("--allow-empty");
      }
    }
    expect(await names()).toEqual(before);

    const explicit = await writeYaml("explicit.yaml", ["limits: []"]);
    const preview = await runCli(["preview", ...stackArgs(explicit, "empty")], env, dir);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain("-  delete  limit 'Monthly Budget'");
    expect(await names()).toEqual(before);

    const up = await runCli(["up", ...stackArgs(commentOnly, "empty"), "--yes", "--allow-empty"], env, dir);
    expect(up.code, up.stderr).toBe(0);
    expect(await names()).toEqual([]);
  });

  test("renaming a limit in the file renames it in place, keeping its id and spend; a delete of a limit with spend is warned at preview with the amount", async () => {
    const v1 = await writeYaml("team-v1.yaml", [
      "limits:",
      "  - name: Team Alpha",
      "    max: 100",
      "    threshold: 0.8",
      "  - name: Team Beta",
      "    max: 50",
    ]);
    expect((await runCli(["up", ...stackArgs(v1, "rename"), "--yes"], env, dir)).code).toBe(0);
    const alpha = await idOf("Team Alpha");
    const beta = await idOf("Team Beta");
    await spend(alpha);
    await spend(beta);

    const v2 = await writeYaml("team-v2.yaml", ["limits:", "  - name: Team Alpha (EU)", "    max: 100", "    threshold: 0.8"]);
    const preview = await runCli(["preview", ...stackArgs(v2, "rename")], env, dir);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(
      `~  update  limit 'Team Alpha (EU)' (${alpha})\n        name: "Team Alpha" → "Team Alpha (EU)"`,
    );
    expect(preview.stdout).toContain(`warning: deleting limit 'Team Beta' (${beta}) discards its tracked spend of $12.50`);

    const json = await runCli(["preview", ...stackArgs(v2, "rename"), "--json"], env, dir);
    const plan = json.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { plan?: { changes: Array<Record<string, unknown>>; warnings: string[] } })
      .find((e) => e.plan)?.plan;
    expect(plan?.changes).toContainEqual({
      op: "delete",
      kind: "limit",
      key: "team-beta",
      name: "Team Beta",
      id: beta,
      changes: [],
      replaceReasons: [],
      spendDiscardedUsd: 12.5,
    });

    const up = await runCli(["up", ...stackArgs(v2, "rename"), "--yes"], env, dir);
    expect(up.code, up.stderr).toBe(0);
    const { limit } = await service.client.limits.retrieve(alpha);
    expect(limit).toMatchObject({ limit_name: "Team Alpha (EU)", max: 100, threshold: 0.8 });
    expect(limit.totals.cost.total.base).toBe(12.5);
    expect(await names()).not.toContain("Team Beta");
    expect((await runCli(["drift", ...stackArgs(v2, "rename")], env, dir)).code).toBe(0);
    expect((await runCli(["destroy", ...stackArgs(v2, "rename"), "--yes"], env, dir)).code).toBe(0);
  });

  test("status shows a limit deleted out of band as MISSING, still reports the rest, and lists use cases with their limit configs", async () => {
    const common = stackArgs(EXAMPLE, "status");
    expect((await runCli(["up", ...common, "--yes"], env, dir)).code).toBe(0);
    const monthly = await idOf("Monthly Budget");
    await spend(await idOf("Daily Safety Cap"));
    await service.client.limits.delete(monthly);

    const table = await runCli(["status", ...common], env, dir);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Monthly Budget[\s│-]+│ MISSING /);
    expect(table.stdout).toMatch(/Daily Safety Cap\s+│ block │\s+\$12\.50000 │\s+\$50\.00 │\s+25\.0% │\s+90% │ ok/);
    expect(table.stdout).toMatch(/teach_me\s+│\s+\$0\.05 │ allow │\s+80% │ ok/);

    const json = await runCli(["status", ...common, "--json"], env, dir);
    const rows = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(rows).toContainEqual({
      kind: "limit",
      key: "monthly-budget",
      limitId: monthly,
      name: "Monthly Budget",
      state: "missing",
    });
    expect(rows).toContainEqual({
      kind: "useCase",
      key: "use-case-teach_me",
      name: "teach_me",
      description: "Tutoring sessions; every session gets its own $0.05 budget",
      limitConfig: { max: 0.05, type: "allow", threshold: 0.8 },
      state: "ok",
    });
    expect((await runCli(["destroy", ...common, "--yes"], env, dir)).code).toBe(0);
  });

  test("import --format ts emits every field under the CLI's resource names, and the program round-trips without changing the service", async () => {
    const { client } = service;
    await client.limits.create({
      limit_name: "Scripted Daily Cap",
      max: 25,
      limit_type: "block",
      threshold: 0.9,
      properties: { team: "ml" },
    });
    await client.limits.create({ limit_name: "Scripted Monthly", max: 400 });
    await client.useCases.definitions.create({
      name: "summarize",
      description: "Summaries",
      logging_enabled: false,
      limit_config: { max: 0.1, threshold: 0.8, limit_type: "block", properties: { tier: "free" } },
    });
    const before = await liveLimitSettings(service);
    const definitionBefore = await client.useCases.definitions.retrieve("summarize");

    const ts = await runCli(["import", "--format", "ts"], env, dir);
    expect(ts.code, ts.stderr).toBe(0);
    expect(ts.stdout).toContain('new Limit("scripted-daily-cap", {');
    expect(ts.stdout).toContain('new Limit("scripted-monthly", {');
    // The strict profile returns no properties on limits (Pay-i's Limit model has none): import cannot carry them.
    if (service.profile === "strict") expect(ts.stdout).not.toContain('"team": "ml"');
    else expect(ts.stdout).toContain('"properties": {\n    "team": "ml"\n  }');
    expect(ts.stdout).toContain('"loggingEnabled": false');
    expect(ts.stdout).toContain(
      'new UseCaseLimitConfig("use-case-summarize-limit", { useCaseName: useCase_summarize.name, ...{"max":0.1,"limitType":"block","threshold":0.8,"properties":{"tier":"free"},"adopt":true} });',
    );

    // Run the program as a user would: a standalone nodejs project importing "pulumi-limits" by name.
    const project = await tsProject(path.join(dir, "imported-ts"), "imported", ts.stdout);
    await mkdir(path.join(dir, "state"), { recursive: true });
    const stack = await automation.LocalWorkspace.createOrSelectStack(
      { stackName: "imported", workDir: project },
      {
        envVars: {
          ...pulumiEnv({
            backend: `file://${path.join(dir, "state")}`,
            passphrase: "cli-test",
            apiKey: TEST_API_KEY,
            baseUrl: service.url,
          }),
        },
      },
    );
    await stack.up();
    for (const [id, settings] of await liveLimitSettings(service)) expect(settings).toBe(before.get(id));
    expect(await client.useCases.definitions.retrieve("summarize")).toMatchObject({
      description: definitionBefore.description,
      logging_enabled: false,
      limit_config: { max: 0.1, threshold: 0.8, limit_type: "block", properties: { tier: "free" } },
    });
    const ops: string[] = [];
    const preview = await stack.preview({
      refresh: true,
      onEvent: (e) => void (e.resourcePreEvent && ops.push(e.resourcePreEvent.metadata.op)),
    });
    expect(Object.keys(preview.changeSummary)).toEqual(["same"]);
    expect(ops.filter((op) => op !== "same" && op !== "refresh")).toEqual([]);
    await stack.destroy();
  });
});
