/** The two plugins' packages: which kinds each serves and how a configured provider reaches its API. */
import { readFileSync } from "node:fs";
import { limitryClientFromConfig, verifyLimitryClient } from "../limitry/client.js";
import { LIMITRY_KINDS, PAYI_KINDS } from "../methods.js";
import { clientFromConfig, verifyClient } from "../payi/client.js";
import type { PluginPackage } from "./server.js";

/** A client of the other API: never asked for by this package's kinds. */
const none = (api: string) => (): never => {
  throw new Error(`the ${api} client is not part of this plugin`);
};

/** The `payi` plugin: Limit, UseCaseDefinition, UseCaseLimitConfig. */
export function payiPackage(version: string, schemaPath: string): PluginPackage {
  return {
    name: "payi",
    version,
    schema: readFileSync(schemaPath, "utf8"),
    kinds: PAYI_KINDS,
    ownerKinds: ["useCaseDefinition", "useCaseLimitConfig"],
    connect(config) {
      const payi = clientFromConfig(config);
      return { clients: { payi: () => payi, limitry: none("Limitry") }, verified: verifyClient(payi) };
    },
  };
}

/** The `limitry` plugin: Meter, Limit, Customer. */
export function limitryPackage(version: string, schemaPath: string): PluginPackage {
  return {
    name: "limitry",
    version,
    schema: readFileSync(schemaPath, "utf8"),
    kinds: LIMITRY_KINDS,
    ownerKinds: [],
    connect(config) {
      const limitry = limitryClientFromConfig(config);
      return { clients: { payi: none("Pay-i"), limitry: () => limitry }, verified: verifyLimitryClient(limitry) };
    },
  };
}
