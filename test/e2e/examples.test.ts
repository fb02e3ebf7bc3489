import { rmSync } from "node:fs";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, describe, expect, test } from "vitest";
import { exampleCopy } from "../support/link-package.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

// The TypeScript examples run as a user runs them: standalone projects (not inline programs), through
// the nodejs language host, importing "pulumi-limits" by package name (each from a copy of its own).
const env = useServiceAndBackend();
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function exampleStack(name: string) {
  const workDir = exampleCopy(name);
  copies.push(workDir);
  return automation.LocalWorkspace.createOrSelectStack(
    { stackName: "example", workDir },
    { envVars: { ...env.backend().envVars, PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: env.service().url } },
  );
}

describe("examples", () => {
  test("multi-layer-budgets creates the seed's three limits, previews clean and destroys", async () => {
    const stack = await exampleStack("multi-layer-budgets");
    const up = await stack.up();
    expect(up.outputs["states"]?.value).toEqual({ daily: "ok", monthly: "ok", premium: "ok" });
    const ids = up.outputs["limitIds"]?.value as Record<string, string>;
    expect((await env.service().client.limits.retrieve(ids["daily"] ?? "")).limit).toMatchObject({
      limit_name: "Daily Safety Cap",
      max: 50,
      limit_type: "block",
      threshold: 0.9,
    });
    expect((await stack.preview()).changeSummary).toEqual({ same: 5 }); // 3 limits, the stack and its StackInstance identity
    await stack.destroy();
    expect((await env.service().client.limits.list()).items).toEqual([]);
  });

  test("use-case-limits gives every teach_me instance a $0.05 limit", async () => {
    const stack = await exampleStack("use-case-limits");
    await stack.up();
    const instance = await env.service().client.useCases.create("teach_me");
    expect((await env.service().client.limits.retrieve(instance.limit_id ?? "")).limit).toMatchObject({
      max: 0.05,
      threshold: 0.8,
    });
    await stack.destroy();
    await expect(env.service().client.useCases.definitions.retrieve("teach_me")).rejects.toMatchObject({
      code: "use_case_not_found",
    });
  });
});
