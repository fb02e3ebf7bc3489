/**
 * `make demo`: start the local service, apply the demo program (Pulumi.yaml at the root runs
 * examples/multi-layer-budgets) with the real Pulumi engine, spend
 * through the SDK until the daily cap goes ok → exceeded → overrun, print the budget status, preview a
 * threshold change (a replace); then the same for Limitry (demo/limitry.ts: a customer goes from allowed to
 * not allowed); and stop the service cleanly.
 */
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { pulumiEnv, readEnvironment } from "../cli/environment.js";
import { packageRoot } from "../cli/node-path.js";
import { defaultBackend } from "../cli/workspace.js";
import { limitStatus, statusTable } from "../cli/status.js";
import { Payi } from "../sdk/index.js";
import { limitryDemo } from "./limitry.js";
import { linkPackage } from "../test/support/link-package.js";
import { spawnServe } from "../test/support/serve-process.js";

/** The local service's key for the demo; it guards nothing but a loopback port. */
const DEMO_API_KEY = "demo-local-key";

const heading = (text: string) => console.log(`\n\u001b[1m== ${text}\u001b[0m`);

async function main(): Promise<void> {
  const environment = readEnvironment(process.env);
  const root = packageRoot();
  linkPackage(path.join(root, "examples", "multi-layer-budgets"));
  heading("Starting the local Pay-i-compatible service");
  const service = await spawnServe({ dataDir: path.join(root, ".data"), apiKey: DEMO_API_KEY });
  console.log(`listening on ${service.url} (data in .data/)`);
  const client = new Payi({ apiKey: DEMO_API_KEY, baseURL: service.url });
  try {
    const stack = await automation.LocalWorkspace.createOrSelectStack(
      { stackName: "demo", workDir: root },
      {
        envVars: pulumiEnv({
          backend: defaultBackend(root),
          passphrase: environment.passphrase,
          apiKey: DEMO_API_KEY,
          baseUrl: service.url,
          nodePath: environment.nodePath,
        }),
      },
    );
    await stack.removeConfig("pulumi-limits-demo:dailyThreshold").catch(() => undefined);

    heading("pulumi up: the multi-layered budgets");
    const up = await stack.up({ refresh: true, onOutput: (s) => process.stdout.write(s) });
    const ids = up.outputs["limitIds"]?.value as { daily: string; monthly: string; premium: string };

    heading("New billing day: reset the limits");
    for (const id of Object.values(ids)) await client.limits.reset(id);
    console.log("daily, monthly and premium limits reset to $0");

    heading("Simulated premium-model traffic (claude-3-opus-20240229), charged to all three limits");
    let previous = "ok";
    for (let i = 1; i <= 12; i++) {
      const input = 150_000 + 7_919 * i;
      const output = 40_000 + 3_001 * i;
      const res = await client.ingest.units({
        category: "system.anthropic",
        resource: "claude-3-opus-20240229",
        units: { text: { input, output } },
        limit_ids: [ids.daily, ids.monthly, ids.premium],
        user_id: `user_${i}`,
      });
      const state = res.xproxy_result.limits?.[ids.daily]?.state ?? "?";
      const cost = res.xproxy_result.cost?.total?.base ?? 0;
      const change = state !== previous ? `   <- daily cap ${previous} -> ${state}` : "";
      console.log(
        `request ${String(i).padStart(2)}: ${input} in / ${output} out  cost $${cost.toFixed(5)}  daily cap: ${state}${change}`,
      );
      previous = state;
      if (state === "overrun") break;
    }

    heading("Budget status");
    const rows = [];
    for (const [key, id] of Object.entries(ids)) rows.push(limitStatus(key, (await client.limits.retrieve(id)).limit));
    console.log(statusTable(rows));

    heading("What a threshold change would do (preview only): Daily Safety Cap 90% -> 95%");
    await stack.setConfig("pulumi-limits-demo:dailyThreshold", { value: "0.95" });
    const preview = await stack.preview({ onOutput: (s) => process.stdout.write(s) });
    console.log(
      `\npreview: ${JSON.stringify(preview.changeSummary)} (a threshold cannot change in place: the limit is replaced)`,
    );
    await stack.removeConfig("pulumi-limits-demo:dailyThreshold");

    await limitryDemo({ root, serviceUrl: service.url, apiKey: DEMO_API_KEY, environment, heading });
  } finally {
    await client.close();
    heading("Stopping the service");
    const code = await service.stop();
    console.log(`service stopped (exit ${code})`);
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
