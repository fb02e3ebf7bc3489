import { describe, expect } from "vitest";
import { deterministicLimitId, type LimitOutputs, limitProvider } from "../../provider/payi/limit-provider.js";
import { checkInputs, LimitInputsObject, LimitInputsSchema, type LimitInputs } from "../../provider/payi/inputs.js";
import { useCaseDefinitionProvider, useCaseLimitConfigProvider } from "../../provider/payi/use-case-providers.js";
import { ownerRecordOf, withoutOwner } from "../../provider/ownership.js";
import { startService, test, type ServiceFixture } from "../support/service.js";

// Provider methods called directly against the real local service (no engine).
/** The owner `base` names: its id seed's stack and resource, and its stack instance. */
const owner = { stack: "org/p/s", instance: "instance-1", resource: "monthly" };
const base: LimitInputs = {
  limitName: "Monthly Budget",
  max: 100,
  limitType: "allow",
  threshold: 0.8,
  properties: {},
  adopt: false,
  idSeed: "org/p/s/monthly",
  instance: owner.instance,
  replaceOnChanges: [],
};

describe("check", () => {
  const check = (news: Record<string, unknown>) => checkInputs(LimitInputsObject, news, LimitInputsSchema);

  test.for([
    [{ ...base, threshold: 0.5 }, "threshold", "threshold must be between 0.75 and 0.99 (got 0.5)"],
    [{ ...base, threshold: 1.01 }, "threshold", "threshold must be between 0.75 and 0.99 (got 1.01)"],
    [{ ...base, max: 0 }, "max", "max must be greater than 0 (got 0)"],
    [{ ...base, max: "10" }, "max", 'max: must be a number, got the string "10"'],
    [{ ...base, limitName: "" }, "limitName", "limitName must not be empty (got '')"],
    [{ ...base, limitName: undefined }, "limitName", "limitName: limitName is required and must be a string"],
    [{ ...base, limitType: "deny" }, "limitType", 'limitType: expected one of "allow"|"block"'],
    [{ ...base, properties: { team: 1 } }, "properties", "properties.team: values must be strings, got the number 1"],
    [{ ...base, adopt: "yes" }, "adopt", 'adopt: must be true or false, got the string "yes"'],
  ] as const)("fails %#: %s names the property and the rule", ([news, property, reason]) => {
    const result = check(news as Record<string, unknown>);
    expect(result.failures).toEqual([{ property, reason }]);
  });

  test("threshold 1.0 is Pay-i's documented default: declarable, and stored as no threshold", () => {
    const { threshold: _unset, ...unset } = base;
    expect(check({ ...base, threshold: 1 })).toEqual(check(unset));
    expect(check({ ...base, threshold: 1 }).failures).toBeUndefined();
  });

  test("leaves the local service's storage caps to the service (real Pay-i has its own)", () => {
    expect(check({ ...base, max: 2e8 }).failures).toBeUndefined();
  });

  test("canonicalises numbers so equal values never diff, applies defaults and leaves unknowns alone", () => {
    const result = check({
      limitName: "x",
      max: 0.1 + 0.2,
      threshold: 0.8,
      idSeed: "s",
      instance: base.instance,
      __provider: "code",
    });
    expect(result).toEqual({
      inputs: {
        limitName: "x",
        max: 0.3,
        limitType: "allow",
        threshold: 0.8,
        properties: {},
        adopt: false,
        idSeed: "s",
        instance: base.instance,
      },
    });
    const unknown = { ...base, max: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" };
    expect(check(unknown)).toEqual({ inputs: unknown });
  });
});

describe("diff, create, read, update, delete", () => {
  const outputsOf = async (p: ReturnType<typeof limitProvider>, inputs: LimitInputs) => {
    const created = await p.create(inputs);
    return { id: created.id, olds: created.outs };
  };

  test("no change → changes false; name, max, properties → update; type, threshold, id → replace", async ({ service }) => {
    const p = limitProvider(() => service.client);
    const { id, olds } = await outputsOf(p, base);
    expect(id).toBe(deterministicLimitId(base));
    expect(await p.diff(id, olds, base)).toEqual({ changes: false });
    // Computed outputs (spend, state, timestamps) are ignored; so is a limitId the user never declared.
    expect(await p.diff(id, { ...olds, spendUsd: 5, state: "exceeded" }, base)).toEqual({ changes: false });
    for (const change of [{ limitName: "Renamed" }, { max: 200 }, { properties: { team: "ml" } }]) {
      expect(await p.diff(id, olds, { ...base, ...change })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
    // Same name: delete first (names are unique). New name too: create first.
    expect(await p.diff(id, olds, { ...base, threshold: 0.9 })).toEqual({
      changes: true,
      replaces: ["threshold"],
      deleteBeforeReplace: true,
    });
    expect(await p.diff(id, olds, { ...base, limitType: "block" })).toEqual({
      changes: true,
      replaces: ["limitType"],
      deleteBeforeReplace: true,
    });
    expect(await p.diff(id, olds, { ...base, limitId: "explicit" })).toEqual({
      changes: true,
      replaces: ["limitId"],
      deleteBeforeReplace: true,
    });
    expect(await p.diff(id, olds, { ...base, limitType: "block", limitName: "Other" })).toEqual({
      changes: true,
      replaces: ["limitType"],
      deleteBeforeReplace: false,
    });
  });

  test("an unset threshold read back as 1.0 (Pay-i's default) is no change in refresh and diff, and no replace", async ({
    service,
  }) => {
    const p = limitProvider(() => service.client);
    const { threshold: _unset, ...unset } = base;
    const { id, olds } = await outputsOf(p, unset);
    // The limit as a service that fills in the default answers it.
    await service.client.limits.delete(id);
    await service.client.limits.create({ limit_id: id, limit_name: base.limitName, max: base.max, threshold: 1 });
    const read = await p.read(id, olds);
    expect(read.inputs).not.toHaveProperty("threshold");
    expect(read.props).not.toHaveProperty("threshold");
    expect(await p.diff(id, read.props ?? olds, unset)).toEqual({ changes: false });
    // Declaring 1.0 is declaring the default: the same limit, no change.
    expect(await p.diff(id, olds, { ...unset, threshold: undefined })).toEqual({ changes: false });
  });

  test("a max below current spend fails in diff, naming the spend", async ({ service }) => {
    const p = limitProvider(() => service.client);
    const { id, olds } = await outputsOf(p, base);
    await service.client.ingest.units({
      category: "system.openai",
      resource: "gpt-4o",
      units: { text: { input: 2_000_000, output: 0 } },
      limit_ids: [id],
    });
    await expect(p.diff(id, olds, { ...base, max: 4 })).rejects.toThrow("max 4 is below its current spend of $5.00000");
    expect(await p.diff(id, olds, { ...base, max: 6 })).toMatchObject({ changes: true, replaces: [] });
  });

  test("create is idempotent with the same deterministic id (a retried or crashed create converges)", async ({ service }) => {
    const p = limitProvider(() => service.client);
    const first = await p.create(base);
    const again = await p.create(base);
    expect(again.id).toBe(first.id);
    // Even when max changed in between, the limit with our id is taken back and converged.
    const changed = await p.create({ ...base, max: 150 });
    expect(changed.id).toBe(first.id);
    expect((await service.client.limits.retrieve(first.id)).limit.max).toBe(150);
    expect((await service.client.limits.list()).items).toHaveLength(1);
  });

  test("someone else's limit with the name: refused without adopt, taken over with it; immutable mismatch refused", async ({
    service,
  }) => {
    const p = limitProvider(() => service.client);
    const theirs = (
      await service.client.limits.create({
        limit_name: "Monthly Budget",
        max: 10,
        threshold: 0.8,
        properties: { owner: "script" },
      })
    ).limit;
    await expect(p.create(base)).rejects.toThrow(
      `a limit named 'Monthly Budget' already exists in Pay-i (limit_id '${theirs.limit_id}'). To manage it with Pulumi, set adopt: true`,
    );
    await expect(p.create({ ...base, adopt: true, threshold: 0.9 })).rejects.toThrow(
      `cannot adopt limit 'Monthly Budget' (${theirs.limit_id}): threshold (existing 0.8, declared 0.9) differ`,
    );
    const adopted = await p.create({ ...base, adopt: true, properties: { owner: "pulumi" } });
    expect(adopted.id).toBe(theirs.limit_id);
    expect((await service.client.limits.retrieve(theirs.limit_id)).limit).toMatchObject({
      max: 100,
      properties: { owner: "pulumi" },
    });
  });

  test("read reports drift as inputs, and drops a deleted limit; update sends only what changed; delete tolerates 404", async ({
    service,
  }) => {
    const p = limitProvider(() => service.client);
    const { id, olds } = await outputsOf(p, { ...base, properties: { team: "ml", env: "prod" } });
    await service.client.limits.update(id, { max: 500 });
    const read = await p.read(id, olds);
    expect(read.inputs).toMatchObject({ max: 500, limitName: "Monthly Budget", threshold: 0.8 });
    expect(read.inputs).not.toHaveProperty("limitId");

    // Only the properties differ: exactly one write, to the properties route (the service logs every request).
    const logged = service.logs.length;
    const updated = await p.update(id, { ...olds, max: 500 }, { ...base, max: 500, properties: { team: "ml" } });
    expect(updated.outs).toMatchObject({ max: 500, properties: { team: "ml" } });
    // The declared properties, beside the owner record (see provider/ownership.ts).
    const stored = (await service.client.limits.retrieve(id)).limit.properties ?? {};
    expect(withoutOwner(stored)).toEqual({ team: "ml" });
    expect(ownerRecordOf(stored)).toMatchObject(owner);
    const writes = service.logs.slice(logged).filter((line) => !line.startsWith("GET "));
    expect(writes.map((line) => line.split(" ").slice(0, 3).join(" "))).toEqual([`PUT /api/v1/limits/${id}/properties 200`]);

    await p.delete(id, olds);
    expect(await p.read(id, olds)).toEqual({});
    await expect(p.delete(id, olds)).resolves.toBeUndefined();
  });
});

describe("import: read with the identity only (a provider plugin's pulumi import)", () => {
  const identity = { idSeed: base.idSeed, instance: owner.instance } as unknown as LimitOutputs;
  const record = (instance: string, resource: string) =>
    JSON.stringify({ stack: "org/p/s", instance, resource, generation: "g-1" });

  test("brings in a limit nobody manages, or this resource's own record (keeping its generation)", async ({ service }) => {
    const p = limitProvider(() => service.client);
    const { limit: free } = await service.client.limits.create({ limit_name: "Free", max: 5, properties: { team: "ml" } });
    const read = await p.read(free.limit_id, identity);
    expect(read.inputs).toMatchObject({ limitName: "Free", max: 5, limitId: free.limit_id, properties: { team: "ml" } });
    expect(read.props?.generation).toBeUndefined();
    const { limit: mine } = await service.client.limits.create({
      limit_name: "Mine",
      max: 5,
      properties: { "pulumi-limits.owner": record(owner.instance, "monthly") },
    });
    expect((await p.read(mine.limit_id, identity)).props?.generation).toBe("g-1");
  });

  test("refuses a limit another stack instance or another resource manages, saying whose", async ({ service }) => {
    const p = limitProvider(() => service.client);
    const { limit: theirs } = await service.client.limits.create({
      limit_name: "Theirs",
      max: 5,
      properties: { "pulumi-limits.owner": record("instance-2", "their-cap") },
    });
    await expect(p.read(theirs.limit_id, identity)).rejects.toThrow(
      /managed by resource 'their-cap' of another stack instance \(stack org\/p\/s, instance instance-2\)/,
    );
    const { limit: sibling } = await service.client.limits.create({
      limit_name: "Sibling",
      max: 5,
      properties: { "pulumi-limits.owner": record(owner.instance, "other-cap") },
    });
    await expect(p.read(sibling.limit_id, identity)).rejects.toThrow(/managed by resource 'other-cap' of this stack/);
  });

  test("refuses where Pay-i returns no properties (strict profile): no owner record can be read", async () => {
    const service = await startService({ profile: "strict" });
    try {
      const { limit } = await service.client.limits.create({ limit_name: "Unechoed", max: 5 });
      await expect(limitProvider(() => service.client).read(limit.limit_id, identity)).rejects.toThrow(
        `limit 'Unechoed' (${limit.limit_id}) cannot be imported: Pay-i did not return its properties`,
      );
    } finally {
      await service.stop();
    }
  });
});

describe("import of a use case's limit config: read with the owner only", () => {
  const importer = { owner: { ...owner, resource: "bot-limit" } } as unknown as Parameters<
    ReturnType<typeof useCaseLimitConfigProvider>["read"]
  >[1];
  const record = (instance: string, resource: string) =>
    JSON.stringify({ stack: "org/p/s", instance, resource, generation: "g-7" });
  const define = (service: ServiceFixture, name: string, properties: Record<string, string>) =>
    service.client.useCases.definitions.create({ name, description: name, limit_config: { max: 0.05, properties } });

  test("brings in a config nobody manages, or this resource's own (keeping its generation)", async ({ service }) => {
    const configs = useCaseLimitConfigProvider(() => service.client);
    await define(service, "free_bot", { tier: "free" });
    const free = await configs.read("free_bot", importer);
    expect(free.props).toMatchObject({ useCaseName: "free_bot", max: 0.05 });
    expect(free.props?.generation).toBeUndefined();
    await define(service, "own_bot", { "pulumi-limits.owner": record(owner.instance, "bot-limit") });
    expect((await configs.read("own_bot", importer)).props?.generation).toBe("g-7");
  });

  test("refuses a config another stack instance or another resource manages, saying whose", async ({ service }) => {
    const configs = useCaseLimitConfigProvider(() => service.client);
    await define(service, "their_bot", { "pulumi-limits.owner": record("instance-2", "their-limit") });
    await expect(configs.read("their_bot", importer)).rejects.toThrow(
      /managed by resource 'their-limit' of another stack instance \(stack org\/p\/s, instance instance-2\)/,
    );
    await define(service, "sibling_bot", { "pulumi-limits.owner": record(owner.instance, "other-limit") });
    await expect(configs.read("sibling_bot", importer)).rejects.toThrow(/managed by resource 'other-limit' of this stack/);
  });
  test("refuses a config whose properties Pay-i returns as null (its model allows it): no owner record can be read", async ({
    service,
  }) => {
    await service.client.useCases.definitions.create({ name: "quiet_bot", description: "quiet", limit_config: { max: 0.05 } });
    expect((await service.client.useCases.definitions.retrieve("quiet_bot")).limit_config?.properties ?? null).toBeNull();
    await expect(useCaseLimitConfigProvider(() => service.client).read("quiet_bot", importer)).rejects.toThrow(
      "the limit config of use case 'quiet_bot' cannot be imported: Pay-i did not return its properties",
    );
  });
});

describe("provider version", () => {
  test("a stub newer than the installed runtime is refused with what to do", async () => {
    const { provider } = await import("../../provider/runtime.js");
    const { PROVIDER_VERSION } = await import("../../provider/version.js");
    expect(() => provider("limit", PROVIDER_VERSION + 1)).toThrow(
      `This stack was last updated with a newer pulumi-limits (provider v${PROVIDER_VERSION + 1}) than the one installed (v${PROVIDER_VERSION}); upgrade pulumi-limits.`,
    );
    expect(Object.keys(provider("limit", PROVIDER_VERSION)).sort()).toEqual([
      "check",
      "configure",
      "create",
      "delete",
      "diff",
      "read",
      "update",
    ]);
  });
});

describe("use-case providers", () => {
  test("definition: name replaces, description updates; limit config: type and threshold replace (written over the old config, never deleting it first), max and properties update; 404s are gone", async ({
    service,
  }) => {
    const defs = useCaseDefinitionProvider(() => service.client);
    const def = {
      name: "teach_me",
      description: "Tutoring",
      adopt: false,
      owner: { ...owner, resource: "teach" },
      replaceOnChanges: [],
    };
    const created = await defs.create(def);
    expect(created).toEqual({ id: "teach_me", outs: def });
    expect(await defs.diff("teach_me", created.outs, def)).toEqual({ changes: false, replaces: [] });
    expect(await defs.diff("teach_me", created.outs, { ...def, description: "New" })).toEqual({ changes: true, replaces: [] });
    expect(await defs.diff("teach_me", created.outs, { ...def, name: "teach_you" })).toEqual({
      changes: true,
      replaces: ["name"],
    });

    const configs = useCaseLimitConfigProvider(() => service.client);
    const config = {
      useCaseName: "teach_me",
      max: 0.05,
      limitType: "allow" as const,
      threshold: 0.8,
      properties: {},
      adopt: false,
      owner: { ...owner, resource: "teach-limit" },
      replaceOnChanges: [],
    };
    const c = await configs.create(config);
    expect(await configs.diff("teach_me", c.outs, { ...config, max: 0.1 })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await configs.diff("teach_me", c.outs, { ...config, properties: { team: "edu" } })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await configs.diff("teach_me", c.outs, { ...config, limitType: "block" })).toEqual({
      changes: true,
      replaces: ["limitType"],
      deleteBeforeReplace: false,
    });
    expect(await configs.diff("teach_me", c.outs, { ...config, threshold: 0.9, max: 0.1 })).toEqual({
      changes: true,
      replaces: ["threshold"],
      deleteBeforeReplace: false,
    });
    expect(await configs.diff("teach_me", c.outs, { ...config, useCaseName: "teach_you" })).toEqual({
      changes: true,
      replaces: ["useCaseName"],
      deleteBeforeReplace: false,
    });
    expect(await configs.diff("teach_me", c.outs, config)).toEqual({ changes: false });
    // The engine's replace, create first: the new config overwrites the old in place, and the old resource's
    // delete leaves it (another generation holds it), so the use case never lacks a limit config.
    const replacement = await configs.create({ ...config, limitType: "block" });
    await configs.delete("teach_me", c.outs);
    expect((await service.client.useCases.definitions.retrieve("teach_me")).limit_config).toMatchObject({
      limit_type: "block",
      max: 0.05,
    });
    await configs.update("teach_me", replacement.outs, { ...config, max: 0.1 });
    expect((await service.client.useCases.definitions.retrieve("teach_me")).limit_config?.max).toBe(0.1);
    await configs.delete("teach_me", replacement.outs);
    expect(await configs.read("teach_me", c.outs)).toEqual({});

    await defs.delete("teach_me", created.outs);
    expect(await defs.read("teach_me", created.outs)).toEqual({});
    await expect(defs.delete("teach_me", created.outs)).resolves.toBeUndefined();
    await expect(configs.delete("teach_me", c.outs)).resolves.toBeUndefined();
  });
});
