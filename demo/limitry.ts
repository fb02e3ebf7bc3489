/**
 * The Limitry part of `make demo`: apply examples/limitry-meters (seed 003's meter, daily limit with alerts,
 * GPT-4 limit) to the local service's `/v1`, then follow Limitry's "check → request → record" pattern for one
 * customer until `limits.check` says no, show the alerts the service recorded, and remove the stack.
 */
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { pulumiEnv, type CliEnvironment } from "../cli/environment.js";
import { defaultBackend } from "../cli/workspace.js";
import { Limitry } from "../sdk/limitry/index.js";
import { linkPackage } from "../test/support/link-package.js";

export interface LimitryDemoOptions {
  root: string;
  serviceUrl: string;
  apiKey: string;
  environment: CliEnvironment;
  heading(text: string): void;
}

/** Tokens one simulated GPT-4 request uses. */
const TOKENS_PER_REQUEST = 12_000;

export async function limitryDemo(o: LimitryDemoOptions): Promise<void> {
  const workDir = path.join(o.root, "examples", "limitry-meters");
  linkPackage(workDir);
  const baseURL = `${o.serviceUrl}/v1`;
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: "demo", workDir },
    {
      envVars: pulumiEnv({
        backend: defaultBackend(o.root),
        passphrase: o.environment.passphrase,
        nodePath: o.environment.nodePath,
        limitryApiKey: o.apiKey,
        limitryBaseUrl: baseURL,
      }),
    },
  );
  // Usage is counted from events, which stay in .data between runs: a new customer per run starts at 0.
  const customerId = `cust_demo_${Date.now().toString(36)}`;
  await stack.setConfig("customerId", { value: customerId });
  const client = new Limitry({ apiKey: o.apiKey, baseURL });
  try {
    o.heading("pulumi up: Limitry meter and limits (examples/limitry-meters, seed 003)");
    await stack.up({ onOutput: (s) => process.stdout.write(s) });

    o.heading(`Customer ${customerId} asks for GPT-4 requests: check, then call, then record`);
    for (let request = 1; ; request++) {
      const check = await client.limits.check({ customerId, dimensions: { model: "gpt-4" } });
      const standing = check.limits
        .map((l) => `${l.name} ${l.used.toLocaleString("en-US")}/${l.limit.toLocaleString("en-US")}`)
        .join(", ");
      if (!check.allowed) {
        const over = check.limits.filter((l) => l.exceeded).map((l) => l.name);
        console.log(
          `request ${String(request).padStart(2)}: NOT ALLOWED (${over.join(", ")} reached; resets ${resetText(check.limits[0]?.reset ?? null)})  [${standing}]`,
        );
        break;
      }
      await client.events.record({
        customerId,
        eventType: "llm.completion",
        values: { tokens: TOKENS_PER_REQUEST },
        dimensions: { model: "gpt-4" },
      });
      console.log(
        `request ${String(request).padStart(2)}: allowed -> recorded ${TOKENS_PER_REQUEST.toLocaleString("en-US")} tokens  [${standing}]`,
      );
    }

    o.heading("Alerts the service recorded (Limitry would send these to your webhooks)");
    for await (const alert of client.alerts.list({ customerId })) {
      console.log(
        `${alert.event}: ${alert.data.limitName} at ${alert.data.threshold}% (${alert.data.currentUsage.toLocaleString("en-US")}/${alert.data.limit.toLocaleString("en-US")})`,
      );
    }

    o.heading("pulumi destroy: the Limitry demo stack");
    await stack.destroy({ onOutput: (s) => process.stdout.write(s) });
  } finally {
    await client.close();
  }
}

function resetText(reset: number | null): string {
  return reset === null ? "never" : new Date(reset * 1000).toISOString();
}
