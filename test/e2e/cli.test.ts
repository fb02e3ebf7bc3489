import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { liveLimitSettings } from "../support/limit-settings.js";
import { runCli } from "../support/cli.js";
import { TEST_API_KEY, startService } from "../support/service.js";

let dir: string;
let service: Awaited<ReturnType<typeof startService>>;
let env: Record<string, string>;
const EXAMPLE = path.resolve(__dirname, "..", "..", "examples", "budgets-yaml", "budgets.yaml");

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-cli-"));
  service = await startService();
  env = { PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: service.url, PULUMI_CONFIG_PASSPHRASE: "cli-test" };
});
afterAll(async () => {
  await service.stop();
  await rm(dir, { recursive: true, force: true });
});

async function names(): Promise<string[]> {
  const all: string[] = [];
  for await (const l of service.client.limits.list()) all.push(l.limit_name);
  return all.sort();
}

describe("pulumi-limits CLI", () => {
  test("a budgets file with mistakes exits 2, naming file, line, column, field and rule", async () => {
    const file = path.join(dir, "bad.yaml");
    await writeFile(
      file,
      [
        "limits:",
        "  - name: Daily Safety Cap",
        "    max: 50",
        "    type: deny",
        "    threshold: 0.5",
        "  - name: Other",
        "    max: 1",
        "    colour: red",
        "",
      ].join("\n"),
    );
    const res = await runCli(["preview", "-f", file], env, dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${file}:4:11: limits[0].type: type must be allow or block`);
    expect(res.stderr).toContain(`${file}:8:13: limits[1].colour: unknown field 'colour'`);

    await writeFile(file, ["limits:", "  - name: Daily Safety Cap", "    max: 50", "    threshold: 0.5", ""].join("\n"));
    const rules = await runCli(["preview", "-f", file], env, dir);
    expect(rules.code).toBe(2);
    expect(rules.stderr).toContain(`${file}:4:16: limits[0].threshold: threshold must be between 0.75 and 0.99 (got 0.5)`);
    expect(rules.stderr).not.toMatch(/\n\s+at /);
  });

  test("up, preview, drift (exit 3 after an out-of-band change), status, refresh and destroy", async () => {
    const common = ["-f", EXAMPLE, "--backend", `file://${dir}`, "--stack", "main"];
    const notInteractive = await runCli(["up", ...common], env, dir);
    expect(notInteractive.code).toBe(2);
    expect(notInteractive.stderr).toContain("pass --yes");

    const up = await runCli(["up", ...common, "--yes"], env, dir);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("+ 7 created"); // six resources, the stack and its StackInstance identity
    expect(await names()).toEqual(["Daily Safety Cap", "Monthly Budget", "Premium Model Usage"]);

    const preview = await runCli(["preview", ...common, "--json"], env, dir);
    expect(preview.code).toBe(0);
    const events = preview.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.some((e) => "summaryEvent" in e)).toBe(true);
    expect(preview.stdout).not.toContain("__provider");
    expect(preview.stdout).not.toContain(TEST_API_KEY);

    expect((await runCli(["drift", ...common], env, dir)).code).toBe(0);
    const monthly = (await service.client.limits.list({ limit_name: "Monthly Budget" })).items[0];
    await service.client.limits.update(monthly?.limit_id ?? "", { max: 5000 });
    const drift = await runCli(["drift", ...common], env, dir);
    expect(drift.code).toBe(3);
    expect(drift.stdout).toContain("Drift: the service differs");
    expect((await runCli(["up", ...common, "--yes"], env, dir)).code).toBe(0);
    expect((await runCli(["drift", ...common], env, dir)).code).toBe(0);

    await service.client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1_000_000, output: 1_000_000 } },
      limit_ids: [monthly?.limit_id ?? ""],
    });
    const status = await runCli(["status", ...common, "--json"], env, dir);
    expect(status.code).toBe(0);
    const rows = JSON.parse(status.stdout) as Array<{ name: string; spendUsd: number; usedPercent: number; state: string }>;
    expect(rows.find((r) => r.name === "Monthly Budget")).toMatchObject({ spendUsd: 12.5, usedPercent: 1.25, state: "ok" });
    const table = await runCli(["status", ...common], env, dir);
    expect(table.stdout).toMatch(/Monthly Budget\s+│ allow │\s+\$12\.50000 │\s+\$1000\.00 │\s+1\.3% │\s+80% │ ok/);

    expect((await runCli(["refresh", ...common, "--yes"], env, dir)).code).toBe(0);
    const destroy = await runCli(["destroy", ...common, "--yes"], env, dir);
    expect(destroy.code).toBe(0);
    expect(await names()).toEqual([]);
  });

  test("import writes what exists as adoptable entries; up then changes nothing on the service", async () => {
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
      limit_config: { max: 0.1, threshold: 0.8 },
    });
    // Its instance limit is not imported: the stack would then own a limit Pay-i made for the instance.
    const instance = await client.useCases.create("summarize");
    const before = await liveLimitSettings(service);

    const file = path.join(dir, "imported.yaml");
    const imported = await runCli(["import", "--out", file], env, dir);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain("Imported 2 limits, 1 use case and 1 use-case limit into ");
    expect(imported.stderr).toContain(
      `pulumi-limits import: left out 1 limit(s) holding the settings of a use case's limit config, which may be instances' limits (Pay-i lists no instances): '`,
    );
    expect(imported.stderr).toContain(
      `(${instance.limit_id}, use case 'summarize'); to manage one anyway, add it with its id and adopt: true`,
    );
    const text = await readFile(file, "utf8");
    expect(text).toContain("adopt: true");
    expect(text).not.toContain(String(instance.limit_id));
    if (service.profile === "strict") {
      // No properties echo: the entries cannot carry them, import says so, and up leaves them on the service.
      expect(imported.stderr).toContain(
        "pulumi-limits import: Pay-i returned no properties for 2 limit(s) (its Limit model has none), so their entries declare no properties or reset schedule: add any they have; up leaves the properties on the service as they are",
      );
      expect(text).not.toContain("team: ml");
    } else {
      expect(text).toContain("team: ml");
      expect(imported.stderr).not.toContain("returned no properties");
    }

    const common = ["-f", file, "--backend", `file://${dir}`, "--stack", "imported"];
    const up = await runCli(["up", ...common, "--yes"], env, dir);
    expect(up.code, up.stderr).toBe(0);
    for (const [id, settings] of await liveLimitSettings(service)) expect(before.get(id)).toBe(settings);
    expect((await runCli(["drift", ...common], env, dir)).code).toBe(0);

    const ts = await runCli(["import", "--format", "ts"], env, dir);
    expect(ts.stdout).toContain('import { Limit, UseCaseDefinition, UseCaseLimitConfig } from "pulumi-limits";');
    expect(ts.stdout).toContain('"limitName": "Scripted Daily Cap"');
    expect((await runCli(["destroy", ...common, "--yes"], env, dir)).code).toBe(0);
  });

  test("usage mistakes exit 2", async () => {
    expect((await runCli(["frobnicate"], env)).code).toBe(2);
    expect((await runCli(["up", "--stak", "x"], env)).code).toBe(2);
    expect((await runCli(["preview", "-f", path.join(dir, "missing.yaml")], env)).stderr).toContain("cannot read");
    const { PAYI_API_KEY: _omitted, ...noKey } = env;
    const res = await runCli(["preview", "-f", EXAMPLE, "--backend", `file://${dir}`], { ...noKey, PAYI_API_KEY: "" });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("PAYI_API_KEY is not set");
  });
});
