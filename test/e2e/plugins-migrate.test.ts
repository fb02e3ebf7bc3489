import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { pluginHome } from "../support/plugins.js";
import { tempBackend, type TempBackend } from "../support/pulumi.js";
import { startService, TEST_API_KEY } from "../support/service.js";
import { tsProject } from "../support/ts-project.js";

// The documented move of a stack from the dynamic provider to the payi plugin (README, "Provider plugins"): the
// same project and stack, each resource declared with the plugin's type and an alias naming its dynamic type.
// Every limit stays the same Pay-i object, with its spend, and stays this stack's to change.
type Service = Awaited<ReturnType<typeof startService>>;
let service: Service;
let backend: TempBackend;
let plugins: Awaited<ReturnType<typeof pluginHome>>;
let dir: string;

beforeAll(async () => {
  [service, backend, plugins] = await Promise.all([startService(), tempBackend(), pluginHome()]);
  dir = mkdtempSync(path.join(os.tmpdir(), "pulumi-limits-migrate-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([service?.stop(), backend?.dispose(), plugins?.remove()]);
});

const yamlProgram = (max: number) => `name: migrate
runtime: yaml
resources:
  daily-cap:
    type: payi:index:Limit
    properties:
      limitName: Daily Safety Cap
      max: ${max}
      limitType: block
      threshold: 0.9
    options:
      aliases:
        - urn:pulumi:dev::migrate::pulumi-nodejs:dynamic/payi:Limit::daily-cap
outputs:
  id: \${daily-cap.limitId}
`;

test("a stack moves from the dynamic provider to the plugin with aliases: the same limit, its spend, still its own", async () => {
  await tsProject(
    dir,
    "migrate",
    `import { Limit } from "pulumi-limits";
const cap = new Limit("daily-cap", { limitName: "Daily Safety Cap", max: 50, limitType: "block", threshold: 0.9 });
export const id = cap.limitId;
`,
  );
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: "dev", workDir: dir },
    {
      envVars: { ...backend.envVars, PULUMI_HOME: plugins.home, PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: service.url },
    },
  );
  const first = await stack.up();
  const id = String(first.outputs["id"]?.value);
  await service.client.ingest.units({
    category: "system.openai",
    resource: "gpt-4o",
    units: { text: { input: 1_000_000, output: 500_000 } },
    limit_ids: [id],
  });
  const spend = (await service.client.limits.retrieve(id)).limit.totals.cost.total.base;
  expect(spend).toBeGreaterThan(0);

  // The same program in YAML on the plugin: nothing to change but the dynamic StackInstance, which goes.
  writeFileSync(path.join(dir, "Pulumi.yaml"), yamlProgram(50));
  const preview = await stack.preview();
  expect(preview.changeSummary).toEqual({ same: 2, delete: 1 });
  const moved = await stack.up();
  expect(moved.outputs["id"]?.value).toBe(id);
  const { limit } = await service.client.limits.retrieve(id);
  expect(limit.totals.cost.total.base).toBe(spend);
  const state = await stack.exportStack();
  const resource = state.deployment.resources.find((r: { type: string }) => r.type === "payi:index:Limit");
  expect(resource?.provider).toMatch(/::pulumi:providers:payi::default/);

  // The limit is still this stack's: the plugin keeps the stack instance its owner record names.
  writeFileSync(path.join(dir, "Pulumi.yaml"), yamlProgram(60));
  const update = await stack.up();
  expect(update.summary.resourceChanges).toEqual({ same: 1, update: 1 });
  expect((await service.client.limits.retrieve(id)).limit).toMatchObject({ max: 60 });
  expect((await service.client.limits.retrieve(id)).limit.totals.cost.total.base).toBe(spend);

  await stack.destroy();
  await expect(service.client.limits.retrieve(id)).rejects.toMatchObject({ status: 404 });
});
