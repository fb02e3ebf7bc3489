import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Limitry } from "../../sdk/limitry/index.js";
import { runCli } from "../support/cli.js";
import { pluginHome } from "../support/plugins.js";
import { tempBackend, type TempBackend } from "../support/pulumi.js";
import { startService, TEST_API_KEY } from "../support/service.js";

// `pulumi-limits … --program DIR`: the CLI's plans, drift and status for the stack of a Pulumi program of any
// language, here Pulumi YAML on the plugins (examples/yaml), whose keys and URLs are only in the stacks' config.
type Service = Awaited<ReturnType<typeof startService>>;
let service: Service;
let backend: TempBackend;
let plugins: Awaited<ReturnType<typeof pluginHome>>;
let dir: string;
let env: Record<string, string>;
const dirs: string[] = [];

beforeAll(async () => {
  [service, backend, plugins] = await Promise.all([startService(), tempBackend(), pluginHome()]);
  dir = mkdtempSync(path.join(os.tmpdir(), "pulumi-limits-program-"));
  cpSync(path.join(__dirname, "../../examples/yaml"), dir, { recursive: true });
  // The Pay-i key and URL only in the stack's config (the key as a secret): nothing in the CLI's environment.
  env = {
    ...backend.envVars,
    PULUMI_HOME: plugins.home,
    PAYI_API_KEY: "",
    PAYI_BASE_URL: "",
    LIMITRY_API_KEY: "",
    LIMITRY_BASE_URL: "",
  };
  const stack = await automation.LocalWorkspace.createOrSelectStack({ stackName: "dev", workDir: dir }, { envVars: env });
  await stack.setConfig("payi:apiKey", { value: TEST_API_KEY, secret: true });
  await stack.setConfig("payi:baseUrl", { value: service.url });
});
afterAll(async () => {
  for (const d of [dir, ...dirs]) if (d) rmSync(d, { recursive: true, force: true });
  await Promise.all([service?.stop(), backend?.dispose(), plugins?.remove()]);
});

function edit(from: string, to: string): void {
  const file = path.join(dir, "Pulumi.yaml");
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not hold ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

const cli = (...args: string[]) => runCli([...args, "--program", dir, "--stack", "dev"], env, os.tmpdir());

async function limitNamed(name: string) {
  const { items } = await service.client.limits.list({ limit_name: name });
  return items[0];
}

describe("pulumi-limits --program: Pulumi YAML programs on the plugins", () => {
  test("preview, up, preview of a change, drift, status, summary and destroy read the program's resources", async () => {
    const preview = await cli("preview");
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain("Plan for stack 'dev':");
    expect(preview.stdout).toMatch(/\+ {2}create {2}limit 'Daily Safety Cap'\n(.*\n)*? {8}max: \$50\.00\n/);
    expect(preview.stdout).toContain("+  create  use-case limit 'support-bot'");

    const notInteractive = await cli("up");
    expect(notInteractive.code).toBe(2);
    expect(notInteractive.stderr).toContain("pass --yes");
    const up = await cli("up", "--yes");
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("Applied to stack 'dev':");
    const daily = await limitNamed("Daily Safety Cap");
    expect(daily).toMatchObject({ max: 50, limit_type: "block", threshold: 0.9 });
    expect(await limitNamed("Monthly Budget")).toMatchObject({ max: 1200 });

    // A reviewer's plan: old → new amounts, and the Markdown summary with the budget status (read with the
    // stack's own key: the CLI's environment has none).
    edit("max: 1200", "max: 1500");
    const summary = path.join(dir, "plan.md");
    const changed = await cli("preview", "--summary", summary);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toMatch(/~ {2}update {2}limit 'Monthly Budget' \(pl-[^)]+\)\n {8}max: \$1,200\.00 → \$1,500\.00\n/);
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toContain("| ✏️ update | limit Monthly Budget | max | $1,200.00 | $1,500.00 |");
    expect(markdown).toContain("| Daily Safety Cap | $0.00 | $50.00 | 0.0% | ok |");
    expect((await cli("up", "--yes")).code).toBe(0);
    expect(await limitNamed("Monthly Budget")).toMatchObject({ max: 1500 });

    expect((await cli("drift")).code).toBe(0);
    await service.client.limits.update(String(daily?.limit_id), { max: 60 });
    const drift = await cli("drift");
    expect(drift.code, drift.stderr).toBe(3);
    expect(drift.stdout).toContain(`Differences between the service and the program in ${dir}:`);
    expect(drift.stdout).toMatch(/~ {2}update {2}limit 'Daily Safety Cap' \(pl-[^)]+\)\n {8}max: \$60\.00 → \$50\.00\n/);
    // The command to converge, with the program's directory relative to where the CLI ran (the temp dir).
    expect(drift.stdout).toContain(`Run \`pulumi-limits up --program ${path.basename(dir)}\` to converge.`);
    expect((await cli("up", "--yes")).code).toBe(0);
    expect(await limitNamed("Daily Safety Cap")).toMatchObject({ max: 50 });

    await service.client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1000, output: 1000 } },
      limit_ids: [String(daily?.limit_id)],
    });
    const status = await cli("status", "--json");
    expect(status.code, status.stderr).toBe(0);
    const rows = JSON.parse(status.stdout) as Array<{ kind: string; name: string; spendUsd?: number; max?: number }>;
    const limits = rows.filter((r) => r.kind === "limit").sort((a, b) => a.name.localeCompare(b.name));
    expect(limits.map((r) => [r.name, r.spendUsd, r.max])).toEqual([
      ["Daily Safety Cap", 0.0125, 50],
      ["Monthly Budget", 0, 1500],
    ]);
    expect(rows.some((r) => r.kind === "useCase" && r.name === "support-bot")).toBe(true);

    const destroy = await cli("destroy", "--yes");
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(destroy.stdout).toMatch(/delete {2}limit 'Daily Safety Cap' \(pl-[^)]+\)\n {8}tracked spend discarded: \$0\.0125\n/);
    expect((await service.client.limits.list()).items).toEqual([]);
  });

  test("a program's Limitry limits: plan and status for the customers the stack manages", async () => {
    const limitryDir = mkdtempSync(path.join(os.tmpdir(), "pulumi-limits-program-"));
    dirs.push(limitryDir);
    writeFileSync(
      path.join(limitryDir, "Pulumi.yaml"),
      `name: limitry-program
runtime: yaml
resources:
  tokens:
    type: limitry:index:Meter
    properties: { name: Tokens, aggregation: sum, field: values.tokens }
  acme:
    type: limitry:index:Customer
    properties: { externalId: acme, name: Acme }
  acme-daily:
    type: limitry:index:Limit
    properties:
      name: Acme daily tokens
      meterId: \${tokens.meterId}
      customerId: \${acme.externalId}
      limitValue: 1000
      period: day
`,
    );
    const stack = await automation.LocalWorkspace.createOrSelectStack(
      { stackName: "dev", workDir: limitryDir },
      { envVars: env },
    );
    await stack.setConfig("limitry:apiKey", { value: TEST_API_KEY, secret: true });
    await stack.setConfig("limitry:baseUrl", { value: `${service.url}/v1` });
    const run = (...args: string[]) => runCli([...args, "--program", limitryDir, "--stack", "dev"], env, os.tmpdir());

    const preview = await run("preview");
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(
      /\+ {2}create {2}Limitry limit 'Acme daily tokens' \(key acme-daily\)\n(.*\n)*? {8}limitValue: 1,000\n/,
    );
    expect((await run("up", "--yes")).code).toBe(0);

    const limitry = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${service.url}/v1`, maxRetries: 0 });
    try {
      await limitry.events.record({ customerId: "acme", eventType: "llm.completion", values: { tokens: 250 } });
    } finally {
      await limitry.close();
    }
    const status = await run("status", "--json");
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      payi: [],
      limitry: [{ customerId: "acme", key: "acme-daily", name: "Acme daily tokens", used: 250, limit: 1000, exceeded: false }],
    });
    expect((await run("destroy", "--yes")).code).toBe(0);
  });

  test("mistakes in the use of --program exit 2 with one line naming what to fix", async () => {
    const both = await runCli(["preview", "--program", dir, "-f", "budgets.yaml"], env, os.tmpdir());
    expect([both.code, both.stderr.trim()]).toEqual([
      2,
      "pulumi-limits: --file and --program: a command reads a budgets file or a Pulumi program, not both",
    ]);
    const empty = await runCli(["up", "--program", dir, "--allow-empty"], env, os.tmpdir());
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--allow-empty is for budgets files");
    const notProgram = await runCli(["status", "--program", os.tmpdir()], env, os.tmpdir());
    expect([notProgram.code, notProgram.stderr.trim()]).toEqual([
      2,
      `pulumi-limits: --program ${os.tmpdir()}: no Pulumi.yaml there (the directory of a Pulumi program)`,
    ]);
    const noStack = await runCli(["drift", "--program", dir, "--stack", "prod"], env, os.tmpdir());
    expect(noStack.code).toBe(2);
    expect(noStack.stderr.trim()).toBe(
      `pulumi-limits: the program in ${dir} has no stack 'prod' in ${env["PULUMI_BACKEND_URL"]}: name one with --stack, or create it (\`pulumi stack init prod\` there)`,
    );
  });
});
