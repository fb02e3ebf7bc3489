/**
 * The provider of every {@link UseCaseLimitConfig}: this module's exports are the stub itself, so that Pulumi serializes
 * it as `require("pulumi-limits/provider/payi/use-case-limit-config")` when the package is installed (see `../../stub.ts`).
 */
import { providerStub } from "../../stub.js";
import { PROVIDER_VERSION } from "../../version.js";

export = providerStub("useCaseLimitConfig", PROVIDER_VERSION);
