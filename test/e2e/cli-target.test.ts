import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../support/cli.js";
import { TEST_API_KEY, startService } from "../support/service.js";

// `--target`, `--exclude` and `--replace` of the CLI's stack commands, naming resources as budgets.yaml does.
let dir: string;
let service: Awaited<ReturnType<typeof startService>>;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-target-"));
  service = await startService();
  env = { PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: service.url, PULUMI_CONFIG_PASSPHRASE: "target-test" };
});
afterAll(async () => {
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function limits(): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for await (const l of service.client.limits.list()) found[l.limit_name] = l.max;
  return found;
}

describe("pulumi-limits --target / --exclude / --replace", () => {
  test("apply part of a file, by key or name; force a replace; destroy one limit; a typo is refused", async () => {
    const file = path.join(dir, "budgets.yaml");
    const budgets = (daily: number, monthly: number) =>
      writeFile(
        file,
        [
          "limits:",
          `  - { name: Daily Safety Cap, max: ${daily}, type: block, threshold: 0.9 }`,
          `  - { name: Monthly Budget, max: ${monthly} }`,
          "",
        ].join("\n"),
      );
    const cli = (...args: string[]) => runCli([...args, "-f", file, "--backend", `file://${dir}/state`], env, dir);
    await budgets(50, 1200);

    // A new stack: the targeted limit and the stack's identity are created, nothing else.
    const first = await cli("up", "--target", "daily-safety-cap", "--yes");
    expect(first.code, first.stderr).toBe(0);
    expect(await limits()).toEqual({ "Daily Safety Cap": 50 });
    expect((await cli("up", "--yes")).code).toBe(0);
    expect(await limits()).toEqual({ "Daily Safety Cap": 50, "Monthly Budget": 1200 });

    // Both change in the file; only the one named (here by its name) is previewed and applied.
    await budgets(60, 1500);
    const preview = await cli("preview", "--target", "Monthly Budget");
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain("max: $1,200.00 → $1,500.00");
    expect(preview.stdout).not.toContain("Daily Safety Cap");
    expect((await cli("up", "--target", "Monthly Budget", "--yes")).code).toBe(0);
    expect(await limits()).toEqual({ "Daily Safety Cap": 50, "Monthly Budget": 1500 });
    // --exclude: everything but the one named.
    const excluded = await cli("preview", "--exclude", "daily-safety-cap");
    expect(excluded.code, excluded.stderr).toBe(0);
    expect(excluded.stdout).toContain("Plan for stack 'dev': no changes.");
    expect((await cli("preview")).stdout).toContain("max: $50.00 → $60.00");

    // --replace forces a replacement, which the plan shows with the spend it would discard.
    const replaced = await cli("up", "--replace", "daily-safety-cap", "--yes");
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toMatch(
      /\+- replace limit 'Daily Safety Cap' \(pl-[^)]+\)\n {8}max: \$50\.00 → \$60\.00\n {8}replaced because a replacement was asked for \(--replace\)\n/,
    );
    expect(await limits()).toEqual({ "Daily Safety Cap": 60, "Monthly Budget": 1500 });
    expect((await cli("drift")).code).toBe(0);

    // A targeted destroy deletes that limit only; the next preview creates it again.
    const destroyed = await cli("destroy", "--target", "monthly-budget", "--yes");
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(await limits()).toEqual({ "Daily Safety Cap": 60 });
    expect((await cli("preview")).stdout).toMatch(/\+ {2}create {2}limit 'Monthly Budget'/);

    const typo = await cli("up", "--target", "dialy-safety-cap", "--yes");
    expect([typo.code, typo.stderr.trim()]).toEqual([
      2,
      "pulumi-limits: --target 'dialy-safety-cap': no resource of the stack or the file is named so; name one by its key or name (daily-safety-cap, monthly-budget), or give its URN",
    ]);
    expect((await cli("destroy", "--yes")).code).toBe(0);
    expect(await limits()).toEqual({});
  });
});

describe("one budgets.yaml for several stacks (vars:)", () => {
  test("each stack applies its own values; ${stack} names its objects apart", async () => {
    const file = path.join(dir, "stacks.yaml");
    await writeFile(
      file,
      [
        "vars:",
        "  dailyMax: { default: 5, prod: 50 }",
        "limits:",
        '  - { name: "${stack} daily cap", max: "${dailyMax}", type: block, threshold: 0.9 }',
        "",
      ].join("\n"),
    );
    const cli = (stack: string, ...args: string[]) =>
      runCli([...args, "-f", file, "--stack", stack, "--backend", `file://${dir}/stacks-state`], env, dir);
    for (const stack of ["dev", "prod"]) {
      const up = await cli(stack, "up", "--yes");
      expect(up.code, up.stderr).toBe(0);
    }
    expect(await limits()).toEqual({ "dev daily cap": 5, "prod daily cap": 50 });
    const preview = await cli("prod", "preview");
    expect(preview.stdout).toContain("Plan for stack 'prod': no changes.");
    for (const stack of ["dev", "prod"]) expect((await cli(stack, "destroy", "--yes")).code).toBe(0);
    expect(await limits()).toEqual({});
  });
});
