import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tempBackend, type TempBackend } from "../support/pulumi.js";
import {
  buildNodeSdk,
  filesContaining,
  generatePayiSdk,
  expectMaxUpdatedInPlace,
  expectThresholdReplaces,
  importLimit,
  nodeProject,
  pluginEnv,
  pulumiCli,
  SECRET_IN_STATE,
  stateResources,
  teamLimitId,
  usePluginHome,
} from "../support/sdk.js";
import { startService, type ServiceFixture } from "../support/service.js";

// The payi provider plugin driven from TypeScript: @pulumi-limits/payi generated from schema/payi.json by
// `pulumi package gen-sdk --language nodejs` and compiled with tsc. The tests share one project and stack and
// run in order; each step declares through stack config what the program reads. Three services: the stack's
// default provider reads its key and URL from the environment (PAYI_API_KEY, PAYI_BASE_URL), and two explicit
// providers are given the other two accounts' keys and URLs.

// Keys of this file's own: the state checks must not find them by chance.
const KEY = `node-plugin-${randomUUID()}`;
const KEY_A = `node-plugin-a-${randomUUID()}`;
const KEY_B = `node-plugin-b-${randomUUID()}`;

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as payi from "@pulumi-limits/payi";

const config = new pulumi.Config();
const team = new payi.Limit("team", {
  limitName: "Search team",
  max: config.requireNumber("max"),
  threshold: config.requireNumber("threshold"),
  limitType: payi.LimitType.Block,
  properties: { team: "search" },
});
const support = new payi.UseCaseDefinition("support", { name: "support_bot", description: "Support bot" });
new payi.UseCaseLimitConfig("support-limit", { useCaseName: support.name, max: 0.05, threshold: 0.8 });

// Two other Pay-i accounts, each through a provider of its own.
const accountA = new payi.Provider("account-a", { apiKey: config.requireSecret("accountAKey"), baseUrl: config.require("accountAUrl") });
const accountB = new payi.Provider("account-b", { apiKey: config.requireSecret("accountBKey"), baseUrl: config.require("accountBUrl") });
new payi.Limit("in-a", { limitName: "Account A budget", max: 10 }, { provider: accountA });
new payi.Limit("in-b", { limitName: "Account B budget", max: 20 }, { provider: accountB });

export const teamLimitId = team.limitId;
`;

const home = usePluginHome();
type Service = ServiceFixture & { stop(): Promise<void> };
let root: string;
let backend: TempBackend;
let service: Service;
let serviceA: Service;
let serviceB: Service;
let project: string;
let stack: automation.Stack;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "pulumi-limits-node-"));
  [backend, service, serviceA, serviceB] = await Promise.all([
    tempBackend(),
    startService({ apiKey: KEY }),
    startService({ apiKey: KEY_A }),
    startService({ apiKey: KEY_B }),
  ]);
  const sdk = await buildNodeSdk(await generatePayiSdk("nodejs", path.join(root, "sdk")));
  project = await nodeProject(path.join(root, "program"), "payi-node", sdk, PROGRAM);
  stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: "test", workDir: project },
    { envVars: { ...env(), PAYI_API_KEY: KEY, PAYI_BASE_URL: service.url } },
  );
  await stack.setAllConfig({
    accountAKey: { value: KEY_A, secret: true },
    accountAUrl: { value: serviceA.url },
    accountBKey: { value: KEY_B, secret: true },
    accountBUrl: { value: serviceB.url },
    max: { value: "100" },
    threshold: { value: "0.8" },
  });
});
afterAll(async () => {
  await Promise.all([service?.stop(), serviceA?.stop(), serviceB?.stop(), backend?.dispose()]);
  await rm(root, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return pluginEnv(backend, home());
}

async function limitNames(s: Service): Promise<string[]> {
  return (await s.client.limits.list()).items.map((l) => l.limit_name).sort();
}

describe("a TypeScript program using @pulumi-limits/payi", () => {
  test("creates the limit, the use case and its limit config with the declared fields", async () => {
    await stack.up();
    const { limit } = await service.client.limits.retrieve(await teamLimitId(stack));
    expect(limit).toMatchObject({ limit_name: "Search team", max: 100, threshold: 0.8, limit_type: "block" });
    expect(limit.properties?.["team"]).toBe("search");
    expect(await service.client.useCases.definitions.retrieve("support_bot")).toMatchObject({
      description: "Support bot",
      limit_config: { max: 0.05, threshold: 0.8, limit_type: "allow" },
    });
  });

  test("each explicit provider creates its limit in its own account, with its own key", async () => {
    // The default provider's account has only what the program declared without a provider.
    expect(await limitNames(service)).toEqual(["Search team"]);
    expect(await limitNames(serviceA)).toEqual(["Account A budget"]);
    expect(await limitNames(serviceB)).toEqual(["Account B budget"]);
  });

  test("a new max previews as an update and is applied in place, keeping the limit id", async () => {
    // The stack, five objects and the two explicit providers (the default one is not counted).
    await expectMaxUpdatedInPlace({ stack, service, same: 7 });
  });

  test("a new threshold replaces the limit: a new id, and the old limit is gone", async () => {
    await expectThresholdReplaces({ stack, service, same: 7 });
  });

  test("pulumi import of a limit made through the API writes TypeScript that, added to the program, previews no changes", async () => {
    const { limit } = await service.client.limits.create({ limit_name: "Legacy budget", max: 40, threshold: 0.85 });
    const imported = await importLimit("legacy", limit.limit_id, "imported.ts", {
      cwd: project,
      env: { ...env(), PAYI_API_KEY: KEY, PAYI_BASE_URL: service.url },
    });
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    const code = await readFile(path.join(project, "imported.ts"), "utf8");
    expect(code.replace(limit.limit_id, "<limit id>")).toMatchInlineSnapshot(`
      "import * as pulumi from "@pulumi/pulumi";
      import * as payi from "@pulumi-limits/payi";

      const legacy = new payi.Limit("legacy", {
          adopt: false,
          limitId: "<limit id>",
          limitName: "Legacy budget",
          limitType: payi.LimitType.Allow,
          max: 40,
          properties: {},
          threshold: 0.85,
      });
      "
    `);
    // The generated imports are the program's own.
    await writeFile(path.join(project, "index.ts"), PROGRAM + code.replace(/^import .*\n/gm, ""));
    expect((await stack.preview()).changeSummary).toEqual({ same: 9 });
  });

  test("no API key is in the state but encrypted", async () => {
    for (const key of [KEY, KEY_A, KEY_B]) expect(await filesContaining(backend.dir, key)).toEqual([]);
    // The Automation API's exportStack shows secrets decrypted; the CLI's export does not.
    const exported = await pulumiCli(["stack", "export", "--stack", "test"], { cwd: project, env: env() });
    const providers = stateResources(JSON.parse(exported.stdout)).filter((r) => r.type === "pulumi:providers:payi");
    expect(Object.fromEntries(providers.map((p) => [p.urn.split("::").at(-1), p.inputs?.["apiKey"]]))).toEqual({
      default_0_1_0: undefined, // read from PAYI_API_KEY by the plugin, never an input
      "account-a": { ...SECRET_IN_STATE, ciphertext: expect.any(String) },
      "account-b": { ...SECRET_IN_STATE, ciphertext: expect.any(String) },
    });
  });

  test("destroy deletes what the stack manages, in every account", async () => {
    await stack.destroy();
    expect(await limitNames(service)).toEqual([]);
    expect(await limitNames(serviceA)).toEqual([]);
    expect(await limitNames(serviceB)).toEqual([]);
    await expect(service.client.useCases.definitions.retrieve("support_bot")).rejects.toMatchObject({ status: 404 });
  });
});
