import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ServiceProfileName } from "../../server/profile.js";
import { runCli } from "../support/cli.js";
import { startDroppingProxy } from "../support/dropping-proxy.js";
import { testProfile } from "../support/serve-process.js";
import { TEST_API_KEY, startService } from "../support/service.js";

// Issues 22 (item 3) and 25 (item 4): `reset --due` keeps its bookkeeping in the stack's state, so it holds
// where Pay-i returns no properties (the strict profile), and resets a limit at most once per period
// whoever runs it and however many run at once. Both profiles, unless the run asks for one.
const PROFILES: ServiceProfileName[] = process.env.PULUMI_LIMITS_SERVICE_PROFILE ? [testProfile()] : ["default", "strict"];

interface Result {
  name: string;
  outcome: string;
  spendClearedUsd?: number;
  lastReset?: string | null;
  error?: string;
}

describe.each(PROFILES)("reset --due against the %s profile", (profile) => {
  let dir: string;
  let service: Awaited<ReturnType<typeof startService>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-reset-due-"));
    service = await startService({ profile });
    env = { PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: service.url, PULUMI_CONFIG_PASSPHRASE: "reset-test" };
  });
  afterAll(async () => {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const stackArgs = (file: string, stack: string) => [
    "-f",
    file,
    "--backend",
    `file://${path.join(dir, "state")}`,
    "--stack",
    stack,
  ];

  async function writeYaml(name: string, lines: string[]): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, `${lines.join("\n")}\n`);
    return file;
  }

  async function idOf(name: string): Promise<string> {
    const [limit] = (await service.client.limits.list({ limit_name: name })).items;
    if (!limit) throw new Error(`no limit named ${name}`);
    return limit.limit_id;
  }

  /** $12.50 of gpt-4o spend on a limit (1M input + 1M output tokens). */
  async function spendOn(limitId: string): Promise<void> {
    await service.client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 1_000_000, output: 1_000_000 } },
      limit_ids: [limitId],
    });
  }

  const spendOf = async (limitId: string) => (await service.client.limits.retrieve(limitId)).limit.totals.cost.total.base;

  /** How many times the service reset the limit: its reset history, read from the service's database. */
  function resetsOf(limitId: string): number {
    const db = new Database(path.join(service.dataDir, "payi.sqlite"), { readonly: true });
    try {
      const row = db.prepare("SELECT count(*) AS n FROM limit_history WHERE limit_id = ?").get(limitId) as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  }

  /** `reset --due --json` at `now`: each limit's outcome, with the spend a reset cleared. */
  async function due(file: string, stack: string, now: string, extra: string[] = []) {
    const res = await runCli(["reset", "--due", ...stackArgs(file, stack), "--now", now, "--json", ...extra], env, dir);
    const results = JSON.parse(res.stdout) as Result[];
    const outcomes = Object.fromEntries(
      results.map((r) => [r.name, r.outcome === "reset" ? `reset ${r.spendClearedUsd}` : r.outcome]),
    );
    return { code: res.code, stderr: res.stderr, results, outcomes };
  }

  test("a limit is reset once per period as the clock moves on, from the stack's state; up never resets", async () => {
    const file = await writeYaml("periods.yaml", [
      "limits:",
      "  - name: Monthly Allowance",
      "    max: 1000",
      "    reset: monthly",
      "  - name: Daily Cap",
      "    max: 50",
      "    reset: daily",
      "    properties: { team: ml }",
      "  - name: Lifetime Cap",
      "    max: 5000",
    ]);
    const stack = stackArgs(file, "periods");
    const up = await runCli(["up", ...stack, "--yes"], env, dir);
    expect(up.code, up.stderr).toBe(0);
    const monthly = await idOf("Monthly Allowance");
    const daily = await idOf("Daily Cap");
    const lifetime = await idOf("Lifetime Cap");
    for (const id of [monthly, daily, lifetime]) await spendOn(id);

    // 2030-01-15 is a Tuesday; the limits were created before it (today), so both periods are due. The file
    // run here also declares a limit no `up` has created yet.
    const ahead = await writeYaml("periods-ahead.yaml", [
      ...(await readFile(file, "utf8")).trimEnd().split("\n"),
      "  - name: Not Yet",
      "    max: 10",
      "    reset: weekly",
    ]);
    const text = await runCli(["reset", "--due", ...stackArgs(ahead, "periods"), "--now", "2030-01-15T10:00:00Z"], env, dir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(
      [
        `reset    'Monthly Allowance' (${monthly}): cleared $12.50 of tracked spend; monthly period from 2030-01-01T00:00:00.000Z`,
        `reset    'Daily Cap' (${daily}): cleared $12.50 of tracked spend; daily period from 2030-01-15T00:00:00.000Z`,
        "missing  'Not Yet': not on the service yet (run `pulumi-limits up`)",
        "2 reset, 0 not due, 1 missing.",
        "",
      ].join("\n"),
    );
    expect([resetsOf(monthly), resetsOf(daily), resetsOf(lifetime)]).toEqual([1, 1, 0]);
    expect(await spendOf(monthly)).toBe(0);
    expect(await spendOf(lifetime)).toBe(12.5);

    await spendOn(monthly);
    await spendOn(daily);
    // Again at the last instant of the same day: nothing twice.
    const again = await runCli(["reset", "--due", ...stack, "--now", "2030-01-15T23:59:59.999Z"], env, dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(
      [
        `not due  'Monthly Allowance' (${monthly}): last reset 2030-01-01T00:00:00.000Z; next reset 2030-02-01T00:00:00.000Z`,
        `not due  'Daily Cap' (${daily}): last reset 2030-01-15T00:00:00.000Z; next reset 2030-01-16T00:00:00.000Z`,
        "0 reset, 2 not due.",
        "",
      ].join("\n"),
    );

    // A new day began, and `up` (which refreshes first) changes the daily limit in place: still no reset, and
    // the bookkeeping is no change to plan.
    const bigger = await writeYaml("periods-v2.yaml", [
      "limits:",
      "  - name: Monthly Allowance",
      "    max: 1000",
      "    reset: monthly",
      "  - name: Daily Cap",
      "    max: 60",
      "    reset: daily",
      "    properties: { team: ml }",
      "  - name: Lifetime Cap",
      "    max: 5000",
    ]);
    const update = await runCli(["up", ...stackArgs(bigger, "periods"), "--yes"], env, dir);
    expect(update.code, update.stderr).toBe(0);
    expect(update.stdout.slice(update.stdout.indexOf("Applied to stack"))).toBe(
      `Applied to stack 'periods':\n  ~  update  limit 'Daily Cap' (${daily})\n        max: $50.00 → $60.00\n`,
    );
    expect([resetsOf(monthly), resetsOf(daily)]).toEqual([1, 1]);
    expect(await spendOf(daily)).toBe(12.5);

    expect((await due(bigger, "periods", "2030-01-16T00:00:00Z")).outcomes).toEqual({
      "Monthly Allowance": "not-due",
      "Daily Cap": "reset 12.5",
    });
    // 2030-02-01: a new month and a new day.
    expect((await due(bigger, "periods", "2030-02-01T00:00:00Z")).outcomes).toEqual({
      "Monthly Allowance": "reset 12.5",
      "Daily Cap": "reset 0",
    });
    expect([resetsOf(monthly), resetsOf(daily), resetsOf(lifetime)]).toEqual([2, 3, 0]);
    expect(await spendOf(lifetime)).toBe(12.5);
  });

  test("five concurrent runs reset each due limit exactly once; the others wait for the lock and say who did it", async () => {
    const file = await writeYaml("concurrent.yaml", [
      "limits:",
      "  - name: Shared Monthly",
      "    max: 1000",
      "    reset: monthly",
      "  - name: Shared Weekly",
      "    max: 100",
      "    reset: weekly",
    ]);
    const up = await runCli(["up", ...stackArgs(file, "concurrent"), "--yes"], env, dir);
    expect(up.code, up.stderr).toBe(0);
    const ids = [await idOf("Shared Monthly"), await idOf("Shared Weekly")];
    for (const id of ids) await spendOn(id);

    // 2030-03-04 is a Monday: a new month and a new week.
    const runs = await Promise.all(Array.from({ length: 5 }, () => due(file, "concurrent", "2030-03-04T00:05:00Z")));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(ids.map(resetsOf)).toEqual([1, 1]);
    for (const name of ["Shared Monthly", "Shared Weekly"]) {
      const outcomes = runs.map((r) => r.outcomes[name]);
      expect(outcomes.filter((o) => o === "reset 12.5")).toHaveLength(1);
      // The others found the period reset, or claimed by the run resetting it.
      expect(outcomes.filter((o) => o === "not-due" || o === "claimed")).toHaveLength(4);
    }
    expect(await Promise.all(ids.map(spendOf))).toEqual([0, 0]);

    const after = await due(file, "concurrent", "2030-03-04T12:00:00Z");
    expect(after.outcomes).toEqual({ "Shared Monthly": "not-due", "Shared Weekly": "not-due" });
    expect(ids.map(resetsOf)).toEqual([1, 1]);
  });

  test("a reset whose answer is lost is never repeated in its period: the run fails saying so, later runs report it", async () => {
    const file = await writeYaml("lost.yaml", ["limits:", "  - name: Lost Answer", "    max: 100", "    reset: monthly"]);
    const up = await runCli(["up", ...stackArgs(file, "lost"), "--yes"], env, dir);
    expect(up.code, up.stderr).toBe(0);
    const id = await idOf("Lost Answer");
    await spendOn(id);

    const proxy = await startDroppingProxy(service.url);
    try {
      const lost = await runCli(
        ["reset", "--due", ...stackArgs(file, "lost"), "--now", "2030-05-02T00:00:00Z", "--base-url", proxy.url],
        env,
        dir,
      );
      expect(lost.code, lost.stderr).toBe(1);
      expect(lost.stdout).toBe(
        [
          `failed   'Lost Answer' (${id}): the reset for the period from 2030-05-01T00:00:00.000Z may or may not have been applied (no answer came back). The period stays claimed, so no run resets it again: check the limit's spend (\`pulumi-limits status\`) and reset it by hand if it was not cleared.`,
          "0 reset, 0 not due, 1 failed.",
          "",
        ].join("\n"),
      );
    } finally {
      await proxy.close();
    }
    // The service did reset it, once.
    expect(resetsOf(id)).toBe(1);
    await spendOn(id);

    const rerun = await runCli(["reset", "--due", ...stackArgs(file, "lost"), "--now", "2030-05-20T00:00:00Z"], env, dir);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(
      new RegExp(
        `^claimed  'Lost Answer' \\(${id}\\): the reset for the monthly period from 2030-05-01T00:00:00.000Z was claimed by another run at \\S+ and is not confirmed`,
      ),
    );
    expect(resetsOf(id)).toBe(1);
    expect(await spendOf(id)).toBe(12.5);

    expect((await due(file, "lost", "2030-06-01T00:00:00Z")).outcomes).toEqual({ "Lost Answer": "reset 12.5" });
    expect(resetsOf(id)).toBe(2);
  });
});
