import { spawn } from "node:child_process";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pulumiEnv } from "../../cli/environment.js";
import { Limit } from "../../provider/index.js";
import { runCli, type CliResult } from "../support/cli.js";
import { startPostgres, type PostgresCluster } from "../support/postgres.js";
import { TEST_API_KEY, startService } from "../support/service.js";

// Team state: several checkouts of one budgets repo (CI runners) share one stack in a real PostgreSQL
// server through Pulumi's `postgres://` DIY backend. What the backend's locking provides, as read in
// pulumi/pulumi pkg/backend/diy/lock.go and observed here: `up`, `refresh` and `destroy` write a lock row
// (`.pulumi/locks/organization/<project>/<stack>/<uuid>.json`) for their whole run, after checking for
// others' and re-checking after the write, so two runs never both proceed (in a tight race both may
// fail); a locked run fails at once (exit 4), it does not wait; `preview` (and so `drift`) takes no lock
// and reads the last checkpoint, one row written atomically; a killed run's lock stays until `pulumi cancel`.

const BUDGETS = path.resolve(__dirname, "..", "..", "examples", "budgets-yaml", "budgets.yaml");
const STACK = "organization/pulumi-limits/dev";
const LOCKS = "%/.pulumi/locks/%";

let pg: PostgresCluster;
let service: Awaited<ReturnType<typeof startService>>;
let root: string;
/** Two checkouts of the same budgets repository, as two CI runners have. */
let clones: [string, string];

beforeAll(async () => {
  pg = await startPostgres();
  service = await startService();
  root = await mkdtemp(path.join(tmpdir(), "pulumi-limits-team-"));
  clones = [path.join(root, "runner-a"), path.join(root, "runner-b")];
  for (const clone of clones) {
    await mkdir(clone);
    await copyFile(BUDGETS, path.join(clone, "budgets.yaml"));
  }
});
afterAll(async () => {
  await service?.stop();
  await pg?.stop();
  await rm(root, { recursive: true, force: true });
});

/** The environment a CI runner has: the shared backend and passphrase from its secrets. */
function runnerEnv(baseUrl: string = service.url): Record<string, string> {
  return {
    PAYI_API_KEY: TEST_API_KEY,
    PAYI_BASE_URL: baseUrl,
    PULUMI_BACKEND_URL: pg.url,
    PULUMI_CONFIG_PASSPHRASE: "team-passphrase",
  };
}

function cli(clone: string, args: string[], baseUrl?: string): Promise<CliResult> {
  return runCli([...args, "-f", "budgets.yaml"], runnerEnv(baseUrl), clone);
}

/** Changes the Monthly Budget's max in every clone, as a merged pull request does. */
async function setMonthlyMax(max: number): Promise<void> {
  for (const clone of clones) {
    const file = path.join(clone, "budgets.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace(/(name: Monthly Budget\n\s+max: )\d+/, `$1${max}`));
  }
}

/** Every limit on the service as `name max`, sorted. */
async function serviceLimits(): Promise<string[]> {
  const all: string[] = [];
  for await (const l of service.client.limits.list()) all.push(`${l.limit_name} ${l.max}`);
  return all.sort();
}

const declared = (monthlyMax: number) => ["Daily Safety Cap 50", `Monthly Budget ${monthlyMax}`, "Premium Model Usage 300"];

/** The lock rows of the stack: the holder's pid, user and host, as Pulumi wrote them. */
async function locks(): Promise<Array<{ pid: number; username: string; hostname: string }>> {
  const rows = await pg.query(`SELECT data->>'data' FROM pulumi_state WHERE key LIKE '${LOCKS}'`);
  return rows.map(
    (b64) => JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as { pid: number; username: string; hostname: string },
  );
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A proxy to the service that holds every request until `open()`: it keeps an `up` inside its run (lock
 * held, nothing applied yet) for as long as a test needs, which timing alone cannot promise.
 */
async function gatedProxy(target: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let held = 0;
  const server = http.createServer((req, res) => {
    held++;
    void opened.then(() => {
      const upstream = http.request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    held: () => held,
    open,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The stack's update history, oldest first, as `pulumi stack history` reports it. */
async function history(): Promise<automation.UpdateSummary[]> {
  const stack = await automation.LocalWorkspace.selectStack(
    { stackName: STACK, projectName: "pulumi-limits", program: async () => undefined },
    { envVars: pulumiEnv({ backend: pg.url, passphrase: "team-passphrase" }) },
  );
  return (await stack.history()).reverse();
}

describe("PostgreSQL state backend shared by CI runners", () => {
  test("a second checkout previews no changes after the first applies; nothing is kept on the runners", async () => {
    const [a, b] = clones;
    const up = await cli(a, ["up", "--yes"]);
    expect(up.code, up.stderr).toBe(0);
    expect(await serviceLimits()).toEqual(declared(1000));

    const preview = await cli(b, ["preview", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    const summary = preview.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { summaryEvent?: { resourceChanges: Record<string, number> } })
      .find((e) => e.summaryEvent);
    expect(summary?.summaryEvent?.resourceChanges).toEqual({ same: 7 }); // with the StackInstance identity
    expect((await cli(b, ["drift"])).code).toBe(0);

    expect(existsSync(path.join(a, ".pulumi-state")) || existsSync(path.join(b, ".pulumi-state"))).toBe(false);
    expect((await pg.query("SELECT key FROM pulumi_state WHERE key LIKE '%/.pulumi/stacks/%'")).sort()).toEqual([
      "pulumi/.pulumi/stacks/pulumi-limits/dev.json",
      "pulumi/.pulumi/stacks/pulumi-limits/dev.json.bak",
    ]);
    expect(await locks()).toEqual([]);
    for (const r of [up, preview]) expect(r.stdout + r.stderr).not.toContain(pg.password);
  });

  test("an up while another holds the lock exits 4 naming the holder, drift meanwhile is unaffected, and a rerun converges", async () => {
    const [a, b] = clones;
    await setMonthlyMax(1200);
    const gate = await gatedProxy(service.url);
    try {
      const first = cli(a, ["up", "--yes"], gate.url);
      await until(
        "the first up to hold the lock and wait on the service",
        async () => gate.held() > 0 && (await locks()).length === 1,
      );
      const [holder] = await locks();

      const second = await cli(b, ["up", "--yes"]);
      expect(second.code, second.stderr).toBe(4);
      expect(second.stderr).toContain(
        `pulumi-limits: up: stack is locked by ${holder?.username}@${holder?.hostname} (pid ${holder?.pid}) since `,
      );
      expect(second.stderr).toContain(`\`pulumi cancel --stack ${STACK} --yes\``);
      expect(second.stderr).not.toContain(pg.password);

      // drift takes no lock: it reads the last checkpoint and the service, which the held up has not changed yet.
      const drift = await cli(b, ["drift"]);
      expect(drift.code, drift.stderr).toBe(3);
      expect(drift.stdout).toContain("1 to update");
      expect(await locks()).toEqual([holder]);
      expect(await serviceLimits()).toEqual(declared(1000));

      gate.open();
      const applied = await first;
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain("~ 1 updated");
    } finally {
      gate.open();
      await gate.close();
    }
    expect(await locks()).toEqual([]);
    const rerun = await cli(b, ["up", "--yes"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).not.toContain("updated");
    expect((await cli(a, ["drift"])).code).toBe(0);
    expect(await serviceLimits()).toEqual(declared(1200));
  });

  test("two ups started together never interleave: each applies or exits 4, and rerunning the locked one converges", async () => {
    await setMonthlyMax(1500);
    const before = (await history()).length;
    const results = await Promise.all(clones.map((clone) => cli(clone, ["up", "--yes"])));
    for (const r of results) {
      expect([0, 4], r.stderr).toContain(r.code);
      // Locked by the other, or (in the tightest race) stopped reading the other's lock as that run released it.
      if (r.code === 4)
        expect(r.stderr).toMatch(
          /^pulumi-limits: up: (stack is locked by |another run took the stack's lock at the same moment)/,
        );
    }
    for (const [i, r] of results.entries()) {
      if (r.code !== 4) continue;
      const rerun = await cli(clones[i] ?? "", ["up", "--yes"]);
      expect(rerun.code, `${r.stderr}\n---\n${rerun.stderr}`).toBe(0);
    }
    expect(await serviceLimits()).toEqual(declared(1500));
    expect((await cli(clones[0], ["drift"])).code).toBe(0);

    // Every update that ran is in the history, and no two of them overlap in time.
    const updates = (await history()).slice(before);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.every((u) => u.kind === "update" && u.result === "succeeded")).toBe(true);
    for (let i = 1; i < updates.length; i++) {
      expect(updates[i]?.startTime.getTime()).toBeGreaterThanOrEqual(
        updates[i - 1]?.endTime?.getTime() ?? Number.POSITIVE_INFINITY,
      );
    }
    expect(await locks()).toEqual([]);
  });

  test("a runner killed mid-up leaves its lock; up exits 4 until the printed pulumi cancel clears it, then converges", async () => {
    const [a, b] = clones;
    await setMonthlyMax(1600);
    const gate = await gatedProxy(service.url);
    try {
      // The whole process group, as a cancelled CI job or a lost runner: CLI, engine, language and provider hosts.
      const killed = spawn(
        process.execPath,
        [path.resolve(__dirname, "..", "..", "bin", "pulumi-limits.js"), "up", "--yes", "-f", "budgets.yaml"],
        {
          cwd: a,
          env: { ...process.env, ...runnerEnv(gate.url) },
          detached: true,
          stdio: "ignore",
        },
      );
      const exited = new Promise((resolve) => killed.once("exit", resolve));
      await until(
        "the up to hold the lock and wait on the service",
        async () => gate.held() > 0 && (await locks()).length === 1,
        60_000,
      );
      process.kill(-(killed.pid ?? 0), "SIGKILL");
      await exited;
    } finally {
      gate.open();
      await gate.close();
    }
    const [stale] = await locks();
    expect(stale).toBeDefined();

    const blocked = await cli(b, ["up", "--yes"]);
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.stderr).toContain(`(pid ${stale?.pid})`);
    const cancel = /`(pulumi cancel [^`]+)`/.exec(blocked.stderr)?.[1]?.split(" ") ?? [];
    const [command, ...args] = cancel;
    await promisify(execFile)(command ?? "pulumi", args, { cwd: b, env: { ...process.env, ...runnerEnv() } });
    expect(await locks()).toEqual([]);

    const up = await cli(b, ["up", "--yes"]);
    expect(up.code, up.stderr).toBe(0);
    expect(await serviceLimits()).toEqual(declared(1600));
  });

  test("a wrong database password fails clearly without printing it", async () => {
    const wrong = pg.url.replace(pg.password, "not-the-password");
    const res = await runCli(["preview", "-f", "budgets.yaml", "--backend", wrong], runnerEnv(), clones[0]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('password authentication failed for user "pulumi"');
    expect(res.stderr).toContain("postgres://pulumi:****@127.0.0.1:");
    expect(res.stderr).not.toContain("not-the-password");
  });

  test("a URL asking for TLS of a server without it fails in one line advising ?sslmode=disable", async () => {
    const res = await runCli(
      ["preview", "-f", "budgets.yaml", "--backend", pg.url.replace("?sslmode=disable", "")],
      runnerEnv(),
      clones[0],
    );
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(
        /^pulumi-limits preview failed: unable to open state database "postgres:\/\/pulumi:\*\*\*\*@127\.0\.0\.1:\d+\/pulumi": .*SSL is not enabled on the server \(the PostgreSQL server has no TLS: add \?sslmode=disable to the backend URL for a local server, or enable TLS on it\)$/,
      ),
    ]);
  });

  test("a Pulumi program on the shared backend keeps its secret API key encrypted in the database", async () => {
    const stack = await automation.LocalWorkspace.createOrSelectStack(
      {
        stackName: "program",
        projectName: "team-program",
        program: async () => {
          new Limit("team-cap", { limitName: "Team Program Cap", max: 75, limitType: "block", threshold: 0.9 });
        },
      },
      { envVars: pulumiEnv({ backend: pg.url, passphrase: "team-passphrase" }) },
    );
    await stack.setConfig("payi:apiKey", { value: TEST_API_KEY, secret: true });
    await stack.setConfig("payi:baseUrl", { value: service.url });
    await stack.up();
    expect((await service.client.limits.list({ limit_name: "Team Program Cap" })).items).toHaveLength(1);
    expect((await stack.preview()).changeSummary).toEqual({ same: 3 }); // the limit, the stack and its StackInstance

    const state = (await pg.query("SELECT data->>'data' FROM pulumi_state"))
      .map((b64) => Buffer.from(b64, "base64").toString("utf8"))
      .join("\n");
    expect(state).toContain("Team Program Cap");
    expect(state).not.toContain(TEST_API_KEY);
    await stack.destroy();
    expect((await service.client.limits.list({ limit_name: "Team Program Cap" })).items).toEqual([]);
  });

  test("the README's recipe moves a file-backend stack into PostgreSQL as written", async () => {
    const readme = await readFile(path.resolve(__dirname, "..", "..", "README.md"), "utf8");
    const recipe = /\*\*Moving a file-backend stack to PostgreSQL\*\*[^\n]*\n\n```bash\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(recipe).toBeDefined();
    const repo = path.join(root, "solo");
    const bin = path.join(root, "bin");
    await mkdir(repo);
    await mkdir(bin);
    await symlink(path.resolve(__dirname, "..", "..", "bin", "pulumi-limits.js"), path.join(bin, "pulumi-limits"));
    await writeFile(path.join(repo, "budgets.yaml"), "limits:\n  - name: Migrated Cap\n    max: 40\n    type: block\n");
    const solo = { PAYI_API_KEY: TEST_API_KEY, PAYI_BASE_URL: service.url, PULUMI_CONFIG_PASSPHRASE: "solo" };
    expect((await runCli(["up", "--yes"], solo, repo)).code).toBe(0);
    expect(existsSync(path.join(repo, ".pulumi-state"))).toBe(true);

    await pg.query("CREATE DATABASE migrated").catch(() => undefined);
    const script = (recipe ?? "")
      .replaceAll(
        "PAYI_API_KEY='...' PULUMI_CONFIG_PASSPHRASE='...'",
        `PAYI_API_KEY='${TEST_API_KEY}' PULUMI_CONFIG_PASSPHRASE='solo'`,
      )
      .replaceAll(
        "'postgres://pulumi:PASSWORD@db.internal:5432/pulumi?sslmode=require'",
        `'${pg.url.replace("/pulumi?", "/migrated?")}'`,
      );
    expect(script).not.toContain("db.internal");
    const { stdout } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", script], {
      cwd: repo,
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env["PATH"] ?? ""}`, PAYI_BASE_URL: service.url },
    });
    expect(stdout).toContain("Import complete.");
    // The stack, its StackInstance and the limit.
    expect(stdout).toMatch(/3 unchanged/);
    expect(existsSync(path.join(repo, ".pulumi-state"))).toBe(false);

    const shared = { ...solo, PULUMI_BACKEND_URL: pg.url.replace("/pulumi?", "/migrated?") };
    const up = await runCli(["up", "--yes"], shared, repo);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("3 unchanged");
    expect((await service.client.limits.list({ limit_name: "Migrated Cap" })).items).toHaveLength(1);
    expect((await runCli(["destroy", "--yes"], shared, repo)).code).toBe(0);
  });
});
