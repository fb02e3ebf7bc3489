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
import type { ProviderKind } from "./type-token.js";
import type { TypedProvider } from "./typed-provider.js";
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

/** The provider for `kind`. `stubVersion` is the contract the caller's stub was written against. */
export function provider(kind: ProviderKind, stubVersion: number): RuntimeProvider {
  if (stubVersion > PROVIDER_VERSION) {
    throw userError(
      `This stack was last updated with a newer pulumi-limits (provider v${stubVersion}) than the one installed (v${PROVIDER_VERSION}); upgrade pulumi-limits.`,
    );
  }
  if (kind === "stackInstance") return { ...providers[kind], async configure() {} };
  if (kind === "limitryMeter" || kind === "limitryLimit" || kind === "limitryCustomer") {
    // Limitry's own credentials: a stack with only Limitry resources needs no Pay-i key.
    return {
      ...(kind === "limitryMeter"
        ? afterVerification(providers.limitryMeter, () => limitryVerified)
        : kind === "limitryLimit"
          ? afterVerification(providers.limitryLimit, () => limitryVerified)
          : afterVerification(providers.limitryCustomer, () => limitryVerified)),
      async configure(req) {
        if (!limitry || !limitryVerified) {
          limitry = limitryClientFromConfig(req.config);
          limitryVerified = verifyLimitryClient(limitry);
        }
        await limitryVerified;
      },
    };
  }
  const methods =
    kind === "limit"
      ? afterVerification(providers.limit, () => verified)
      : kind === "useCaseDefinition"
        ? afterVerification(providers.useCaseDefinition, () => verified)
        : afterVerification(providers.useCaseLimitConfig, () => verified);
  return {
    ...methods,
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
 * The host caches a provider before its configure() settles, so a failed check of the key and URL would be
 * skipped by later calls: every call waits for it.
 */
function afterVerification<Inputs, Outputs, Stored>(
  methods: TypedProvider<Inputs, Outputs, Stored>,
  verification: () => Promise<void> | undefined,
): TypedProvider<Inputs, Outputs, Stored> {
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
