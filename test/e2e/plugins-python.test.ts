import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tempBackend, type TempBackend } from "../support/pulumi.js";
import {
  generatePayiSdk,
  filesContaining,
  expectMaxUpdatedInPlace,
  expectThresholdReplaces,
  importLimit,
  pluginEnv,
  pulumiCli,
  pythonProject,
  SECRET_IN_STATE,
  stateResources,
  teamLimitId,
  usePluginHome,
} from "../support/sdk.js";
import { startService, type ServiceFixture } from "../support/service.js";

// The payi provider plugin driven from Python: pulumi_payi generated from schema/payi.json by
// `pulumi package gen-sdk --language python`, pip-installed into the program's virtualenv. The tests share one
// project and stack and run in order (creating the virtualenv alone takes about 25 s); each step declares
// through stack config what the program reads.

// A key of this file's own: the state check below must not find it by chance, nor miss it for another key.
const API_KEY = `python-plugin-${randomUUID()}`;

const PROGRAM = `from pathlib import Path

import pulumi
import pulumi_payi as payi

config = pulumi.Config()
team = payi.Limit(
    "team",
    limit_name="Search team",
    max=config.require_float("max"),
    threshold=config.require_float("threshold"),
    limit_type=payi.LimitType.BLOCK,
    properties={"team": "search"},
)
support = payi.UseCaseDefinition("support", name="support_bot", description="Support bot")
payi.UseCaseLimitConfig(
    "support-limit",
    use_case_name=support.name,
    max=0.05,
    threshold=0.8,
    properties={"tier": "free"},
)
pulumi.export("teamLimitId", team.limit_id)

# What \`pulumi import --out imported.py\` wrote, once a test imported a limit.
if Path(__file__).with_name("imported.py").exists():
    import imported  # noqa: F401
`;

const home = usePluginHome();
let root: string;
let backend: TempBackend;
let service: ServiceFixture & { stop(): Promise<void> };
let project: string;
let stack: automation.Stack;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "pulumi-limits-python-"));
  backend = await tempBackend();
  service = await startService({ apiKey: API_KEY });
  const sdk = await generatePayiSdk("python", path.join(root, "sdk"));
  project = await pythonProject(path.join(root, "program"), "payi-python", sdk, PROGRAM);
  stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: "test", workDir: project },
    { envVars: pluginEnv(backend, home()) },
  );
  await stack.setAllConfig({
    "payi:apiKey": { value: API_KEY, secret: true },
    "payi:baseUrl": { value: service.url },
    max: { value: "100" },
    threshold: { value: "0.8" },
  });
});
afterAll(async () => {
  await service?.stop();
  await backend?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe("a Python program using pulumi_payi", () => {
  test("creates the limit, the use case and its limit config with the declared fields", async () => {
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 4 }); // the stack and three objects (the default provider is not counted)
    const { limit } = await service.client.limits.retrieve(await teamLimitId(stack));
    expect(limit).toMatchObject({ limit_name: "Search team", max: 100, threshold: 0.8, limit_type: "block" });
    expect(limit.properties?.["team"]).toBe("search");
    const definition = await service.client.useCases.definitions.retrieve("support_bot");
    expect(definition).toMatchObject({
      name: "support_bot",
      description: "Support bot",
      limit_config: { max: 0.05, threshold: 0.8, limit_type: "allow", properties: { tier: "free" } },
    });
  });

  test("a new max previews as an update and is applied in place, keeping the limit id", async () => {
    // The stack and three objects: the engine counts no default provider in a summary.
    await expectMaxUpdatedInPlace({ stack, service, same: 3 });
  });

  test("a new threshold replaces the limit: a new id, and the old limit is gone", async () => {
    await expectThresholdReplaces({ stack, service, same: 3 });
  });

  test("pulumi import of a limit made through the API writes Python code that, added to the program, previews no changes", async () => {
    const { limit } = await service.client.limits.create({
      limit_name: "Legacy budget",
      max: 40,
      threshold: 0.85,
      properties: { team: "ops" },
    });
    const imported = await importLimit("legacy", limit.limit_id, "imported.py", {
      cwd: project,
      env: pluginEnv(backend, home()),
    });
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    const code = await readFile(path.join(project, "imported.py"), "utf8");
    expect(code.replace(limit.limit_id, "<limit id>")).toMatchInlineSnapshot(`
      "import pulumi
      import pulumi_payi as payi

      legacy = payi.Limit("legacy",
          adopt=False,
          limit_id="<limit id>",
          limit_name="Legacy budget",
          limit_type=payi.LimitType.ALLOW,
          max=float(40),
          properties={
              "team": "ops",
          },
          threshold=0.85)
      "
    `);
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 5 });
  });

  test("the API key is in the state only encrypted", async () => {
    expect(await filesContaining(backend.dir, API_KEY)).toEqual([]);
    // Not stack.exportStack(): the Automation API exports with --show-secrets.
    const exported = await pulumiCli(["stack", "export", "--stack", "test"], { cwd: project, env: pluginEnv(backend, home()) });
    expect(exported.stdout).not.toContain(API_KEY);
    const provider = stateResources(JSON.parse(exported.stdout)).find((r) => r.type === "pulumi:providers:payi");
    expect(provider?.inputs?.["apiKey"]).toEqual({ ...SECRET_IN_STATE, ciphertext: expect.any(String) });
  });

  test("destroy deletes what the stack manages", async () => {
    await stack.destroy();
    expect((await service.client.limits.list()).items).toEqual([]);
    await expect(service.client.useCases.definitions.retrieve("support_bot")).rejects.toMatchObject({ status: 404 });
  });
});
