/**
 * The provider of the `StackInstance` identity (see `../identity.ts`): this module's exports are the stub
 * itself, so that Pulumi serializes it as `require("pulumi-limits/provider/stack-instance")` when the package
 * is installed (see `../stub.ts`).
 */
import { providerStub } from "../stub.js";
import { PROVIDER_VERSION } from "../version.js";

export = providerStub("stackInstance", PROVIDER_VERSION);
