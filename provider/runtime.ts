/**
 * What the serialized provider stub loads at call time (`pulumi-limits/provider-runtime`): the real
 * provider code, so that the stub stored in state stays small and an upgraded package reaches resources
 * created by older versions.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Limitry } from "../sdk/limitry/index.js";
import type { Payi } from "../sdk/payi/index.js";
import { stackInstanceProvider } from "./identity.js";
import { limitryClientFromConfig, verifyLimitryClient } from "./limitry/client.js";
import { customerProvider as limitryCustomerProvider } from "./limitry/customer-provider.js";
import { limitProvider as limitryLimitProvider, meterProvider as limitryMeterProvider } from "./limitry/providers.js";
import { quietHostEchoes, userError } from "./errors.js";
import { clientFromConfig, verifyClient } from "./payi/client.js";
import { limitProvider } from "./payi/limit-provider.js";
import { useCaseDefinitionProvider, useCaseLimitConfigProvider } from "./payi/use-case-providers.js";
import { upgradeState, withStateVersion } from "./state-upgrade.js";
import type { ProviderKind } from "./type-token.js";
import { PROVIDER_VERSION } from "./version.js";
// The dynamic-provider host exits when its engine dies (loading it installs the watch).
import "./engine-exit.js";

quietHostEchoes();

/** A provider with every method present, as the stub calls it. */
export type RuntimeProvider = Required<pulumi.dynamic.ResourceProvider>;

let client: Payi | undefined;
let verified: Promise<void> | undefined;
const getClient = (): Payi => {
  client ??= clientFromConfig(undefined);
  return client;
};
let limitry: Limitry | undefined;
let limitryVerified: Promise<void> | undefined;
const getLimitry = (): Limitry => {
  limitry ??= limitryClientFromConfig(undefined);
  return limitry;
};

const providers = {
  limit: limitProvider(getClient),
  useCaseDefinition: useCaseDefinitionProvider(getClient),
  useCaseLimitConfig: useCaseLimitConfigProvider(getClient),
  limitryMeter: limitryMeterProvider(getLimitry),
  limitryLimit: limitryLimitProvider(getLimitry),
  limitryCustomer: limitryCustomerProvider(getLimitry),
  stackInstance: stackInstanceProvider,
} satisfies Record<ProviderKind, unknown>;

/** A provider's methods as the host calls them. */
type Methods = Omit<RuntimeProvider, "configure">;

/** The provider for `kind`. `stubVersion` is the contract the caller's stub was written against. */
export function provider(kind: ProviderKind, stubVersion: number): RuntimeProvider {
  if (stubVersion > PROVIDER_VERSION) {
    throw userError(
      `This stack was last updated with a newer pulumi-limits (provider v${stubVersion}) than the one installed (v${PROVIDER_VERSION}); upgrade pulumi-limits.`,
    );
  }
  const methods = atTheEdge(kind, providers[kind]);
  if (kind === "stackInstance") return { ...methods, async configure() {} };
  if (kind === "limitryMeter" || kind === "limitryLimit" || kind === "limitryCustomer") {
    // Limitry's own credentials: a stack with only Limitry resources needs no Pay-i key.
    return {
      ...afterVerification(methods, () => limitryVerified),
      async configure(req) {
        if (!limitry || !limitryVerified) {
          limitry = limitryClientFromConfig(req.config);
          limitryVerified = verifyLimitryClient(limitry);
        }
        await limitryVerified;
      },
    };
  }
  return {
    ...afterVerification(methods, () => verified),
    async configure(req) {
      // The host configures each kind once per process; the key and URL are checked once for all.
      if (!client || !verified) {
        client = clientFromConfig(req.config);
        verified = verifyClient(client);
      }
      await verified;
    },
  };
}

/**
 * Where the engine's calls meet a provider. What a state holds (the olds of diff and update, the props of read
 * and delete, and the news of a diff, which in a refresh are the inputs the state holds) is brought to today's
 * shape by {@link upgradeState} first, so no provider carries a branch for an earlier version's state. What a
 * provider answers goes back stamped with today's state version, and without undefined values, which the host
 * cannot encode.
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
      const { props: read, inputs, ...rest } = await methods.read(id, upgrade(props));
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

function outgoing(outputs: Record<string, unknown>): Record<string, unknown> {
  return withStateVersion(encodable(outputs));
}

/** `properties` as JSON carries them: undefined values absent in a map, null in a list. */
function encodable(properties: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(properties));
}

/**
 * The host caches a provider before its configure() settles, so a failed check of the key and URL would be
 * skipped by later calls: every call waits for it.
 */
function afterVerification(methods: Methods, verification: () => Promise<void> | undefined): Methods {
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
