import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { parse } from "yaml";
import { POLICIES } from "../../policy/policies.js";

interface Job {
  if: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  steps: Array<{ run?: string; uses?: string; if?: string; with?: Record<string, unknown> }>;
}

const workflow = parse(
  readFileSync(path.resolve(__dirname, "..", "..", "examples", "github-actions", "budgets.yml"), "utf8"),
) as {
  on: Record<string, unknown>;
  concurrency?: unknown;
  env: Record<string, string>;
  jobs: Record<string, Job>;
};

const runs = (job: string) => (workflow.jobs[job]?.steps ?? []).flatMap((s) => (s.run ? [s.run] : []));

test("the workflow previews pull requests, applies merges and gates drift nightly", () => {
  expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
  expect(workflow.jobs["preview"]?.if).toContain("pull_request");
  expect(runs("preview").at(-1)).toMatch(/^npx pulumi-limits preview -f budgets\.yaml/);
  expect(runs("apply").at(-1)).toMatch(/^npx pulumi-limits up -f budgets\.yaml .*--yes$/);
  expect(workflow.jobs["drift"]?.if).toContain("schedule");
  expect(runs("drift").at(-1)).toMatch(/^npx pulumi-limits drift -f budgets\.yaml/);
});

test("every job shares one stack in PostgreSQL, its URL and the passphrase coming from secrets", () => {
  expect(workflow.env).toMatchObject({
    PULUMI_BACKEND_URL: "${{ secrets.PULUMI_BACKEND_URL }}",
    PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    PAYI_API_KEY: "${{ secrets.PAYI_API_KEY }}",
  });
  for (const job of ["preview", "apply", "drift"]) {
    expect(runs(job).at(-1)).toMatch(/--stack prod\b/);
    expect(runs(job).join("\n")).not.toContain("--backend");
    const pulumi = workflow.jobs[job]?.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi?.with?.["pulumi-version"], job).toBe("3.259.0");
  }
  expect(readFileSync(path.resolve(__dirname, "..", "..", "examples", "github-actions", "README.md"), "utf8")).toContain(
    "postgres://",
  );
});

test("applies queue in one group across refs and are never cancelled; previews and drift stay out of it", () => {
  expect(workflow.concurrency).toBeUndefined();
  const apply = workflow.jobs["apply"]?.concurrency;
  expect(apply?.["cancel-in-progress"]).toBe(false);
  expect(apply?.group).not.toMatch(/github\.(ref|sha|run_id|head_ref)/);
  const preview = workflow.jobs["preview"]?.concurrency;
  expect(preview).toEqual({ group: expect.stringContaining("${{ github.ref }}"), "cancel-in-progress": true });
  expect(workflow.jobs["drift"]?.concurrency?.group).toBeDefined();
  expect(workflow.jobs["drift"]?.concurrency?.group).not.toBe(apply?.group);
  expect(preview?.group).not.toBe(apply?.group);
});

test("the pull-request plan is posted as a comment, and a nightly job carries out the declared resets", () => {
  const preview = workflow.jobs["preview"]?.steps ?? [];
  const plan = runs("preview").find((r) => r.startsWith("npx pulumi-limits preview"));
  expect(plan).toMatch(/--summary plan\.md$/);
  expect(preview.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment"))?.with?.["path"]).toBe("plan.md");
  const crons = (workflow.on["schedule"] as Array<{ cron: string }>).map((s) => s.cron);
  expect(workflow.jobs["reset"]?.if).toBe(`github.event.schedule == '${crons[0]}'`);
  expect(workflow.jobs["reset"]?.concurrency).toEqual({ group: "budgets-reset", "cancel-in-progress": false });
  expect(runs("reset").at(-1)).toBe("npx pulumi-limits reset --due -f budgets.yaml --stack prod");
  expect(workflow.jobs["drift"]?.if).toBe(`github.event.schedule == '${crons[1]}'`);
});

test("previews and applies run the shipped policy pack with the repository's policy config", () => {
  for (const job of ["preview", "apply"]) {
    expect(runs(job).at(-1), job).toContain('--policy-pack "$(npx pulumi-limits policy-pack)"');
    expect(runs(job).at(-1), job).toContain("--policy-pack-config budgets-policy.json");
  }
  const config = JSON.parse(
    readFileSync(path.resolve(__dirname, "..", "..", "examples", "github-actions", "budgets-policy.json"), "utf8"),
  ) as Record<string, unknown>;
  expect(Object.keys(config).sort()).toEqual(POLICIES.map((p) => p.name).sort());
  // A plan stopped by a mandatory violation still reaches the pull request.
  const comment = workflow.jobs["preview"]?.steps.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment"));
  expect(comment).toMatchObject({ if: expect.stringContaining("!cancelled()") });
});
