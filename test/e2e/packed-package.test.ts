import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type PackedPackage,
  type PackedProgram,
  packedProgram,
  packPackage,
  setPackageVersion,
} from "../../bench/packed-program.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

// A program that installed the `npm pack` tarball, run through the nodejs language host: the way users get
// the package, and the only shape in which the serialized provider is a one-line require.
const env = useServiceAndBackend();
let pack: PackedPackage;
const programs: PackedProgram[] = [];

beforeAll(() => {
  pack = packPackage();
});
afterAll(() => {
  for (const p of programs) p.dispose();
  pack?.dispose();
});

const PROGRAM = `
const { Limit, UseCaseDefinition } = require("pulumi-limits");
const count = Number(process.env.PACKED_LIMITS);
for (let i = 0; i < count; i++) new Limit("team-" + i, { limitName: process.env.PACKED_PREFIX + " team " + i, max: 100 + i, threshold: 0.8 });
new UseCaseDefinition("support", { name: process.env.PACKED_PREFIX + "_support", description: "Support bot" });
`;

function program(name: string): PackedProgram {
  const p = packedProgram(name, PROGRAM, pack.tarball);
  programs.push(p);
  return p;
}

/** Names on the service are per program, so one test's leftovers never collide with another's. */
const prefixOf = (p: PackedProgram) => path.basename(p.dir);

function stackOf(p: PackedProgram, limits: number, extraEnv: Record<string, string> = {}) {
  return automation.LocalWorkspace.createOrSelectStack(
    { stackName: "packed", workDir: p.dir },
    {
      envVars: {
        ...env.backend().envVars,
        PAYI_API_KEY: TEST_API_KEY,
        PAYI_BASE_URL: env.service().url,
        PACKED_LIMITS: String(limits),
        PACKED_PREFIX: prefixOf(p),
        ...extraEnv,
      },
    },
  );
}

interface StateResource {
  type: string;
  urn: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

async function dynamicResources(stack: automation.Stack): Promise<StateResource[]> {
  const exported = await stack.exportStack();
  const resources = exported.deployment.resources as StateResource[];
  return resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
}

async function limitNames(p: PackedProgram): Promise<string[]> {
  const names: string[] = [];
  for await (const l of env.service().client.limits.list()) if (l.limit_name.startsWith(prefixOf(p))) names.push(l.limit_name);
  return names.sort();
}

describe("the packed package installed in a program", () => {
  test("stores each kind's provider as a require of its module: __provider ≤ 300 bytes, inputs and outputs ≤ 2 KB per Limit", async () => {
    const p = program("packed-size");
    const stack = await stackOf(p, 10);
    await stack.up();
    const mine = await dynamicResources(stack);
    const limits = mine.filter((r) => r.type.endsWith(":Limit"));
    expect(limits).toHaveLength(10);
    const providerOf = (r: StateResource) => String(r.inputs?.["__provider"]);
    expect(providerOf(limits[0] as StateResource)).toContain('require("pulumi-limits/provider/payi/limit")');
    expect(Buffer.byteLength(providerOf(limits[0] as StateResource))).toBeLessThanOrEqual(300);
    // Every Limit shares the same text; the definition requires its own module.
    expect(new Set(limits.map(providerOf)).size).toBe(1);
    const definition = mine.find((r) => r.urn.endsWith("::support"));
    expect(providerOf(definition as StateResource)).toContain('require("pulumi-limits/provider/payi/use-case-definition")');
    // What the provider writes: its inputs and outputs. The engine's own metadata around them (source
    // positions, stack traces) grows with Pulumi's version and is not ours to budget.
    const written = (r: StateResource) => Buffer.byteLength(JSON.stringify({ inputs: r.inputs, outputs: r.outputs }));
    for (const l of limits) expect(written(l)).toBeLessThanOrEqual(2048);

    expect(await limitNames(p)).toEqual(Array.from({ length: 10 }, (_, i) => `${prefixOf(p)} team ${i}`).sort());
    expect((await stack.preview()).changeSummary).toEqual({ same: 13 }); // 10 limits, a use case, the stack and its StackInstance
    await stack.destroy();
    expect(await limitNames(p)).toEqual([]);
  });

  test("Limit.get reads a limit the stack does not manage: its outputs, and nothing changes or goes on destroy", async () => {
    const p = packedProgram(
      "packed-get",
      `const { Limit } = require("pulumi-limits");
const shared = Limit.get("shared", process.env.SHARED_LIMIT_ID);
exports.max = shared.max;
exports.limitName = shared.limitName;
`,
      pack.tarball,
    );
    programs.push(p);
    const { limit } = await env.service().client.limits.create({ limit_name: `${prefixOf(p)} shared`, max: 42, threshold: 0.8 });
    const stack = await stackOf(p, 0, { SHARED_LIMIT_ID: limit.limit_id });
    const up = await stack.up();
    expect({ max: up.outputs["max"]?.value, limitName: up.outputs["limitName"]?.value }).toEqual({
      max: 42,
      limitName: `${prefixOf(p)} shared`,
    });
    const [read] = await dynamicResources(stack);
    expect(String(read?.inputs?.["__provider"] ?? "")).toContain('require("pulumi-limits/provider/payi/limit")');
    // The stack only: a read is no change (and the program registers no StackInstance for it).
    expect((await stack.preview()).changeSummary).toEqual({ same: 1 });
    await stack.destroy();
    expect((await env.service().client.limits.retrieve(limit.limit_id)).limit).toMatchObject({ max: 42, threshold: 0.8 });
    await env.service().client.limits.delete(limit.limit_id);
  });

  test("after upgrading the package, refresh and destroy of existing resources run the new version's code", async () => {
    // Both versions record which installed copy of the provider runtime the provider host loaded.
    const log = path.join(env.backend().dir, "runtime-versions.log");
    writeFileSync(log, "");
    const recordVersion = (packageDir: string) =>
      appendFileSync(
        path.join(packageDir, "dist", "provider", "runtime.js"),
        `\nrequire("node:fs").appendFileSync(process.env.PACKED_RUNTIME_LOG, require("../../package.json").version + "\\n");\n`,
      );
    const p = program("packed-upgrade");
    p.install(pack.tarball, recordVersion);
    const stack = await stackOf(p, 3, { PACKED_RUNTIME_LOG: log });
    await stack.up();
    const versions = () => readFileSync(log, "utf8").trim().split("\n");
    expect(new Set(versions())).toEqual(new Set([pack.version]));
    const providersBefore = (await dynamicResources(stack)).map((r) => r.inputs?.["__provider"]);

    const next = `${pack.version}-next`;
    p.install(pack.tarball, (dir) => {
      setPackageVersion(dir, next);
      recordVersion(dir);
    });
    writeFileSync(log, "");
    const refresh = await stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    expect(new Set(versions())).toEqual(new Set([next]));
    // The state still names the module, not a copy of old code: nothing had to change for the upgrade.
    expect((await dynamicResources(stack)).map((r) => r.inputs?.["__provider"])).toEqual(providersBefore);

    writeFileSync(log, "");
    await stack.destroy();
    expect(new Set(versions())).toEqual(new Set([next]));
    expect(await limitNames(p)).toEqual([]);
    await expect(env.service().client.useCases.definitions.retrieve(`${prefixOf(p)}_support`)).rejects.toMatchObject({
      code: "use_case_not_found",
    });
  });
});
