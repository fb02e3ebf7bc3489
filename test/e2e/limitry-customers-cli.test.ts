import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Limitry } from "../../sdk/limitry/index.js";
import { runCli } from "../support/cli.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

// Issue 24 item 4: customers declared in budgets.yaml, applied by the CLI on the local service.

const env = useServiceAndBackend();
let dir: string;
let limitry: Limitry;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-customers-cli-"));
  limitry = new Limitry({ apiKey: TEST_API_KEY, baseURL: `${env.service().url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await limitry.close();
  await rm(dir, { recursive: true, force: true });
});

function cliEnv(): Record<string, string> {
  return {
    LIMITRY_API_KEY: TEST_API_KEY,
    LIMITRY_BASE_URL: `${env.service().url}/v1`,
    PULUMI_CONFIG_PASSPHRASE: "cli-test",
  };
}

/** A budgets file: a meter named `meter`, the customers given, and a daily limit of 1,000 tokens for `limitFor`. */
function budgetsYaml(meter: string, customers: string[], limitFor: string): string {
  return [
    "limitry:",
    "  meters:",
    `    - { key: tokens, name: ${meter}, aggregation: sum, field: values.tokens }`,
    "  limits:",
    `    - { key: daily, name: Daily tokens, meter: tokens, limitValue: 1000, period: day, customerId: ${limitFor} }`,
    ...(customers.length ? ["  customers:", ...customers.map((c) => `    - ${c}`)] : []),
    "",
  ].join("\n");
}

const CUSTOMER_FIELDS = ["externalId", "name", "timezone", "billingCycleStart", "metadata"];

interface CustomerSteps {
  /** The engine's steps, in order (a replace is `create-replacement`, `replace`, `delete-replaced`). */
  ops: string[];
  /** The declared fields whose value differs between the old and the new inputs, `old → new`. */
  changed: Record<string, string>;
  /** Why the engine replaces it. */
  keys: string[];
}

/** The engine's steps for each Limitry customer resource, by resource name, from `--json` output. */
function customerSteps(stdout: string): Record<string, CustomerSteps> {
  const steps: Record<string, CustomerSteps> = {};
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line) as { resourcePreEvent?: { metadata?: automation.StepEventMetadata } };
    const step = event.resourcePreEvent?.metadata;
    // The refresh before each command reads every resource first; the plan is what follows.
    if (!step?.type.endsWith("/limitry:Customer") || step.op === "refresh") continue;
    const name = step.urn.slice(step.urn.lastIndexOf("::") + 2);
    const seen = steps[name] ?? { ops: [], changed: {}, keys: [] };
    steps[name] = seen;
    seen.ops.push(step.op);
    if (step.keys?.length) seen.keys = step.keys;
    for (const field of CUSTOMER_FIELDS) {
      const [before, after] = [step.old?.inputs[field], step.new?.inputs[field]];
      if (step.old && step.new && JSON.stringify(before) !== JSON.stringify(after))
        seen.changed[field] = `${String(before)} → ${String(after)}`;
    }
  }
  return steps;
}

/** The local time of day of an instant in a timezone, `hh:mm`. */
function localTime(epochSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    epochSeconds * 1000,
  );
}

describe("limitry.customers in budgets.yaml, through the CLI", () => {
  test("up creates a declared customer, a timezone change updates it in place, an externalId change replaces it, removing it deletes it; its limits apply throughout", async () => {
    const file = path.join(dir, "budgets.yaml");
    const common = ["-f", file, "--backend", env.backend().envVars["PULUMI_BACKEND_URL"] ?? "", "--stack", "customers"];
    const run = async (command: "preview" | "up", customers: string[], limitFor = "cust_cli") => {
      await writeFile(file, budgetsYaml("Tokens", customers, limitFor));
      const result = await runCli([command, ...common, "--json", ...(command === "up" ? ["--yes"] : [])], cliEnv(), dir);
      expect(result.code, result.stderr).toBe(0);
      return customerSteps(result.stdout);
    };
    const acme = (fields: string) => `{ key: acme, externalId: cust_cli, name: Acme, ${fields} }`;

    expect(await run("up", [acme("timezone: America/New_York, billingCycleStart: 2026-01-15T00:00:00Z")])).toEqual({
      "limitry-customer-acme": { ops: ["create"], changed: {}, keys: [] },
    });
    const created = await limitry.customers.retrieve("cust_cli");
    expect(created).toMatchObject({
      name: "Acme",
      timezone: "America/New_York",
      billingCycleStart: "2026-01-15T00:00:00.000Z",
    });
    await limitry.events.record({ customerId: "cust_cli", eventType: "llm.completion", values: { tokens: 1200 } });
    const [daily] = (await limitry.limits.check({ customerId: "cust_cli" })).limits;
    expect(daily).toMatchObject({ name: "Daily tokens", used: 1200, limit: 1000, exceeded: true });
    // The day window is the customer's: it ends at its local midnight.
    expect(localTime(daily?.reset ?? 0, "America/New_York")).toBe("00:00");
    const status = await runCli(["status", ...common, "--json"], cliEnv(), dir);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { limitry: Array<{ customerId: string }> }).limitry.map((r) => r.customerId)).toEqual([
      "cust_cli",
    ]);

    const tokyo = acme("timezone: Asia/Tokyo, billingCycleStart: 2026-01-15T00:00:00Z");
    const inPlace = { ops: ["update"], changed: { timezone: "America/New_York → Asia/Tokyo" }, keys: [] };
    expect(await run("preview", [tokyo])).toEqual({ "limitry-customer-acme": inPlace });
    expect(await run("up", [tokyo])).toEqual({ "limitry-customer-acme": inPlace });
    expect(await limitry.customers.retrieve("cust_cli")).toMatchObject({ id: created.id, timezone: "Asia/Tokyo" });
    const [moved] = (await limitry.limits.check({ customerId: "cust_cli" })).limits;
    expect(moved).toMatchObject({ used: 1200, exceeded: true });
    expect(localTime(moved?.reset ?? 0, "Asia/Tokyo")).toBe("00:00");

    const renamed =
      "{ key: acme, externalId: cust_cli_2, name: Acme, timezone: Asia/Tokyo, billingCycleStart: 2026-01-15T00:00:00Z }";
    expect(await run("preview", [renamed], "cust_cli_2")).toEqual({
      "limitry-customer-acme": {
        ops: ["create-replacement", "replace", "delete-replaced"],
        changed: { externalId: "cust_cli → cust_cli_2" },
        keys: ["externalId"],
      },
    });
    await run("up", [renamed], "cust_cli_2");
    await expect(limitry.customers.retrieve("cust_cli")).rejects.toMatchObject({ code: "customer_not_found" });
    expect(await limitry.customers.retrieve("cust_cli_2")).toMatchObject({ name: "Acme", timezone: "Asia/Tokyo" });
    await limitry.events.record({ customerId: "cust_cli_2", eventType: "llm.completion", values: { tokens: 300 } });
    expect((await limitry.limits.check({ customerId: "cust_cli_2" })).limits).toEqual([
      expect.objectContaining({ name: "Daily tokens", used: 300, exceeded: false }),
    ]);

    // Removed from the file: the customer is deleted; the limit, which names it by external id, stays and counts.
    expect(await run("up", ["cust_cli_2"], "cust_cli_2")).toEqual({
      "limitry-customer-acme": { ops: ["delete"], changed: {}, keys: [] },
    });
    await expect(limitry.customers.retrieve("cust_cli_2")).rejects.toMatchObject({ code: "customer_not_found" });
    expect((await limitry.limits.check({ customerId: "cust_cli_2" })).limits).toEqual([
      expect.objectContaining({ name: "Daily tokens", used: 300 }),
    ]);

    const destroyed = await runCli(["destroy", ...common, "--yes"], cliEnv(), dir);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect((await limitry.limits.list()).data).toEqual([]);
  });

  test("a customer Limitry already holds (made by its first event) is refused until adopt: true, then taken over with its usage", async () => {
    const file = path.join(dir, "adopt.yaml");
    const common = ["-f", file, "--backend", env.backend().envVars["PULUMI_BACKEND_URL"] ?? "", "--stack", "adopt"];
    await limitry.events.record({ customerId: "cust_first", eventType: "llm.completion", values: { tokens: 900 } });
    const existing = await limitry.customers.retrieve("cust_first");

    await writeFile(file, budgetsYaml("First tokens", ["{ externalId: cust_first, timezone: Europe/Paris }"], "cust_first"));
    const refused = await runCli(["up", ...common, "--yes"], cliEnv(), dir);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toContain(
      `creating Limitry customer 'cust_first': Limitry already holds a customer with this externalId (${existing.id}`,
    );
    expect(await limitry.customers.retrieve("cust_first")).toMatchObject({ timezone: null });

    await writeFile(
      file,
      budgetsYaml("First tokens", ["{ externalId: cust_first, timezone: Europe/Paris, adopt: true }"], "cust_first"),
    );
    const adopted = await runCli(["up", ...common, "--yes", "--json"], cliEnv(), dir);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(customerSteps(adopted.stdout)).toEqual({ "limitry-customer-cust-first": { ops: ["create"], changed: {}, keys: [] } });
    expect(await limitry.customers.retrieve("cust_first")).toMatchObject({ id: existing.id, timezone: "Europe/Paris" });
    const [daily] = (await limitry.limits.check({ customerId: "cust_first" })).limits;
    expect(daily).toMatchObject({ used: 900, limit: 1000, exceeded: false });
    expect(localTime(daily?.reset ?? 0, "Europe/Paris")).toBe("00:00");

    const clean = await runCli(["preview", ...common, "--json"], cliEnv(), dir);
    expect(clean.code, clean.stderr).toBe(0);
    expect(customerSteps(clean.stdout)).toEqual({ "limitry-customer-cust-first": { ops: ["same"], changed: {}, keys: [] } });
    const destroyed = await runCli(["destroy", ...common, "--yes"], cliEnv(), dir);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    await expect(limitry.customers.retrieve("cust_first")).rejects.toMatchObject({ code: "customer_not_found" });
  });
});
