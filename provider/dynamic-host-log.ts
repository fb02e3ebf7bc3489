import * as pulumi from "@pulumi/pulumi";

// Why this file exists: with @pulumi/pulumi 3.259, a dynamic provider's stderr never reaches the user and
// `pulumi.log` in the provider host has no engine connection (only a program process gets the engine
// address from its environment). The host does receive the address as its first argument, so the logger
// is pointed at it once here. Remove this when the SDK connects the provider host's logger itself.
let loggerConnected = false;

/**
 * A warning in the engine's output from the dynamic-provider host (the warning sink runtime.ts installs). The
 * engine does not show a dynamic provider's stderr, and the SDK's logger only knows the engine address in a
 * program process; the provider host receives it as its first argument, so connect the logger to it once.
 */
export async function dynamicHostWarn(message: string): Promise<void> {
  const engineAddress = process.argv[2];
  if (!loggerConnected && engineAddress && /^[\w.-]+:\d+$/.test(engineAddress)) {
    // Only the engine address matters to the logger; keep whatever project/stack the host knows.
    const known = (read: () => string) => {
      try {
        return read();
      } catch {
        return "";
      }
    };
    pulumi.runtime.resetOptions(
      known(pulumi.getProject),
      known(pulumi.getStack),
      -1,
      engineAddress,
      "",
      false,
      known(pulumi.getOrganization),
    );
    loggerConnected = true;
  }
  await pulumi.log.warn(message);
}
