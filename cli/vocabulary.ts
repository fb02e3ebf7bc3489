/**
 * budgets.yaml ↔ the Pulumi resources' arguments, written once: the CLI's program declares what
 * `budgetsDeclarations` lists, `import --format ts` prints the same list, `import` turns the arguments
 * read from the service back into file entries, and a plan names each argument by its file field.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { LimitArgs, UseCaseDefinitionArgs, UseCaseLimitConfigArgs, limitry } from "../provider/index.js";
import { RESET_PROPERTY } from "../rules/payi/reset.js";
import type { BudgetsFile, LimitEntry, UseCaseEntry } from "./budgets-file.js";
import {
  limitryCustomerKey,
  limitryLimitKey,
  limitryMeterKey,
  managedCustomers,
  type LimitryCustomerEntry,
  type LimitryLimitEntry,
  type LimitryMeterEntry,
  type LimitrySection,
} from "./limitry-file.js";
import { kindOf, resourceNameOf, type ResourceKind } from "./kinds.js";

/** A `Limit`'s arguments as plain values. */
export type LimitSettings = pulumi.Unwrap<LimitArgs>;
/** A `UseCaseDefinition`'s arguments as plain values. */
export type DefinitionSettings = pulumi.Unwrap<UseCaseDefinitionArgs>;
/** A `UseCaseLimitConfig`'s arguments but its use case (the definition's `name` output) as plain values. */
export type LimitConfigSettings = Omit<pulumi.Unwrap<UseCaseLimitConfigArgs>, "useCaseName">;
/** A `limitry.Meter`'s arguments as plain values. */
export type MeterSettings = pulumi.Unwrap<limitry.MeterArgs>;
/** A `limitry.Limit`'s arguments but its meter as plain values. */
export type LimitryLimitSettings = Omit<pulumi.Unwrap<limitry.LimitArgs>, "meterId">;
/** A `limitry.Customer`'s arguments as plain values (`Unwrap` turns a map of `unknown` into one of `never`). */
export type CustomerSettings = Omit<pulumi.Unwrap<limitry.CustomerArgs>, "metadata"> & { metadata?: Record<string, unknown> };

/**
 * One resource a budgets file declares: its type, resource name and arguments, and the resource names it had
 * before (`previousKeys:`), which the program declares as its aliases.
 */
export type Declaration = { aliases?: string[] } & (
  | { type: "Limit"; name: string; args: LimitSettings }
  | { type: "UseCaseDefinition"; name: string; args: DefinitionSettings }
  /** `useCaseName` is the `name` output of the definition declared under the resource name `definition`. */
  | { type: "UseCaseLimitConfig"; name: string; definition: string; args: LimitConfigSettings }
  | { type: "limitry.Meter"; key: string; name: string; args: MeterSettings }
  | { type: "limitry.Customer"; key: string; name: string; args: CustomerSettings }
  /** `meterId` is an existing meter's id, or the `id` of the meter declared under the resource name `declared`. */
  | {
      type: "limitry.Limit";
      key: string;
      name: string;
      meter: { id: string } | { declared: string };
      args: LimitryLimitSettings;
    }
);

/** Resource names of use cases and Limitry objects (see `resourceName` in cli/kinds.ts): never a Pay-i limit's key. */
const resourceName = {
  useCase: (name: string) => resourceNameOf("useCase", name),
  useCaseLimitConfig: (name: string) => resourceNameOf("useCaseLimitConfig", name),
  limitryMeter: (key: string) => resourceNameOf("limitryMeter", key),
  limitryLimit: (key: string) => resourceNameOf("limitryLimit", key),
  limitryCustomer: (key: string) => resourceNameOf("limitryCustomer", key),
};

/**
 * Every resource the file declares, in declaration order: limits under `limitKeys` (one per `limits[]`
 * entry, see `resolveLimitKeys`), use cases with their limit configs, then Limitry's meters, customers and limits.
 */
export function budgetsDeclarations(budgets: BudgetsFile, limitKeys: readonly string[]): Declaration[] {
  const declarations: Declaration[] = budgets.limits.map((entry, i) => {
    const name = limitKeys[i] ?? "";
    return { type: "Limit", name, args: limitArgs(entry), ...aliases(entry.previousKeys, (k) => k, name) };
  });
  for (const entry of budgets.useCases) {
    const definition = resourceName.useCase(entry.name);
    declarations.push({ type: "UseCaseDefinition", name: definition, args: definitionArgs(entry) });
    const config = limitConfigArgs(entry);
    if (config)
      declarations.push({
        type: "UseCaseLimitConfig",
        name: resourceName.useCaseLimitConfig(entry.name),
        definition,
        args: config,
      });
  }
  if (budgets.limitry) declarations.push(...limitryDeclarations(budgets.limitry));
  return declarations;
}

function limitryDeclarations(section: LimitrySection): Declaration[] {
  const meters: Declaration[] = section.meters.map((entry) => {
    const key = limitryMeterKey(entry);
    const name = resourceName.limitryMeter(key);
    const was = aliases(entry.previousKeys, resourceName.limitryMeter, name);
    return { type: "limitry.Meter", key, name, args: limitryMeterArgs(entry), ...was };
  });
  const limits: Declaration[] = section.limits.map((entry) => {
    const key = limitryLimitKey(entry);
    // parseBudgets guarantees exactly one of meter/meterId and that `meter` names a meter of the file.
    const meter =
      entry.meterId !== undefined ? { id: entry.meterId } : { declared: resourceName.limitryMeter(entry.meter ?? "") };
    const name = resourceName.limitryLimit(key);
    const was = aliases(entry.previousKeys, resourceName.limitryLimit, name);
    return { type: "limitry.Limit", key, name, meter, args: limitryLimitArgs(entry), ...was };
  });
  // Plain external ids are customers `status` reports on, not resources.
  const customers: Declaration[] = managedCustomers(section).map((entry) => {
    const key = limitryCustomerKey(entry);
    const name = resourceName.limitryCustomer(key);
    const was = aliases(entry.previousKeys, resourceName.limitryCustomer, name);
    return { type: "limitry.Customer", key, name, args: limitryCustomerArgs(entry), ...was };
  });
  return [...meters, ...customers, ...limits];
}

/** The resource options that keep a declaration's earlier resources: Pulumi aliases by its previous names. */
export function aliasOptions(d: Declaration): { aliases?: Array<{ name: string }> } {
  return d.aliases ? { aliases: d.aliases.map((name) => ({ name })) } : {};
}

/** `{ aliases }`: the resource names of an entry's previous keys (not its current one), when it lists any. */
function aliases(previousKeys: string[] | undefined, nameOf: (key: string) => string, current: string) {
  const names = (previousKeys ?? []).map(nameOf).filter((n) => n !== current);
  return names.length > 0 ? { aliases: names } : {};
}

/** A `limits[]` entry → the `Limit`'s arguments. */
export function limitArgs(entry: LimitEntry): LimitSettings {
  return {
    limitName: entry.name,
    max: entry.max,
    limitType: entry.type,
    ...(entry.threshold !== undefined ? { threshold: entry.threshold } : {}),
    ...(entry.properties !== undefined ? { properties: entry.properties } : {}),
    ...(entry.id !== undefined ? { limitId: entry.id } : {}),
    adopt: entry.adopt,
    ...(entry.reset !== undefined ? { reset: entry.reset } : {}),
  };
}

/**
 * A `Limit`'s arguments → its `limits[]` entry. The reset schedule is its own field in the file, so the
 * property that stores it on the service is dropped from `properties`; an empty bag is left out.
 */
export function limitEntry(args: LimitSettings): LimitEntry {
  const { [RESET_PROPERTY]: _schedule, ...properties } = args.properties ?? {};
  return {
    name: args.limitName,
    max: args.max,
    type: args.limitType ?? "allow",
    ...(args.threshold !== undefined ? { threshold: args.threshold } : {}),
    ...(Object.keys(properties).length ? { properties } : {}),
    ...(args.limitId !== undefined ? { id: args.limitId } : {}),
    adopt: args.adopt ?? false,
    ...(args.reset !== undefined ? { reset: args.reset } : {}),
  };
}

/** A `useCases[]` entry → its `UseCaseDefinition`'s arguments. */
function definitionArgs(entry: UseCaseEntry): DefinitionSettings {
  return {
    name: entry.name,
    description: entry.description,
    ...(entry.loggingEnabled !== undefined ? { loggingEnabled: entry.loggingEnabled } : {}),
    adopt: entry.adopt,
  };
}

/** A `useCases[]` entry → its `UseCaseLimitConfig`'s arguments (adopted with the use case); none without `limitConfig`. */
function limitConfigArgs(entry: UseCaseEntry): LimitConfigSettings | undefined {
  const c = entry.limitConfig;
  if (!c) return undefined;
  return {
    max: c.max,
    limitType: c.type,
    ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
    ...(c.properties !== undefined ? { properties: c.properties } : {}),
    adopt: entry.adopt,
  };
}

/** A use case's arguments (and its limit config's) → its `useCases[]` entry; an empty property bag is left out. */
export function useCaseEntry(definition: DefinitionSettings, config: LimitConfigSettings | undefined): UseCaseEntry {
  const properties = config?.properties ?? {};
  return {
    name: definition.name,
    description: definition.description ?? "",
    ...(definition.loggingEnabled !== undefined ? { loggingEnabled: definition.loggingEnabled } : {}),
    ...(config
      ? {
          limitConfig: {
            max: config.max,
            type: config.limitType ?? "allow",
            ...(config.threshold !== undefined ? { threshold: config.threshold } : {}),
            ...(Object.keys(properties).length ? { properties } : {}),
          },
        }
      : {}),
    adopt: definition.adopt ?? false,
  };
}

/** A `limitry.meters[]` entry → the `limitry.Meter`'s arguments. */
function limitryMeterArgs(entry: LimitryMeterEntry): MeterSettings {
  return {
    name: entry.name,
    aggregation: entry.aggregation,
    field: entry.field,
    ...(entry.description !== undefined ? { description: entry.description } : {}),
    ...(entry.eventFilter !== undefined ? { eventFilter: entry.eventFilter } : {}),
    ...(entry.adoptId !== undefined ? { adoptId: entry.adoptId } : {}),
  };
}

/** A `limitry.Meter`'s arguments → its `limitry.meters[]` entry under `key`. */
export function limitryMeterEntry(args: MeterSettings, key: string): LimitryMeterEntry {
  return {
    key,
    name: args.name,
    aggregation: args.aggregation,
    field: args.field,
    ...(args.description !== undefined ? { description: args.description } : {}),
    ...(args.eventFilter !== undefined ? { eventFilter: args.eventFilter } : {}),
    ...(args.adoptId !== undefined ? { adoptId: args.adoptId } : {}),
  };
}

/** A `limitry.limits[]` entry → the `limitry.Limit`'s arguments but its meter. */
function limitryLimitArgs(entry: LimitryLimitEntry): LimitryLimitSettings {
  return {
    name: entry.name,
    limitValue: entry.limitValue,
    period: entry.period,
    ...(entry.customerId !== undefined ? { customerId: entry.customerId } : {}),
    ...(entry.dimensionFilters !== undefined ? { dimensionFilters: entry.dimensionFilters } : {}),
    ...(entry.alertThresholds !== undefined ? { alertThresholds: entry.alertThresholds } : {}),
    ...(entry.adoptId !== undefined ? { adoptId: entry.adoptId } : {}),
  };
}

/** A managed `limitry.customers[]` entry → the `limitry.Customer`'s arguments. */
function limitryCustomerArgs(entry: LimitryCustomerEntry): CustomerSettings {
  return {
    externalId: entry.externalId,
    ...(entry.name !== undefined ? { name: entry.name } : {}),
    ...(entry.timezone !== undefined ? { timezone: entry.timezone } : {}),
    ...(entry.billingCycleStart !== undefined ? { billingCycleStart: entry.billingCycleStart } : {}),
    ...(entry.metadata !== undefined ? { metadata: entry.metadata } : {}),
    ...(entry.adopt !== undefined ? { adopt: entry.adopt } : {}),
  };
}

/** A `limitry.Customer`'s arguments → its `limitry.customers[]` entry under `key`. */
export function limitryCustomerEntry(args: CustomerSettings, key: string): LimitryCustomerEntry {
  return { key, ...args };
}

/**
 * A `limitry.Limit`'s arguments → its `limitry.limits[]` entry under `key`, counting the file's meter
 * `meter` or the existing meter `meterId`; empty dimension filters are left out.
 */
export function limitryLimitEntry(
  args: LimitryLimitSettings,
  key: string,
  meter: { meter: string } | { meterId: string },
): LimitryLimitEntry {
  const filters = args.dimensionFilters ?? {};
  return {
    key,
    name: args.name,
    ...meter,
    limitValue: args.limitValue,
    period: args.period,
    ...(args.customerId !== undefined ? { customerId: args.customerId } : {}),
    ...(Object.keys(filters).length ? { dimensionFilters: filters } : {}),
    ...(args.alertThresholds !== undefined ? { alertThresholds: args.alertThresholds } : {}),
    ...(args.adoptId !== undefined ? { adoptId: args.adoptId } : {}),
  };
}

/** Each kind's Pulumi inputs as budgets.yaml names them, as a plan prints changes (`adopt` is never one). */
export const FILE_FIELDS: Readonly<Record<ResourceKind, Record<string, string>>> = {
  limit: fileFields("limit"),
  useCase: fileFields("useCase"),
  useCaseLimitConfig: fileFields("useCaseLimitConfig"),
  limitryMeter: fileFields("limitryMeter"),
  limitryLimit: fileFields("limitryLimit"),
  limitryCustomer: fileFields("limitryCustomer"),
};

function fileFields(kind: ResourceKind): Record<string, string> {
  return Object.fromEntries(kindOf(kind).fields.map((f) => [f.input, f.field]));
}
