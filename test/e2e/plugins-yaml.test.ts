import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Limitry } from "../../sdk/limitry/index.js";
import { pluginHome } from "../support/plugins.js";
import { tempBackend, type TempBackend } from "../support/pulumi.js";
import { startService, TEST_API_KEY } from "../support/service.js";

// The payi provider plugin, installed from its tarball as a user installs it, serving a Pulumi YAML program
// (examples/yaml, run by Pulumi's own YAML language host): no Node.js program anywhere.
type Service = Awaited<ReturnType<typeof startService>>;
let service: Service;
let backend: TempBackend;
let plugins: Awaited<ReturnType<typeof pluginHome>>;
const dirs: string[] = [];

beforeAll(async () => {
  [service, backend, plugins] = await Promise.all([startService(), tempBackend(), pluginHome()]);
});
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await Promise.all([service?.stop(), backend?.dispose(), plugins?.remove()]);
});

/** A copy of examples/yaml, or of a program given as text, as a stack named `stackName` on the test backend. */
async function yamlStack(stackName: string, program?: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pulumi-limits-yaml-"));
  dirs.push(dir);
  if (program) writeFileSync(path.join(dir, "Pulumi.yaml"), program);
  else cpSync(path.join(__dirname, "../../examples/yaml"), dir, { recursive: true });
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName, workDir: dir },
    { envVars: { ...backend.envVars, PULUMI_HOME: plugins.home, PAYI_API_KEY: TEST_API_KEY, ...env } },
  );
  return { stack, dir, edit: (from: string, to: string) => edit(path.join(dir, "Pulumi.yaml"), from, to) };
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not hold ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

/** The state file as the backend stores it (the Automation API's export shows secrets decrypted). */
function storedState(stackName: string): string {
  const stacks = path.join(backend.dir, ".pulumi", "stacks");
  const [project] = readdirSync(stacks).filter((p) => existsSync(path.join(stacks, p, `${stackName}.json`)));
  if (!project) throw new Error(`no state file for stack ${stackName} in ${stacks}`);
  return readFileSync(path.join(stacks, project, `${stackName}.json`), "utf8");
}

const outputs = (result: { outputs: automation.OutputMap }) =>
  Object.fromEntries(Object.entries(result.outputs).map(([key, { value }]) => [key, value]));

describe("Pulumi YAML programs on the provider plugins", () => {
  test("examples/yaml: creates, updates max in place, replaces on threshold, imports a limit with every field, and destroys", async () => {
    const { stack, edit } = await yamlStack("example");
    await stack.setConfig("payi:baseUrl", { value: service.url });

    const up = await stack.up();
    // The stack and its four resources (the default provider is not counted).
    expect(up.summary.resourceChanges).toEqual({ create: 5 });
    const { dailyCapId } = outputs(up);
    const { limit: daily } = await service.client.limits.retrieve(String(dailyCapId));
    expect(daily).toMatchObject({ limit_name: "Daily Safety Cap", max: 50, limit_type: "block", threshold: 0.9 });
    const { items } = await service.client.limits.list();
    const monthly = items.find((l) => l.limit_name === "Monthly Budget");
    expect(monthly).toMatchObject({ max: 1200, limit_type: "allow", threshold: 0.8 });
    expect(monthly?.properties).toMatchObject({ team: "ml-platform" });
    const useCase = await service.client.useCases.definitions.retrieve("support-bot");
    expect(useCase.limit_config).toMatchObject({ max: 0.05, limit_type: "block" });

    // max changes in place: the same limit, its new max.
    edit("max: 1200", "max: 1500");
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 4, update: 1 });
    await stack.up();
    expect((await service.client.limits.retrieve(String(monthly?.limit_id))).limit.max).toBe(1500);

    // threshold cannot change in Pay-i: a new limit replaces the old one, which is gone. Preview warns, on the
    // resource, that the spend it tracked goes with it.
    await service.client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1000, output: 1000 } },
      limit_ids: [String(dailyCapId)],
    });
    edit("threshold: 0.9", "threshold: 0.95");
    const warnings: { message: string; urn?: string }[] = [];
    await stack.preview({
      onEvent: ({ diagnosticEvent: d }) => d?.severity === "warning" && warnings.push({ message: d.message, urn: d.urn }),
    });
    expect(warnings).toEqual([
      {
        message: `replacing limit 'Daily Safety Cap' (${dailyCapId}) to change threshold discards its tracked spend of $0.01250; the new limit starts at $0\n`,
        urn: expect.stringMatching(/::payi:index:Limit::daily-cap$/),
      },
    ]);
    const replaced = await stack.up();
    expect(replaced.summary.resourceChanges).toEqual({ same: 4, replace: 1 });
    const newId = String(outputs(replaced)["dailyCapId"]);
    expect(newId).not.toBe(dailyCapId);
    expect((await service.client.limits.retrieve(newId)).limit).toMatchObject({ max: 50, threshold: 0.95 });
    await expect(service.client.limits.retrieve(String(dailyCapId))).rejects.toMatchObject({ status: 404 });

    // A limit made outside Pulumi is imported with every field; the code Pulumi writes for it, added to the
    // program, previews as no change.
    const { limit: legacy } = await service.client.limits.create({
      limit_name: "Legacy Cap",
      max: 75,
      limit_type: "allow",
      threshold: 0.85,
      properties: { owner: "finance" },
    });
    const imported = await stack.import({
      resources: [{ type: "payi:index:Limit", name: "legacy-cap", id: legacy.limit_id }],
      generateCode: true,
      protect: false,
    });
    expect(imported.summary.resourceChanges).toMatchObject({ import: 1 });
    const code = imported.generatedCode;
    for (const line of ["limitName: Legacy Cap", "max: 75", "limitType: allow", "threshold: 0.85", "owner: finance"]) {
      expect(code).toContain(line);
    }
    edit("\noutputs:", `${code.replace(/^resources:\n/, "")}\noutputs:`);
    expect((await stack.preview()).changeSummary).toEqual({ same: 6 });

    // The provider's key came from the environment: it is nowhere in the state.
    expect(storedState("example")).not.toContain(TEST_API_KEY);

    await stack.destroy();
    const left = (await service.client.limits.list()).items.map((l) => l.limit_name);
    expect(left).not.toContain("Daily Safety Cap");
    expect(left).not.toContain("Monthly Budget");
    await expect(service.client.useCases.definitions.retrieve("support-bot")).rejects.toMatchObject({ status: 404 });
  });

  test("refuses to import a limit another stack instance manages, saying whose it is", async () => {
    const { stack } = await yamlStack("importer", "name: importer\nruntime: yaml\n");
    await stack.setConfig("payi:baseUrl", { value: service.url });
    const owner = { stack: "organization/other/prod", instance: "another-instance", resource: "their-cap", generation: "g1" };
    const { limit } = await service.client.limits.create({
      limit_name: "Their Cap",
      max: 10,
      limit_type: "block",
      properties: { "pulumi-limits.owner": JSON.stringify(owner) },
    });
    await expect(
      stack.import({ resources: [{ type: "payi:index:Limit", name: "mine", id: limit.limit_id }], protect: false }),
    ).rejects.toThrow(/managed by resource 'their-cap' of another stack instance \(stack organization\/other\/prod/);
    expect((await stack.exportStack()).deployment.resources ?? []).not.toContainEqual(
      expect.objectContaining({ type: "payi:index:Limit" }),
    );
  });

  test("two explicit providers with different keys manage limits in two Pay-i accounts", async () => {
    const secondKey = "second-account-key";
    const second = await startService({ apiKey: secondKey });
    try {
      const program = `name: two-accounts
runtime: yaml
config:
  secondKey:
    type: string
    secret: true
resources:
  first:
    type: pulumi:providers:payi
    properties:
      baseUrl: ${service.url}
  second:
    type: pulumi:providers:payi
    properties:
      apiKey: \${secondKey}
      baseUrl: ${second.url}
  team-a:
    type: payi:index:Limit
    properties:
      limitName: Team A
      max: 10
    options:
      provider: \${first}
  team-b:
    type: payi:index:Limit
    properties:
      limitName: Team B
      max: 20
    options:
      provider: \${second}
outputs:
  a: \${team-a.limitId}
  b: \${team-b.limitId}
`;
      const { stack } = await yamlStack("accounts", program);
      await stack.setConfig("secondKey", { value: secondKey, secret: true });
      const up = await stack.up();
      const { a, b } = outputs(up);
      // Each limit lives in its own account, and only there.
      expect((await service.client.limits.retrieve(String(a))).limit).toMatchObject({ limit_name: "Team A", max: 10 });
      expect((await second.client.limits.retrieve(String(b))).limit).toMatchObject({ limit_name: "Team B", max: 20 });
      await expect(service.client.limits.retrieve(String(b))).rejects.toMatchObject({ status: 404 });
      await expect(second.client.limits.retrieve(String(a))).rejects.toMatchObject({ status: 404 });
      // The second key is a provider input: the state holds it encrypted only.
      expect(storedState("accounts")).not.toContain(secondKey);
      expect(storedState("accounts")).toContain('"ciphertext"');
      await stack.destroy();
      await expect(second.client.limits.retrieve(String(b))).rejects.toMatchObject({ status: 404 });
    } finally {
      await second.stop();
    }
  });

  test("against the strict profile (Pay-i echoes no limit properties): in place, replace, a refused import, destroy", async () => {
    const strict = await startService({ profile: "strict" });
    try {
      const program = (max: number, threshold: number) => `name: strict-yaml
runtime: yaml
resources:
  cap:
    type: payi:index:Limit
    properties:
      limitName: Strict Cap
      max: ${max}
      limitType: block
      threshold: ${threshold}
outputs:
  capId: \${cap.limitId}
`;
      const { stack, dir } = await yamlStack("strict", program(30, 0.9));
      await stack.setConfig("payi:baseUrl", { value: strict.url });
      const write = (max: number, threshold: number) => writeFileSync(path.join(dir, "Pulumi.yaml"), program(max, threshold));
      const first = String(outputs(await stack.up())["capId"]);
      expect((await strict.client.limits.retrieve(first)).limit).toMatchObject({ limit_name: "Strict Cap", max: 30 });

      write(40, 0.9);
      expect((await stack.up()).summary.resourceChanges).toEqual({ same: 1, update: 1 });
      expect((await strict.client.limits.retrieve(first)).limit.max).toBe(40);
      write(40, 0.95);
      const replaced = await stack.up();
      expect(replaced.summary.resourceChanges).toEqual({ same: 1, replace: 1 });
      const second = String(outputs(replaced)["capId"]);
      expect(second).not.toBe(first);
      expect((await strict.client.limits.retrieve(second)).limit).toMatchObject({ max: 40, threshold: 0.95 });
      await expect(strict.client.limits.retrieve(first)).rejects.toMatchObject({ status: 400 });
      expect((await stack.preview()).changeSummary).toEqual({ same: 2 });

      // No owner record can be read: the import is refused, naming the route that takes the limit over.
      const { limit: legacy } = await strict.client.limits.create({ limit_name: "Strict Legacy", max: 5 });
      await expect(
        stack.import({ resources: [{ type: "payi:index:Limit", name: "legacy", id: legacy.limit_id }], protect: false }),
      ).rejects.toThrow(`limit 'Strict Legacy' (${legacy.limit_id}) cannot be imported: Pay-i did not return its properties`);

      await stack.destroy();
      expect((await strict.client.limits.list()).items.map((l) => l.limit_name)).toEqual(["Strict Legacy"]);
    } finally {
      await strict.stop();
    }
  });

  test("the limitry plugin: a meter and a limit, limitValue in place, period replaces, destroy", async () => {
    const limitry = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${service.url}/v1`, maxRetries: 0 });
    const program = (limitValue: number, period: string) => `name: limitry-yaml
runtime: yaml
resources:
  tokens:
    type: limitry:index:Meter
    properties:
      name: Tokens
      aggregation: sum
      field: values.tokens
  daily-tokens:
    type: limitry:index:Limit
    properties:
      name: Daily tokens
      meterId: \${tokens.meterId}
      limitValue: ${limitValue}
      period: ${period}
outputs:
  limitId: \${daily-tokens.limitId}
`;
    const { stack, dir } = await yamlStack("limitry", program(100_000, "day"), { LIMITRY_API_KEY: TEST_API_KEY });
    await stack.setConfig("limitry:baseUrl", { value: `${service.url}/v1` });
    const up = await stack.up();
    const limitId = String(outputs(up)["limitId"]);
    expect(await limitry.limits.retrieve(limitId)).toMatchObject({ name: "Daily tokens", limitValue: 100_000, period: "day" });

    writeFileSync(path.join(dir, "Pulumi.yaml"), program(250_000, "day"));
    expect((await stack.up()).summary.resourceChanges).toEqual({ same: 2, update: 1 });
    expect(await limitry.limits.retrieve(limitId)).toMatchObject({ limitValue: 250_000 });

    writeFileSync(path.join(dir, "Pulumi.yaml"), program(250_000, "week"));
    const replaced = await stack.up();
    expect(replaced.summary.resourceChanges).toEqual({ same: 2, replace: 1 });
    const newId = String(outputs(replaced)["limitId"]);
    expect(newId).not.toBe(limitId);
    await expect(limitry.limits.retrieve(limitId)).rejects.toMatchObject({ status: 404 });

    await stack.destroy();
    await expect(limitry.limits.retrieve(newId)).rejects.toMatchObject({ status: 404 });
    expect((await limitry.meters.list()).data.map((m) => m.name)).not.toContain("Tokens");
    await limitry.close();
  });
});
