/**
 * What the serialized provider stub loads at call time (`pulumi-limits/provider-runtime`): the real
 * provider code, so that the stub stored in state stays small and an upgraded package reaches resources
 * created by older versions.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Limitry } from "../sdk/limitry/index.js";
import type { Payi } from "../sdk/payi/index.js";
import { dynamicHostWarn } from "./dynamic-host-log.js";
import { setWarningSink } from "./engine-log.js";
import { quietHostEchoes, userError } from "./errors.js";
import { limitryClientFromConfig, verifyLimitryClient } from "./limitry/client.js";
import { afterVerification, type Clients, kindMethods, type Methods } from "./methods.js";
import { clientFromConfig, verifyClient } from "./payi/client.js";
import type { ProviderKind } from "./type-token.js";
import { PROVIDER_VERSION } from "./version.js";
// The dynamic-provider host exits when its engine dies (loading it installs the watch).
import "./engine-exit.js";

quietHostEchoes();
setWarningSink(dynamicHostWarn);

/** A provider with every method present, as the stub calls it. */
export type RuntimeProvider = Required<pulumi.dynamic.ResourceProvider>;

let client: Payi | undefined;
let verified: Promise<void> | undefined;
let limitry: Limitry | undefined;
let limitryVerified: Promise<void> | undefined;
// One client of each API per process, from the first configure() (or the environment).
const clients: Clients = {
  payi: () => {
    client ??= clientFromConfig(undefined);
    return client;
  },
  limitry: () => {
    limitry ??= limitryClientFromConfig(undefined);
    return limitry;
  },
};

// The stub asks for its provider at every call: each kind's methods are bound once.
const bound: Partial<Record<ProviderKind, Methods>> = {};

/** The provider for `kind`. `stubVersion` is the contract the caller's stub was written against. */
export function provider(kind: ProviderKind, stubVersion: number): RuntimeProvider {
  if (stubVersion > PROVIDER_VERSION) {
    throw userError(
      `This stack was last updated with a newer pulumi-limits (provider v${stubVersion}) than the one installed (v${PROVIDER_VERSION}); upgrade pulumi-limits.`,
    );
  }
  const methods = bound[kind] ?? kindMethods(kind, clients);
  bound[kind] = methods;
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
