/**
 * The provider of every `limitry.Meter`: this module's exports are the stub itself, so that Pulumi serializes
 * it as `require("pulumi-limits/provider/limitry/meter")` when the package is installed (see `../../stub.ts`).
 */
import { providerStub } from "../../stub.js";
import { PROVIDER_VERSION } from "../../version.js";

export = providerStub("limitryMeter", PROVIDER_VERSION);
