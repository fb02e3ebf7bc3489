import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { Limit } from "../../provider/index.js";
import { inlineStack } from "../support/pulumi.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

const env = useServiceAndBackend();

/** PIDs of running `pulumi up` processes the Automation API started on this test's backend (not another run's). */
function pulumiUpPids(backendDir: string): number[] {
  const ps = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return ps
    .split("\n")
    .filter((line) => /\bpulumi up\b/.test(line) && line.includes("--exec-kind auto.inline"))
    .map((line) => Number.parseInt(line.trim(), 10))
    .filter((pid) => environOf(pid).includes(`PULUMI_BACKEND_URL=file://${backendDir}`));
}

function environOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, "latin1");
  } catch {
    return "";
  }
}

test("killing `pulumi up` mid-create, then cancel and rerun, leaves exactly the declared limits", async () => {
  const declared = Array.from({ length: 20 }, (_, i) => `Team ${String(i).padStart(2, "0")} Budget`);
  const stack = await inlineStack(env.backend(), "crash", async () => {
    declared.forEach((name, i) => new Limit(`team-${i}`, { limitName: name, max: 100 + i, threshold: 0.8 }));
  });
  await stack.setConfig("payi:apiKey", { value: TEST_API_KEY, secret: true });
  await stack.setConfig("payi:baseUrl", { value: env.service().url });

  let killed: number[] = [];
  const crashed = await stack
    .up({
      onEvent: (event) => {
        const meta = event.resourcePreEvent?.metadata;
        if (killed.length === 0 && meta?.op === "create" && meta.type.endsWith(":Limit")) {
          killed = pulumiUpPids(env.backend().dir);
          for (const pid of killed) process.kill(pid, "SIGKILL");
        }
      },
    })
    .then(
      () => "completed",
      (error: unknown) => String(error),
    );
  expect(killed.length).toBe(1);
  expect(crashed).not.toBe("completed");

  const before: string[] = [];
  for await (const l of env.service().client.limits.list()) before.push(l.limit_name);
  // Typically a few limits exist on the service that the killed run never recorded in state.
  expect(before.length).toBeLessThan(declared.length);

  // The killed run left its lock (and possibly pending creates) behind.
  await stack.cancel().catch(() => undefined);
  const rerun = await stack.up();
  expect(rerun.summary.result).toBe("succeeded");

  const after: string[] = [];
  for await (const l of env.service().client.limits.list()) after.push(l.limit_name);
  expect(after.sort()).toEqual(declared);
  expect((await stack.preview()).changeSummary).toEqual({ same: 22 }); // 20 limits, the stack and its StackInstance identity
  await stack.destroy();
});
