import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type PackedPackage, packPackage } from "../../bench/packed-program.js";
import { Limitry } from "../../sdk/limitry/index.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

// The policy pack as users get it: the packed tarball installed with npm into a fresh project, its CLI and
// its pack run from there, by the pulumi-limits CLI and by `pulumi up` of a TypeScript program.
const env = useServiceAndBackend();
let pack: PackedPackage;
let project: string;
let limitry: Limitry;

beforeAll(() => {
  pack = packPackage();
  project = mkdtempSync(path.join(os.tmpdir(), "pulumi-limits-policy-user-"));
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "budgets", private: true }));
  // From the npm cache where it can; no install scripts (the pack and the CLI's stack commands need none).
  execFileSync("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", pack.tarball], {
    cwd: project,
    stdio: "ignore",
  });
  limitry = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${env.service().url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await limitry?.close();
  pack?.dispose();
  if (project) rmSync(project, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  const service = env.service().url;
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          ...env.backend().envVars,
          PAYI_API_KEY: TEST_API_KEY,
          PAYI_BASE_URL: service,
          LIMITRY_API_KEY: TEST_API_KEY,
          LIMITRY_BASE_URL: `${service}/v1`,
          ...extraEnv,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The installed `pulumi-limits` bin, run in `cwd`. */
const cli = (args: string[], cwd: string) =>
  run(process.execPath, [path.join(project, "node_modules", "pulumi-limits", "bin", "pulumi-limits.js"), ...args], cwd);

/** A working directory for one test, inside the user's project (so `node_modules` resolves as for them). */
function workDir(name: string, files: Record<string, string>): string {
  const dir = path.join(project, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

let shipped = "";
async function shippedPack(): Promise<string> {
  if (!shipped) shipped = (await cli(["policy-pack"], project)).stdout.trim();
  return shipped;
}

async function limitNames(prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const l of env.service().client.limits.list()) if (l.limit_name.startsWith(prefix)) names.push(l.limit_name);
  return names.sort();
}

async function limitryLimitNames(prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const l of limitry.limits.list()) if (l.name.startsWith(prefix)) names.push(l.name);
  return names.sort();
}

/** The `{"plan": …}` line of a `--json` run. */
function jsonPlan(stdout: string): { policyViolations: Array<Record<string, string>> } {
  const line = stdout.split("\n").find((l) => l.startsWith('{"plan":'));
  if (!line) throw new Error(`no plan line in:\n${stdout}`);
  return JSON.parse(line).plan;
}

describe("the shipped policy pack", () => {
  test("`pulumi-limits policy-pack` prints its directory in the installed package, complete and resolvable", async () => {
    const dir = await shippedPack();
    expect(realpathSync(dir)).toBe(realpathSync(path.join(project, "node_modules", "pulumi-limits", "dist", "policy")));
    expect(readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    expect(JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).version).toBe(pack.version);
    // Its dependencies came with the package: the pack and the runner Pulumi starts resolve from there.
    for (const module of ["@pulumi/policy", "@pulumi/pulumi/cmd/run-policy-pack"])
      expect(require.resolve(module, { paths: [dir] }).startsWith(realpathSync(project))).toBe(true);
  });
});

describe("pulumi-limits preview / up --policy-pack", () => {
  test("a mandatory violation stops up before any object exists; the plan, JSON plan and summary name it", async () => {
    const dir = workDir("cli-mandatory", {
      "budgets.yaml": [
        "limits:",
        "  - { name: pm-mandatory monthly, max: 5000, threshold: 0.8 }",
        "  - { name: pm-mandatory weekly, max: 300, threshold: 0.8 }",
        "useCases:",
        "  - { name: pm_mandatory_bot, description: A use case whose instances would get no limit }",
        "limitry:",
        "  meters:",
        "    - { key: tokens, name: pm-mandatory tokens, aggregation: sum, field: values.tokens }",
        "",
      ].join("\n"),
      "policy.json": JSON.stringify({ "max-ceiling": { maxUsd: 1000 } }),
    });
    const common = ["--stack", "mandatory", "--policy-pack", await shippedPack(), "--policy-pack-config", "policy.json"];

    const up = await cli(["up", "--yes", ...common, "--summary", "plan.md"], dir);
    expect(up.code, up.stderr).toBe(1);
    expect(up.stderr).toContain("pulumi-limits: up: 3 mandatory policy violations: nothing was applied");
    expect(up.stdout).toContain(
      "policy mandatory: blocking-cap (pulumi-limits@v0.1.0): the stack declares 4 budget resources and no blocking cap",
    );
    expect(up.stdout).toContain(
      "policy mandatory: use-case-limit-config (pulumi-limits@v0.1.0) on 'use-case-pm_mandatory_bot': use case 'pm_mandatory_bot' has no limit config",
    );
    expect(up.stdout).toContain(
      "policy mandatory: max-ceiling (pulumi-limits@v0.1.0) on 'pm-mandatory-monthly': limit 'pm-mandatory monthly': max $5,000.00 is above the ceiling of $1,000.00 (maxUsd in the policy config)",
    );
    expect(await limitNames("pm-mandatory")).toEqual([]);
    await expect(env.service().client.useCases.definitions.retrieve("pm_mandatory_bot")).rejects.toMatchObject({
      code: "use_case_not_found",
    });
    const meters: string[] = [];
    for await (const m of limitry.meters.list()) if (m.name.startsWith("pm-mandatory")) meters.push(m.name);
    expect(meters).toEqual([]);

    const summary = readFileSync(path.join(dir, "plan.md"), "utf8");
    expect(summary).toContain("### Policy violations");
    expect(summary).toContain(
      "| **mandatory** | max-ceiling (pulumi-limits@v0.1.0) | pm-mandatory-monthly | limit 'pm-mandatory monthly': max $5,000.00 is above the ceiling of $1,000.00 (maxUsd in the policy config) |",
    );

    const json = await cli(["preview", "--json", ...common], dir);
    expect(json.code).toBe(1);
    expect(jsonPlan(json.stdout).policyViolations).toEqual([
      expect.objectContaining({ enforcementLevel: "mandatory", policy: "blocking-cap", policyPack: "pulumi-limits@v0.1.0" }),
      expect.objectContaining({ enforcementLevel: "mandatory", policy: "max-ceiling", resource: "pm-mandatory-monthly" }),
      expect.objectContaining({
        enforcementLevel: "mandatory",
        policy: "use-case-limit-config",
        resource: "use-case-pm_mandatory_bot",
      }),
    ]);
  });

  test("advisory violations warn and up applies, across both APIs; the config raises a ceiling and sets levels", async () => {
    const dir = workDir("cli-advisory", {
      "budgets.yaml": [
        "limits:",
        "  - { name: pm-advisory cap, max: 50, type: block, threshold: 0.9 }",
        "  - { name: pm-advisory monthly, max: 1500 }",
        "useCases:",
        "  - { name: pm_advisory_tutor, description: Tutoring, limitConfig: { max: 0.05 } }",
        "limitry:",
        "  meters:",
        "    - { key: tokens, name: pm-advisory tokens, aggregation: sum, field: values.tokens }",
        "  limits:",
        "    - { key: daily, name: pm-advisory daily, meter: tokens, limitValue: 1000, period: day }",
        "",
      ].join("\n"),
      "low.json": JSON.stringify({ "max-ceiling": { maxUsd: 1000 } }),
      "high.json": JSON.stringify({ "max-ceiling": { maxUsd: 2000 }, "payi-threshold": "mandatory" }),
      "raised.json": JSON.stringify({ "max-ceiling": { maxUsd: 2000 } }),
    });
    const common = ["--stack", "advisory", "--policy-pack", await shippedPack()];

    // The ceiling comes from the config: $1,500 is over the first, under the second.
    const low = await cli(["preview", ...common, "--policy-pack-config", "low.json"], dir);
    expect(low.code).toBe(1);
    expect(low.stdout).toContain("max $1,500.00 is above the ceiling of $1,000.00");
    // ...and so do enforcement levels: the threshold rule made mandatory stops the run.
    const strict = await cli(["preview", ...common, "--policy-pack-config", "high.json"], dir);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("policy mandatory: payi-threshold (pulumi-limits@v0.1.0) on 'pm-advisory-monthly'");

    const up = await cli(
      ["up", "--yes", "--json", ...common, "--policy-pack-config", "raised.json", "--summary", "plan.md"],
      dir,
    );
    expect(up.code, up.stderr).toBe(0);
    expect(await limitNames("pm-advisory")).toEqual(["pm-advisory cap", "pm-advisory monthly"]);
    expect(await limitryLimitNames("pm-advisory")).toEqual(["pm-advisory daily"]);
    const advisories = jsonPlan(up.stdout).policyViolations;
    expect(advisories).toHaveLength(3);
    expect(advisories.map((v) => [v.enforcementLevel, v.policy, v.message])).toEqual(
      expect.arrayContaining([
        [
          "advisory",
          "limitry-alert-thresholds",
          expect.stringMatching(/^Limitry limit 'pm-advisory daily' has no alertThresholds/),
        ],
        ["advisory", "payi-threshold", expect.stringMatching(/^limit config of use case 'pm_advisory_tutor' has no threshold/)],
        ["advisory", "payi-threshold", expect.stringMatching(/^limit 'pm-advisory monthly' has no threshold/)],
      ]),
    );
    expect(readFileSync(path.join(dir, "plan.md"), "utf8")).toContain(
      "| advisory | payi-threshold (pulumi-limits@v0.1.0) | pm-advisory-monthly | limit 'pm-advisory monthly' has no threshold",
    );

    // Nothing left to change: the text plan still shows the warnings.
    const again = await cli(["up", "--yes", ...common, "--policy-pack-config", "raised.json"], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("No changes to stack 'advisory': no changes.");
    expect(again.stdout).toContain(
      "policy advisory: limitry-alert-thresholds (pulumi-limits@v0.1.0) on 'limitry-limit-daily': Limitry limit 'pm-advisory daily' has no alertThresholds",
    );
    expect((await cli(["destroy", "--yes", "--stack", "advisory"], dir)).code).toBe(0);
  });

  test("bad flags are refused before anything runs", async () => {
    const dir = workDir("cli-flags", { "budgets.yaml": "limits:\n  - { name: pm-flags, max: 5, type: block }\n" });
    const notAPack = await cli(["preview", "--policy-pack", dir], dir);
    expect(notAPack.code).toBe(2);
    expect(notAPack.stderr).toContain(`--policy-pack ${dir}: not a policy pack (no PulumiPolicy.yaml there)`);
    const noConfig = await cli(["preview", "--policy-pack", await shippedPack(), "--policy-pack-config", "nope.json"], dir);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain(`--policy-pack-config ${path.join(dir, "nope.json")}: no such file`);
  });
});

describe("pulumi preview / up --policy-pack of a TypeScript program", () => {
  const PROGRAM = `
import { Limit, limitry } from "pulumi-limits";

const prefix = process.env.PM_PREFIX;
const tokens = new limitry.Meter("tokens", { name: \`\${prefix} tokens\`, aggregation: "sum", field: "values.tokens" });
new Limit("cap", { limitName: \`\${prefix} cap\`, max: Number(process.env.PM_CAP_MAX), limitType: "block" });
// Known only once the meter exists: unknown at a first preview.
new Limit("derived", { limitName: \`\${prefix} derived\`, max: tokens.id.apply(() => Number(process.env.PM_DERIVED_MAX)), threshold: 0.8 });
`;

  function program(name: string): string {
    return workDir(name, {
      "Pulumi.yaml": `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.ts\n`,
      "index.ts": PROGRAM,
      "policy.json": JSON.stringify({ "max-ceiling": { maxUsd: 1000 } }),
    });
  }

  async function pulumi(dir: string, args: string[], values: Record<string, string>): Promise<Run> {
    return run("pulumi", [...args, "--stack", "dev", "--non-interactive"], dir, values);
  }

  test("compliant but for an advisory: up warns and applies; unknown values at the first preview never fail", async () => {
    const dir = program("ts-advisory");
    const values = { PM_PREFIX: "pm-ts-advisory", PM_CAP_MAX: "50", PM_DERIVED_MAX: "100" };
    expect((await pulumi(dir, ["stack", "init"], values)).code).toBe(0);
    const policy = ["--policy-pack", await shippedPack(), "--policy-pack-config", "policy.json"];

    const preview = await pulumi(dir, ["preview", ...policy], values);
    expect(preview.code, preview.stdout).toBe(0);
    expect(preview.stdout).not.toContain("can't run");
    expect(preview.stdout).toMatch(/\[advisory\]\s+payi-threshold\s+\(pulumi-nodejs:dynamic\/payi:Limit: cap\)/);

    const up = await pulumi(dir, ["up", "--yes", ...policy], values);
    expect(up.code, up.stdout).toBe(0);
    expect(up.stdout).toContain("limit 'pm-ts-advisory cap' has no threshold");
    expect(await limitNames("pm-ts-advisory")).toEqual(["pm-ts-advisory cap", "pm-ts-advisory derived"]);
    expect((await pulumi(dir, ["destroy", "--yes"], values)).code).toBe(0);
  });

  test("a mandatory violation stops up before any object exists, also one known only once applied", async () => {
    const dir = program("ts-mandatory");
    const policy = ["--policy-pack", await shippedPack(), "--policy-pack-config", "policy.json"];
    const over = { PM_PREFIX: "pm-ts-over", PM_CAP_MAX: "5000", PM_DERIVED_MAX: "100" };
    expect((await pulumi(dir, ["stack", "init"], over)).code).toBe(0);

    const up = await pulumi(dir, ["up", "--yes", ...policy], over);
    expect(up.code).not.toBe(0);
    expect(up.stdout).toMatch(/\[mandatory\]\s+max-ceiling\s+\(pulumi-nodejs:dynamic\/payi:Limit: cap\)/);
    expect(up.stdout).toContain("limit 'pm-ts-over cap': max $5,000.00 is above the ceiling of $1,000.00");
    expect(await limitNames("pm-ts-over")).toEqual([]);
    expect(await limitryLimitNames("pm-ts-over")).toEqual([]);

    // The derived max is unknown at the preview, which passes; the engine checks it again before creating it.
    const late = { PM_PREFIX: "pm-ts-late", PM_CAP_MAX: "50", PM_DERIVED_MAX: "5000" };
    const preview = await pulumi(dir, ["preview", ...policy], late);
    expect(preview.code, preview.stdout).toBe(0);
    const lateUp = await pulumi(dir, ["up", "--yes", ...policy], late);
    expect(lateUp.code).not.toBe(0);
    expect(lateUp.stdout).toContain("limit 'pm-ts-late derived': max $5,000.00 is above the ceiling of $1,000.00");
    expect(await limitNames("pm-ts-late derived")).toEqual([]);
    expect((await pulumi(dir, ["destroy", "--yes"], late)).code).toBe(0);
  });
});
