/**
 * Every kind's provider methods as a host calls them, written once for both hosts: the dynamic-provider host
 * (runtime.ts, one client per process) and the provider plugins (plugin/server.ts, one client per provider
 * instance). Neither host carries a rule of its own: each binds these to its clients and answers its protocol.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Limitry } from "../sdk/limitry/index.js";
import type { Payi } from "../sdk/payi/index.js";
import { stackInstanceProvider } from "./identity-provider.js";
import { customerProvider as limitryCustomerProvider } from "./limitry/customer-provider.js";
import { limitProvider as limitryLimitProvider, meterProvider as limitryMeterProvider } from "./limitry/providers.js";
import { limitProvider } from "./payi/limit-provider.js";
import { useCaseDefinitionProvider, useCaseLimitConfigProvider } from "./payi/use-case-providers.js";
import { userError } from "./errors.js";
import { upgradeState, withStateVersion } from "./state-upgrade.js";
import type { ProviderKind } from "./type-token.js";

/** A provider's methods as a host calls them (configuring is the host's own). */
export type Methods = Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;

/** The clients a host hands the providers, created on first use. */
export interface Clients {
  readonly payi: () => Payi;
  readonly limitry: () => Limitry;
}

/** The Pay-i kinds and the Limitry kinds: which client, and which plugin, each belongs to. */
export const PAYI_KINDS = ["limit", "useCaseDefinition", "useCaseLimitConfig"] as const;
export const LIMITRY_KINDS = ["limitryMeter", "limitryLimit", "limitryCustomer"] as const;

/** The methods of `kind`, bound to `clients`, as the engine may call them (see {@link atTheEdge}). */
export function kindMethods(kind: ProviderKind, clients: Clients): Methods {
  const providers: Record<ProviderKind, () => unknown> = {
    limit: () => limitProvider(clients.payi),
    useCaseDefinition: () => useCaseDefinitionProvider(clients.payi),
    useCaseLimitConfig: () => useCaseLimitConfigProvider(clients.payi),
    limitryMeter: () => limitryMeterProvider(clients.limitry),
    limitryLimit: () => limitryLimitProvider(clients.limitry),
    limitryCustomer: () => limitryCustomerProvider(clients.limitry),
    stackInstance: () => stackInstanceProvider,
  };
  // Each provider is a TypedProvider, a dynamic.ResourceProvider with narrower parameters (typed-provider.ts).
  return atTheEdge(kind, providers[kind]() as Methods);
}

/**
 * Where the engine's calls meet a provider. What a state holds (the olds of diff and update, the props of read
 * and delete, and the news of a diff, which in a refresh are the inputs the state holds) is brought to today's
 * shape by {@link upgradeState} first, so no provider carries a branch for an earlier version's state. What a
 * provider answers goes back stamped with today's state version, and without undefined values, which the
 * engine cannot encode.
 */
function atTheEdge(kind: ProviderKind, methods: Methods): Methods {
  const upgrade = (stored: Record<string, unknown>) => upgradeState(kind, stored);
  return {
    check: (olds, news) => methods.check(olds, news),
    diff: (id, olds, news) => methods.diff(id, upgrade(olds), upgrade(news)),
    async create(inputs) {
      const { id, outs } = await methods.create(inputs);
      return { id, outs: outgoing(outs) };
    },
    async read(id, props) {
      // A resource read with `get` holds no state yet: nothing to upgrade. A missing object is an error here: the
      // dynamic host answers a read without an id with `__provider` for properties, which the engine takes for an
      // object that exists, every output unset, instead of its "resource '<id>' does not exist".
      const got = holdsNoState(props);
      const { props: read, inputs, ...rest } = await methods.read(id, got ? props : upgrade(props));
      if (got && !rest.id) throw userError(`${GET_OF[kind]}: ${MISSING[kind](id)}`);
      return {
        ...rest,
        ...(read ? { props: outgoing(read) } : {}),
        ...(inputs ? { inputs: encodable(inputs) } : {}),
      };
    },
    async update(id, olds, news) {
      const { outs } = await methods.update(id, upgrade(olds), news);
      return { outs: outgoing(outs) };
    },
    delete: (id, props) => methods.delete(id, upgrade(props)),
  };
}

/**
 * Whether a read's props are a `get`'s: the resource class registers only its outputs, unset (provider/get.ts), and
 * the dynamic host adds its `__provider`. A state always holds more, and a plugin reads an import with its identity.
 */
function holdsNoState(props: Record<string, unknown>): boolean {
  return Object.keys(props).every((key) => key.startsWith("__"));
}

/** The `get` of each kind, and what its id names when there is no such object. */
const GET_OF: Record<ProviderKind, string> = {
  limit: "Limit.get",
  useCaseDefinition: "UseCaseDefinition.get",
  useCaseLimitConfig: "UseCaseLimitConfig.get",
  limitryMeter: "limitry.Meter.get",
  limitryLimit: "limitry.Limit.get",
  limitryCustomer: "limitry.Customer.get",
  stackInstance: "StackInstance",
};
const MISSING: Record<ProviderKind, (id: string) => string> = {
  limit: (id) => `Pay-i has no limit with the id '${id}'`,
  useCaseDefinition: (id) => `Pay-i has no use case named '${id}'`,
  useCaseLimitConfig: (id) => `Pay-i has no use case named '${id}' with a limit config`,
  limitryMeter: (id) => `Limitry has no meter with the id '${id}'`,
  limitryLimit: (id) => `Limitry has no limit with the id '${id}'`,
  limitryCustomer: (id) => `Limitry has no customer with the id '${id}'`,
  stackInstance: (id) => `no stack instance '${id}'`,
};

function outgoing(outputs: Record<string, unknown>): Record<string, unknown> {
  return withStateVersion(encodable(outputs));
}

/** `properties` as JSON carries them: undefined values absent in a map, null in a list. */
function encodable(properties: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(properties));
}

/**
 * `methods`, each waiting for the check of the key and URL first. A host may call a provider before its
 * configuration settles (the dynamic host caches a provider before configure() resolves), so a failed check
 * would otherwise be skipped by later calls.
 */
export function afterVerification(methods: Methods, verification: () => Promise<void> | undefined): Methods {
  const checked =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await verification();
      return method(...args);
    };
  return {
    check: checked(methods.check),
    diff: checked(methods.diff),
    create: checked(methods.create),
    read: checked(methods.read),
    update: checked(methods.update),
    delete: checked(methods.delete),
  };
}
