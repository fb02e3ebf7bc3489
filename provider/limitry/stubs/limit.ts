/**
 * The provider of every `limitry.Limit`: this module's exports are the stub itself, so that Pulumi serializes
 * it as `require("pulumi-limits/provider/limitry/limit")` when the package is installed (see `../../stub.ts`).
 */
import { providerStub } from "../../stub.js";
import { PROVIDER_VERSION } from "../../version.js";

export = providerStub("limitryLimit", PROVIDER_VERSION);
