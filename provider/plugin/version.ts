// scripts/plugins.sh defines it when bundling: package.json's version, the plugins' and their schemas'.
declare const PULUMI_LIMITS_VERSION: string | undefined;

/** The plugin's version, as GetPluginInfo answers it. */
export const PROVIDER_VERSION_STRING = typeof PULUMI_LIMITS_VERSION === "string" ? PULUMI_LIMITS_VERSION : "0.0.0-dev";
