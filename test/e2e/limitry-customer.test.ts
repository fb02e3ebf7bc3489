import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { limitry } from "../../provider/index.js";
import { Limitry } from "../../sdk/limitry/index.js";
import { buildApp } from "../../server/app.js";
import { openDatabase } from "../../server/db.js";
import { inlineStack } from "../support/pulumi.js";
import { testProfile } from "../support/serve-process.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

const env = useServiceAndBackend();
let api: Limitry | undefined;
const client = (): Limitry => {
  api ??= new Limitry({ apiKey: TEST_API_KEY, baseURL: `${env.service().url}/v1`, maxRetries: 0 });
  return api;
};
afterAll(async () => api?.close());

function stepsOf(events: EngineEvent[], resource: string): string[] {
  return events.flatMap((e) => {
    const meta = e.resOutputsEvent?.metadata;
    return meta?.urn.endsWith(`::${resource}`) ? [meta.op] : [];
  });
}

describe("limitry.Customer against the real engine", () => {
  test("create, in-place update of its windows, replace on externalId, destroy", async () => {
    let declared: limitry.CustomerArgs = { externalId: "cust_e2e", name: "Acme", timezone: "Europe/Paris" };
    const stack = await inlineStack(env.backend(), "limitry-customer", async () => {
      const customer = new limitry.Customer("acme", declared);
      return { id: customer.customerId, cycle: customer.effectiveBillingCycleStart };
    });
    await stack.setConfig("limitry:apiKey", { value: TEST_API_KEY, secret: true });
    await stack.setConfig("limitry:baseUrl", { value: `${env.service().url}/v1` });

    const created = await stack.up();
    const id = String(created.outputs["id"]?.value);
    expect(await client().customers.retrieve("cust_e2e")).toMatchObject({ id, name: "Acme", timezone: "Europe/Paris" });
    expect(created.outputs["cycle"]?.value).toEqual(expect.any(String));

    declared = { ...declared, timezone: "America/New_York", billingCycleStart: "2026-01-15T00:00:00Z" };
    const events: EngineEvent[] = [];
    await stack.up({ onEvent: (e) => events.push(e) });
    expect(stepsOf(events, "acme")).toEqual(["update"]);
    expect(await client().customers.retrieve(id)).toMatchObject({
      timezone: "America/New_York",
      billingCycleStart: "2026-01-15T00:00:00.000Z",
    });

    declared = { ...declared, externalId: "cust_e2e_2" };
    const replaced: EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => replaced.push(e) });
    expect(stepsOf(replaced, "acme")).toEqual(["create-replacement", "replace", "delete-replaced"]);
    await expect(client().customers.retrieve("cust_e2e")).rejects.toMatchObject({ code: "customer_not_found" });
    expect((await client().customers.retrieve("cust_e2e_2")).id).toBe(String(up.outputs["id"]?.value));

    await stack.destroy();
    await expect(client().customers.retrieve("cust_e2e_2")).rejects.toMatchObject({ code: "customer_not_found" });
  });
});

/** PIDs of the `pulumi up` processes the Automation API started on `backendUrl` (not another file's runs). */
function pulumiUpPids(backendUrl: string | undefined): number[] {
  return execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
    .split("\n")
    .filter((line) => /\bpulumi up\b/.test(line) && line.includes("--exec-kind auto.inline"))
    .map((line) => Number.parseInt(line.trim(), 10))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "latin1").includes(`PULUMI_BACKEND_URL=${backendUrl}\0`);
      } catch {
        return false;
      }
    });
}

describe("a run killed after Limitry made the customer, before the state recorded it", () => {
  // A service of this test's own, to act on the create's answer: its `onSend` hook runs after the create
  // committed and before the answer leaves, so killing the engine there loses an applied create, every time.
  let app: FastifyInstance;
  let url: string;
  let dir: string;
  /** Customer creates the service applied (a replayed answer is not one). */
  let applied = 0;
  let onCreated: (() => void) | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-customer-"));
    app = buildApp({ db: openDatabase(path.join(dir, "data")), apiKeys: [TEST_API_KEY], profile: testProfile() });
    app.addHook("onSend", async (request, reply, payload) => {
      const created = request.method === "POST" && request.url === "/v1/customers" && reply.statusCode === 201;
      if (created && reply.getHeader("idempotent-replayed") === undefined) {
        applied++;
        onCreated?.();
      }
      return payload;
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("the rerun takes over the customer it made: exactly one, held by the state", async () => {
    const stack = await inlineStack(env.backend(), "limitry-customer-crash", async () => {
      const customer = new limitry.Customer("acme", { externalId: "cust_crash", name: "Acme", timezone: "Europe/Paris" });
      return { id: customer.customerId };
    });
    await stack.setConfig("limitry:apiKey", { value: TEST_API_KEY, secret: true });
    await stack.setConfig("limitry:baseUrl", { value: url });
    const api = new Limitry({ apiKey: TEST_API_KEY, baseURL: url, maxRetries: 0 });
    const customersInState = async () =>
      ((await stack.exportStack()).deployment.resources as Array<{ type: string; id?: string }>)
        .filter((r) => r.type.endsWith("limitry:Customer") && r.id)
        .map((r) => r.id);
    try {
      let killed: number[] = [];
      onCreated = () => {
        killed = pulumiUpPids(env.backend().envVars["PULUMI_BACKEND_URL"]);
        for (const pid of killed) process.kill(pid, "SIGKILL");
      };
      const crashed = await stack.up().then(
        () => "completed",
        (error: unknown) => String(error),
      );
      onCreated = undefined;
      expect(killed).toHaveLength(1);
      expect(crashed).not.toBe("completed");
      const made = await api.customers.retrieve("cust_crash");
      expect(await customersInState()).toEqual([]);

      // The killed run left its lock behind.
      await stack.cancel();
      const rerun = await stack.up();
      expect(rerun.summary.result).toBe("succeeded");
      expect(rerun.outputs["id"]?.value).toBe(made.id);
      expect(await customersInState()).toEqual([made.id]);
      expect(applied).toBe(1);
      expect((await stack.preview()).changeSummary).toEqual({ same: 3 }); // the stack, its StackInstance, the customer

      await stack.destroy();
      await expect(api.customers.retrieve("cust_crash")).rejects.toMatchObject({ code: "customer_not_found" });
    } finally {
      await api.close();
    }
  });
});
