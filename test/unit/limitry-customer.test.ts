import { describe, expect } from "vitest";
import { customerProvider } from "../../provider/limitry/customer-provider.js";
import type { Limitry } from "../../sdk/limitry/index.js";
import { test } from "../support/limitry-service.js";

// limitry.Customer's provider methods called directly against the real local service (no engine), and the
// service's customer update and delete.

describe("PUT and DELETE /v1/customers/{id} (the local service's)", () => {
  test("an update moves the customer's windows; a delete leaves its events and the next event re-creates it", async ({
    limitry,
  }) => {
    const { client } = limitry;
    const meter = await client.meters.create({ name: "T", aggregation: "sum", field: "values.tokens" });
    await client.limits.create({ name: "Daily", meterId: meter.id, limitValue: 100, period: "day", customerId: "acme" });
    const created = await client.customers.create({ externalId: "acme", timezone: "UTC" });
    // 02:00 UTC on the 10th is the evening of the 9th in New York.
    await client.events.record({ customerId: "acme", eventType: "x", values: { tokens: 5 }, timestamp: "2026-03-10T02:00:00Z" });
    expect((await client.limits.check({ customerId: "acme" })).limits[0]?.used).toBe(5);
    const updated = await client.customers.update("acme", { timezone: "America/New_York", metadata: { plan: "pro" } });
    expect(updated).toMatchObject({ id: created.id, timezone: "America/New_York", metadata: { plan: "pro" }, name: null });
    expect((await client.limits.check({ customerId: "acme" })).limits[0]?.used).toBe(0);
    await expect(client.customers.update("acme", { timezone: "Mars/Olympus" })).rejects.toMatchObject({ status: 400 });

    expect(await client.customers.delete(created.id)).toEqual({ success: true });
    await expect(client.customers.retrieve("acme")).rejects.toMatchObject({ code: "customer_not_found" });
    await client.events.record({ customerId: "acme", eventType: "x", values: { tokens: 1 } });
    expect((await client.customers.retrieve("acme")).id).not.toBe(created.id);
    expect((await client.meters.query(meter.id, { customerId: "acme" })).value).toBe(6);
  });
});

describe("limitry.Customer provider", () => {
  const acme = { externalId: "acme", name: "Acme", timezone: "Europe/Paris", billingCycleStart: "2026-01-15T00:00:00Z" };

  test("check names the property and the rule", async ({ limitry }) => {
    const p = customerProvider(() => limitry.client);
    expect(await p.check({}, { ...acme, timezone: "Mars/Olympus" })).toMatchObject({
      failures: [{ property: "timezone", reason: expect.stringContaining("timezone must be an IANA timezone name") }],
    });
    expect((await p.check({}, {})).failures?.[0]).toMatchObject({ property: "externalId" });
    expect(await p.check({}, acme)).toEqual({ inputs: acme });
  });

  test("create, read (drift), update in place, delete", async ({ limitry }) => {
    const { client } = limitry;
    const p = customerProvider(() => client);
    const { id, outs } = await p.create(acme);
    expect(outs).toMatchObject({ ...acme, customerId: id, effectiveBillingCycleStart: "2026-01-15T00:00:00.000Z" });
    expect(await p.diff(id, outs, acme)).toEqual({ changes: false });
    expect(await p.diff(id, outs, { ...acme, timezone: "UTC" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await p.diff(id, outs, { ...acme, externalId: "acme-2" })).toMatchObject({ replaces: ["externalId"] });

    const { outs: updated } = await p.update(id, outs, { ...acme, timezone: "UTC", name: undefined });
    expect(await client.customers.retrieve(id)).toMatchObject({ timezone: "UTC", name: null, externalId: "acme" });
    expect(updated.timezone).toBe("UTC");

    await client.customers.update(id, { name: "Renamed elsewhere" });
    const read = await p.read(id, updated);
    expect(read.inputs).toMatchObject({ externalId: "acme", name: "Renamed elsewhere", timezone: "UTC" });
    // Limitry answers the declared cycle as `…00.000Z`: the same instant reads back as declared, not as drift.
    expect(read.inputs?.billingCycleStart).toBe("2026-01-15T00:00:00Z");
    expect(await p.diff(id, updated, { ...updated, billingCycleStart: "2026-01-15T01:00:00+01:00" })).toEqual({ changes: false });

    await p.delete(id, updated);
    await expect(client.customers.retrieve(id)).rejects.toMatchObject({ code: "customer_not_found" });
    expect(await p.read(id, updated)).toEqual({});
    await p.delete(id, updated);
  });

  test("a customer Limitry already holds (made by its first event) is refused without adopt, converged with it", async ({
    limitry,
  }) => {
    const { client } = limitry;
    await client.events.record({ customerId: "acme", eventType: "x" });
    const p = customerProvider(() => client);
    await expect(p.create(acme)).rejects.toThrow(
      "creating Limitry customer 'acme': Limitry already holds a customer with this externalId",
    );
    const { id, outs } = await p.create({ ...acme, adopt: true });
    expect(id).toBe((await client.customers.retrieve("acme")).id);
    expect(outs).toMatchObject({ timezone: "Europe/Paris", effectiveBillingCycleStart: "2026-01-15T00:00:00.000Z" });
  });

  test("without a declared billing cycle, the one Limitry set is an output, not drift", async ({ limitry }) => {
    const p = customerProvider(() => limitry.client);
    const { id, outs } = await p.create({ externalId: "plain" });
    expect(outs.effectiveBillingCycleStart).toBe("2026-03-10T12:00:00.000Z");
    const read = await p.read(id, outs);
    // Left out, not undefined: the engine cannot serialize an undefined value (a refresh failed on it).
    expect(Object.keys(read.inputs ?? {})).toEqual(["externalId"]);
    expect(Object.keys(read.props ?? {})).not.toContain("billingCycleStart");
    expect(await p.diff(id, outs, { externalId: "plain" })).toEqual({ changes: false });
  });
});

describe("a customer create repeated by a rerun (idempotency key from the stack instance, the resource and its declaration)", () => {
  const acme = { externalId: "acme", name: "Acme", timezone: "Europe/Paris" };
  const stackA = { instance: "instance-a", idSeed: "organization/project/prod/acme" };
  const stackB = { instance: "instance-b", idSeed: "organization/project/prod/acme" };
  /** A fresh provider, as each run's provider process is. */
  const run = (client: Limitry) => customerProvider(() => client);
  const refusal = "creating Limitry customer 'acme': Limitry already holds a customer with this externalId";

  test("the rerun of a killed create takes over the customer it made, converging what changed since", async ({ limitry }) => {
    // Limitry made the customer; the run was killed before the state recorded it.
    const first = await run(limitry.client).create({ ...acme, ...stackA });
    await limitry.client.customers.update(first.id, { name: "Renamed elsewhere", timezone: null });
    const rerun = await run(limitry.client).create({ ...acme, ...stackA });
    expect(rerun.id).toBe(first.id);
    expect(await limitry.client.customers.retrieve("acme")).toMatchObject({
      id: first.id,
      name: "Acme",
      timezone: "Europe/Paris",
    });
  });

  test("one another stack instance made, or an earlier run made from another declaration, is refused with the adopt advice", async ({
    limitry,
  }) => {
    const theirs = await run(limitry.client).create({ ...acme, ...stackB });
    await expect(run(limitry.client).create({ ...acme, ...stackA })).rejects.toThrow(refusal);
    await expect(run(limitry.client).create({ ...acme, ...stackB, timezone: "UTC" })).rejects.toThrow(
      `(${theirs.id}, created ${theirs.outs.createdAt})`,
    );
    await expect(run(limitry.client).create({ ...acme, ...stackA })).rejects.toThrow("set adopt: true on this resource");
    const adopted = await run(limitry.client).create({ ...acme, ...stackA, timezone: "UTC", adopt: true });
    expect(adopted.id).toBe(theirs.id);
    expect(await limitry.client.customers.retrieve("acme")).toMatchObject({ id: theirs.id, timezone: "UTC" });
  });

  test("declared again after a destroy: the replayed answer names a deleted customer, so a new one is made, and its rerun takes that one", async ({
    limitry,
  }) => {
    const first = await run(limitry.client).create({ ...acme, ...stackA });
    await run(limitry.client).delete(first.id, first.outs);
    const again = await run(limitry.client).create({ ...acme, ...stackA });
    expect(again.id).not.toBe(first.id);
    expect(await run(limitry.client).create({ ...acme, ...stackA })).toMatchObject({ id: again.id });
    expect((await limitry.client.customers.retrieve("acme")).id).toBe(again.id);
  });

  test("a replacement that lands on the customer the replaced resource holds leaves it to the replacement", async ({
    limitry,
  }) => {
    // A forced replace of an unchanged declaration: its create is answered with the customer itself.
    const old = await run(limitry.client).create({ ...acme, ...stackA });
    const replacing = run(limitry.client);
    expect((await replacing.create({ ...acme, ...stackA })).id).toBe(old.id);
    await replacing.delete(old.id, old.outs);
    expect((await limitry.client.customers.retrieve("acme")).id).toBe(old.id);

    // Moved to another resource that adopts it: the removed resource's delete leaves it too.
    const moving = run(limitry.client);
    const moved = await moving.create({
      ...acme,
      instance: "instance-a",
      idSeed: "organization/project/prod/acme-2",
      adopt: true,
    });
    expect(moved.id).toBe(old.id);
    await moving.delete(old.id, old.outs);
    expect((await limitry.client.customers.retrieve("acme")).id).toBe(old.id);
  });
});
