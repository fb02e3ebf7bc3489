import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CliError } from "../../cli/exit-codes.js";
import { policyOptions, renderViolations, shippedPolicyPack, violationsMarkdown } from "../../cli/policy.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "pulumi-limits-cli-policy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, "policy.json"), "{}");

describe("--policy-pack and --policy-pack-config", () => {
  test("become the Automation API's options, as absolute paths, the n-th config for the n-th pack", () => {
    const pack = shippedPolicyPack();
    expect(policyOptions({})).toEqual({});
    expect(policyOptions({ "policy-pack": [path.relative(process.cwd(), pack)] })).toEqual({ policyPacks: [pack] });
    expect(policyOptions({ "policy-pack": [pack], "policy-pack-config": [path.join(dir, "policy.json")] })).toEqual({
      policyPacks: [pack],
      policyPackConfigs: [path.join(dir, "policy.json")],
    });
  });

  test("a directory without PulumiPolicy.yaml, a missing config or more configs than packs is bad input (exit 2)", () => {
    const bad = (values: Record<string, unknown>) => {
      try {
        policyOptions(values);
      } catch (error) {
        if (error instanceof CliError) return `${error.exitCode}: ${error.message}`;
        throw error;
      }
      return "accepted";
    };
    expect(bad({ "policy-pack": [dir] })).toBe(
      `2: --policy-pack ${dir}: not a policy pack (no PulumiPolicy.yaml there); \`pulumi-limits policy-pack\` prints the directory of the one this package ships`,
    );
    expect(bad({ "policy-pack": [shippedPolicyPack()], "policy-pack-config": [path.join(dir, "nope.json")] })).toBe(
      `2: --policy-pack-config ${path.join(dir, "nope.json")}: no such file`,
    );
    expect(bad({ "policy-pack-config": [path.join(dir, "policy.json")] })).toBe(
      "2: 1 --policy-pack-config for 0 --policy-pack: each config file belongs to the --policy-pack in the same position",
    );
  });
});

test("violations render as plan lines and as a Markdown table, a stack-wide one without a resource", () => {
  const violations = [
    { enforcementLevel: "mandatory", policyPack: "pulumi-limits@v0.1.0", policy: "blocking-cap", message: "no cap | none" },
    {
      enforcementLevel: "advisory",
      policyPack: "pulumi-limits@v0.1.0",
      policy: "payi-threshold",
      resource: "monthly",
      message: "limit 'Monthly' has no threshold",
    },
  ];
  expect(renderViolations(violations)).toEqual([
    "policy mandatory: blocking-cap (pulumi-limits@v0.1.0): no cap | none",
    "policy advisory: payi-threshold (pulumi-limits@v0.1.0) on 'monthly': limit 'Monthly' has no threshold",
  ]);
  expect(violationsMarkdown(violations, (t) => t.replace(/\|/g, "\\|"))).toEqual([
    "### Policy violations",
    "",
    "| Level | Policy | Resource | Violation |",
    "| --- | --- | --- | --- |",
    "| **mandatory** | blocking-cap (pulumi-limits@v0.1.0) | (stack) | no cap \\| none |",
    "| advisory | payi-threshold (pulumi-limits@v0.1.0) | monthly | limit 'Monthly' has no threshold |",
    "",
  ]);
  expect(violationsMarkdown([], (t) => t)).toEqual([]);
});
