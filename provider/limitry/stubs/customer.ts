/**
 * The provider of every `limitry.Customer`: this module's exports are the stub itself, so that Pulumi serializes
 * it as `require("pulumi-limits/provider/limitry/customer")` when the package is installed (see `../../stub.ts`).
 */
import { providerStub } from "../../stub.js";
import { PROVIDER_VERSION } from "../../version.js";

export = providerStub("limitryCustomer", PROVIDER_VERSION);
