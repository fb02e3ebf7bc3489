import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import type { Customer, CustomerArgs } from "../../provider/limitry/customer.js";
import { CUSTOMER_REPLACING, customerProvider } from "../../provider/limitry/customer-provider.js";
import { limitryClientFromConfig } from "../../provider/limitry/client.js";
import { checkLimit, checkMeter } from "../../provider/limitry/inputs.js";
import type { Limit as LimitryLimit, LimitArgs as LimitryLimitArgs } from "../../provider/limitry/limit.js";
import type { Meter, MeterArgs } from "../../provider/limitry/meter.js";
import { LIMIT_REPLACING as LIMITRY_LIMIT_REPLACING, METER_REPLACING } from "../../provider/limitry/providers.js";
import { clientFromConfig } from "../../provider/payi/client.js";
import {
  LimitInputsObject,
  UseCaseDefinitionInputsSchema,
  UseCaseLimitConfigInputsSchema,
  checkInputs,
} from "../../provider/payi/inputs.js";
import type { Limit, LimitArgs } from "../../provider/payi/limit.js";
import { LIMIT_REPLACING } from "../../provider/payi/limit-provider.js";
import type { UseCaseDefinition, UseCaseDefinitionArgs } from "../../provider/payi/use-case-definition.js";
import type { UseCaseLimitConfig, UseCaseLimitConfigArgs } from "../../provider/payi/use-case-limit-config.js";
import { CONFIG_REPLACING, DEFINITION_REPLACING } from "../../provider/payi/use-case-providers.js";

const ROOT = path.resolve(__dirname, "..", "..");

// The slice of a Pulumi package schema these tests read (https://www.pulumi.com/docs/iac/guides/building-extending/packages/schema/).
const Property = z.looseObject({
  type: z.string().optional(),
  $ref: z.string().optional(),
  description: z.string().optional(),
  secret: z.boolean().optional(),
  willReplaceOnChanges: z.boolean().optional(),
  defaultInfo: z.object({ environment: z.array(z.string()) }).optional(),
});
const Properties = z.record(z.string(), Property);
const PackageSchema = z.object({
  name: z.string(),
  version: z.string(),
  config: z.object({ variables: Properties }),
  provider: z.object({ description: z.string(), inputProperties: Properties }),
  types: z.record(
    z.string(),
    z.object({
      type: z.string(),
      description: z.string().optional(),
      properties: Properties.optional(),
      required: z.array(z.string()).optional(),
      enum: z.array(z.object({ name: z.string().optional(), value: z.string(), description: z.string().optional() })).optional(),
    }),
  ),
  resources: z.record(
    z.string(),
    z.object({
      description: z.string().optional(),
      inputProperties: Properties,
      requiredInputs: z.array(z.string()).default([]),
      properties: Properties,
      required: z.array(z.string()).default([]),
    }),
  ),
  language: z.looseObject({
    nodejs: z.looseObject({ packageName: z.string() }),
    python: z.looseObject({ packageName: z.string() }),
    go: z.looseObject({ importBasePath: z.string() }),
    csharp: z.looseObject({ rootNamespace: z.string() }),
  }),
});
type PackageSchema = z.infer<typeof PackageSchema>;

const schemaFile = (pkg: string) => path.join(ROOT, "schema", `${pkg}.json`);
const rawSchema = (pkg: string): unknown => JSON.parse(readFileSync(schemaFile(pkg), "utf8"));
const SCHEMAS: Record<"payi" | "limitry", PackageSchema> = {
  payi: PackageSchema.parse(rawSchema("payi")),
  limitry: PackageSchema.parse(rawSchema("limitry")),
};

/**
 * Property names, checked by the compiler: the record must hold exactly the keys of `T` (no fewer, no more).
 * Applied to a resource class's Args, these are the inputs a user declares; to the class minus what every
 * resource has, its declared outputs.
 */
const names = <T>(record: Record<keyof T & string, true>) => Object.keys(record).sort();
type Outputs<R> = Omit<R, keyof pulumi.CustomResource>;

/** Inputs a resource class sets itself, never a user: they are not schema inputs. */
const INTERNAL = ["idSeed", "instance", "owner", "replaceOnChanges"];

/** The check failures' property names for these inputs. */
type Check = (news: Record<string, unknown>) => Promise<{ failures?: readonly { property: string }[] | undefined }>;
const failed = async (check: Check, news: Record<string, unknown>) =>
  ((await check(news)).failures ?? []).map((f) => f.property).sort();

const noApi = () => {
  throw new Error("check calls no API");
};

interface Kind {
  pkg: "payi" | "limitry";
  token: string;
  /** The Args interface's keys. */
  args: string[];
  /** The class's declared outputs. */
  outputs: string[];
  /** The provider's `check`. */
  check: Check;
  /** The zod object `check` parses with, where the provider exports it. */
  zod?: z.ZodObject;
  replacing: readonly string[];
}

const KINDS: Kind[] = [
  {
    pkg: "payi",
    token: "payi:index:Limit",
    args: names<LimitArgs>({
      limitName: true,
      max: true,
      limitType: true,
      threshold: true,
      limitId: true,
      properties: true,
      adopt: true,
      reset: true,
      resetRequest: true,
    }),
    outputs: names<Outputs<Limit>>({
      limitId: true,
      limitName: true,
      max: true,
      limitType: true,
      threshold: true,
      properties: true,
      spendUsd: true,
      state: true,
      createdAt: true,
      updatedAt: true,
      lastReset: true,
    }),
    check: async (news) => checkInputs(LimitInputsObject, news),
    zod: LimitInputsObject,
    replacing: LIMIT_REPLACING,
  },
  {
    pkg: "payi",
    token: "payi:index:UseCaseDefinition",
    args: names<UseCaseDefinitionArgs>({ name: true, description: true, loggingEnabled: true, adopt: true }),
    outputs: names<Outputs<UseCaseDefinition>>({ name: true, description: true, loggingEnabled: true }),
    check: async (news) => checkInputs(UseCaseDefinitionInputsSchema, news),
    zod: UseCaseDefinitionInputsSchema,
    replacing: DEFINITION_REPLACING,
  },
  {
    pkg: "payi",
    token: "payi:index:UseCaseLimitConfig",
    args: names<UseCaseLimitConfigArgs>({
      useCaseName: true,
      max: true,
      limitType: true,
      threshold: true,
      properties: true,
      adopt: true,
    }),
    outputs: names<Outputs<UseCaseLimitConfig>>({
      useCaseName: true,
      max: true,
      limitType: true,
      threshold: true,
      properties: true,
    }),
    check: async (news) => checkInputs(UseCaseLimitConfigInputsSchema, news),
    zod: UseCaseLimitConfigInputsSchema,
    replacing: CONFIG_REPLACING,
  },
  {
    pkg: "limitry",
    token: "limitry:index:Meter",
    args: names<MeterArgs>({ name: true, aggregation: true, field: true, description: true, eventFilter: true, adoptId: true }),
    outputs: names<Outputs<Meter>>({
      meterId: true,
      name: true,
      aggregation: true,
      field: true,
      description: true,
      eventFilter: true,
      createdAt: true,
      updatedAt: true,
    }),
    check: async (news) => checkMeter(news),
    replacing: METER_REPLACING,
  },
  {
    pkg: "limitry",
    token: "limitry:index:Limit",
    args: names<LimitryLimitArgs>({
      name: true,
      meterId: true,
      limitValue: true,
      period: true,
      customerId: true,
      dimensionFilters: true,
      alertThresholds: true,
      adoptId: true,
    }),
    outputs: names<Outputs<LimitryLimit>>({
      limitId: true,
      name: true,
      meterId: true,
      limitValue: true,
      period: true,
      customerId: true,
      dimensionFilters: true,
      alertThresholds: true,
      createdAt: true,
      updatedAt: true,
    }),
    check: async (news) => checkLimit(news),
    replacing: LIMITRY_LIMIT_REPLACING,
  },
  {
    pkg: "limitry",
    token: "limitry:index:Customer",
    args: names<CustomerArgs>({
      externalId: true,
      name: true,
      timezone: true,
      billingCycleStart: true,
      metadata: true,
      adopt: true,
    }),
    outputs: names<Outputs<Customer>>({
      customerId: true,
      externalId: true,
      name: true,
      timezone: true,
      billingCycleStart: true,
      effectiveBillingCycleStart: true,
      metadata: true,
      createdAt: true,
      updatedAt: true,
    }),
    check: (news) => customerProvider(noApi).check({}, news),
    replacing: CUSTOMER_REPLACING,
  },
];

const resourceOf = (kind: Kind) => {
  const resource = SCHEMAS[kind.pkg].resources[kind.token];
  if (!resource) throw new Error(`schema/${kind.pkg}.json has no resource ${kind.token}`);
  return resource;
};

/** A value of the wrong type for a property of this schema type: a number for strings and enums, else a string. */
function wrongValue(pkg: PackageSchema, property: z.infer<typeof Property>): unknown {
  const ref = property.$ref?.replace(/^#\/types\//, "");
  const isString = property.type === "string" || (ref !== undefined && pkg.types[ref]?.type === "string");
  return isString ? 42 : "not-this-type";
}

describe("the Pulumi package schemas (schema/payi.json, schema/limitry.json)", () => {
  test("name the packages and follow package.json's version", () => {
    const pkg = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")));
    expect(SCHEMAS.payi.name).toBe("payi");
    expect(SCHEMAS.limitry.name).toBe("limitry");
    expect(SCHEMAS.payi.version).toBe(pkg.version);
    expect(SCHEMAS.limitry.version).toBe(pkg.version);
  });

  test("declare every kind, and no other", () => {
    expect(Object.keys(SCHEMAS.payi.resources).sort()).toEqual(
      KINDS.filter((k) => k.pkg === "payi")
        .map((k) => k.token)
        .sort(),
    );
    expect(Object.keys(SCHEMAS.limitry.resources).sort()).toEqual(
      KINDS.filter((k) => k.pkg === "limitry")
        .map((k) => k.token)
        .sort(),
    );
  });

  describe.for(KINDS)("$token", (kind) => {
    const resource = resourceOf(kind);
    const inputs = Object.keys(resource.inputProperties).sort();

    test("inputs are what its Args declare", () => {
      expect(inputs).toEqual(kind.args);
    });

    const zod = kind.zod;
    // Limitry's providers keep their zod objects to themselves: there the probes below stand in.
    if (zod) {
      test("inputs are the zod object's keys without the ones the class sets itself", () => {
        expect(inputs).toEqual(
          Object.keys(zod.shape)
            .filter((k) => !INTERNAL.includes(k))
            .sort(),
        );
      });
    }

    test("each input is one the provider's check validates", async () => {
      const pkg = SCHEMAS[kind.pkg];
      for (const [name, property] of Object.entries(resource.inputProperties)) {
        expect(await failed(kind.check, { [name]: wrongValue(pkg, property) }), name).toContain(name);
      }
    });

    test("required inputs are the ones check requires", async () => {
      const required = (await failed(kind.check, {})).filter((name) => !INTERNAL.includes(name));
      expect([...resource.requiredInputs].sort()).toEqual(required);
    });

    test("outputs are the class's declared outputs", () => {
      expect(Object.keys(resource.properties).sort()).toEqual(kind.outputs);
      for (const name of resource.required) expect(kind.outputs, name).toContain(name);
    });

    test("the inputs that replace it are the provider's replacing list", () => {
      const replacing = Object.entries(resource.inputProperties)
        .filter(([, p]) => p.willReplaceOnChanges === true)
        .map(([name]) => name);
      expect(replacing.sort()).toEqual([...kind.replacing].sort());
    });

    test("it and every property have a description", () => {
      expect(resource.description?.trim()).toBeTruthy();
      for (const [name, p] of [...Object.entries(resource.inputProperties), ...Object.entries(resource.properties)]) {
        expect(p.description?.trim(), name).toBeTruthy();
      }
    });
  });

  describe.for([
    { pkg: "payi" as const, env: { apiKey: "PAYI_API_KEY", baseUrl: "PAYI_BASE_URL" } },
    { pkg: "limitry" as const, env: { apiKey: "LIMITRY_API_KEY", baseUrl: "LIMITRY_BASE_URL" } },
  ])("$pkg config", ({ pkg, env }) => {
    const schema = SCHEMAS[pkg];
    const fromConfig = pkg === "payi" ? clientFromConfig : limitryClientFromConfig;
    const config = (values: Record<string, string>): pulumi.dynamic.Config => ({
      get: (key) => values[key],
      require: (key) => {
        const value = values[key];
        if (value === undefined) throw new Error(`no config ${key}`);
        return value;
      },
    });

    test("apiKey (secret) and baseUrl, as stack config and as the explicit provider's inputs", () => {
      expect(Object.keys(schema.config.variables).sort()).toEqual(["apiKey", "baseUrl"]);
      expect(Object.keys(schema.provider.inputProperties).sort()).toEqual(["apiKey", "baseUrl"]);
      expect(schema.config.variables["apiKey"]?.secret).toBe(true);
      expect(schema.provider.inputProperties["apiKey"]?.secret).toBe(true);
      expect(schema.config.variables["baseUrl"]?.secret).toBeUndefined();
      for (const p of [...Object.values(schema.config.variables), ...Object.values(schema.provider.inputProperties)]) {
        expect(p.type).toBe("string");
        expect(p.description?.trim()).toBeTruthy();
      }
    });

    test("the environment fallbacks are the variables the provider reads", async () => {
      expect(schema.config.variables["apiKey"]?.defaultInfo?.environment).toEqual([env.apiKey]);
      expect(schema.config.variables["baseUrl"]?.defaultInfo?.environment).toEqual([env.baseUrl]);
      expect(schema.provider.inputProperties["baseUrl"]?.defaultInfo?.environment).toEqual([env.baseUrl]);
      expect(schema.config.variables["apiKey"]?.description).toContain(env.apiKey);
      const fromEnv = fromConfig(undefined, { [env.apiKey]: "key", [env.baseUrl]: "http://127.0.0.1:1/from-env" });
      const fromStack = fromConfig(
        config({ [`${pkg}:apiKey`]: "key", [`${pkg}:baseUrl`]: "http://127.0.0.1:1/from-config" }),
        {},
      );
      expect([fromEnv.baseURL, fromStack.baseURL]).toEqual(["http://127.0.0.1:1/from-env", "http://127.0.0.1:1/from-config"]);
      await Promise.all([fromEnv.close(), fromStack.close()]);
      expect(() => fromConfig(config({}), {})).toThrow(env.apiKey);
    });

    test("the explicit provider's apiKey has no environment default: generated SDKs would copy the key into its inputs unwrapped, into state", () => {
      expect(schema.provider.inputProperties["apiKey"]?.defaultInfo).toBeUndefined();
    });
  });

  test.for(["payi", "limitry"] as const)("%s: every type reference resolves, every type and enum value is described", (pkg) => {
    const schema = SCHEMAS[pkg];
    const refs: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value !== null && typeof value === "object") {
        for (const [key, v] of Object.entries(value)) {
          if (key === "$ref" && typeof v === "string") refs.push(v);
          else walk(v);
        }
      }
    };
    walk(rawSchema(pkg));
    for (const ref of refs) {
      if (ref === "pulumi.json#/Any") continue;
      expect(ref, ref).toMatch(/^#\/types\//);
      expect(Object.keys(schema.types), ref).toContain(ref.replace(/^#\/types\//, ""));
    }
    for (const [token, type] of Object.entries(schema.types)) {
      expect(token.startsWith(`${pkg}:index:`), token).toBe(true);
      expect(type.description?.trim(), token).toBeTruthy();
      for (const [name, p] of Object.entries(type.properties ?? {}))
        expect(p.description?.trim(), `${token}.${name}`).toBeTruthy();
      for (const value of type.enum ?? []) expect(value.description?.trim(), `${token} ${value.value}`).toBeTruthy();
    }
  });

  test.for(["payi", "limitry"] as const)("%s: the Pulumi CLI binds it (pulumi package get-schema)", async (pkg) => {
    const { stdout } = await promisify(execFile)("pulumi", ["package", "get-schema", schemaFile(pkg)], {
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    const bound = PackageSchema.parse(JSON.parse(stdout));
    expect(Object.keys(bound.resources).sort()).toEqual(Object.keys(SCHEMAS[pkg].resources).sort());
    expect(bound.version).toBe(SCHEMAS[pkg].version);
  });
});
