import type * as pulumi from "@pulumi/pulumi";
import type { RuntimeProvider } from "./runtime.js";
import type { ProviderKind } from "./type-token.js";

/**
 * The provider object Pulumi serializes into state for every resource (`__provider`). It captures only
 * two literals and requires the package at call time: nothing of the SDK is inlined and no credential is
 * ever captured (they are read in `configure()`).
 *
 * Each resource kind's stub is the exports of its own module (`payi/stubs/*.ts`, exported by package.json
 * as `pulumi-limits/provider/payi/*`). Pulumi's closure serializer stores a captured object that is the
 * exports of a module inside node_modules as `require("<its export path>")` (`findNormalizedModuleNameAsync`
 * and `captureModuleAsync` in `@pulumi/pulumi/runtime/closure/createClosure.js`), so a program that installed
 * the package stores a ~250-byte `__provider` that loads whatever version is installed, and refresh or destroy
 * after an upgrade run the new code. From a checkout (no node_modules in the path) the stub is stored by value,
 * about 2.3 KB: the `with (...)` scopes of these nine functions.
 */
export function providerStub(kind: ProviderKind, version: number): pulumi.dynamic.ResourceProvider {
  // Every character here is stored once per resource: keep the bodies terse.
  const rt = (): RuntimeProvider => {
    try {
      return require("pulumi-limits/provider-runtime").provider(kind, version);
    } catch (e) {
      throw (e as { code?: string }).code === "MODULE_NOT_FOUND"
        ? new Error("pulumi-limits not found: npm install it or add it to NODE_PATH")
        : e;
    }
  };
  return {
    configure: (a) => rt().configure(a),
    check: (a, b) => rt().check(a, b),
    diff: (a, b, c) => rt().diff(a, b, c),
    create: (a) => rt().create(a),
    read: (a, b) => rt().read(a, b),
    update: (a, b, c) => rt().update(a, b, c),
    delete: (a, b) => rt().delete(a, b),
  };
}
