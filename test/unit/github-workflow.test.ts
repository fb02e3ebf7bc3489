import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { parse } from "yaml";

const workflow = parse(readFileSync(path.resolve(__dirname, "..", "..", "examples", "github-actions", "budgets.yml"), "utf8")) as {
  on: Record<string, unknown>;
  jobs: Record<string, { if: string; steps: Array<{ run?: string }> }>;
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
