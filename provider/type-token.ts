/**
 * The Pulumi type of every pulumi-limits resource, written once: each resource class passes its `module` and
 * `type` to `pulumi.dynamic.Resource`, and the CLI (plans, drift, checkpoints) and the tests read the same
 * entries. Policy packs may not import the provider; a unit test pins their copy to these.
 */
export const RESOURCE_TYPES = {
  limit: { module: "payi", type: "Limit" },
  useCaseDefinition: { module: "payi", type: "UseCaseDefinition" },
  useCaseLimitConfig: { module: "payi", type: "UseCaseLimitConfig" },
  limitryMeter: { module: "limitry", type: "Meter" },
  limitryLimit: { module: "limitry", type: "Limit" },
  limitryCustomer: { module: "limitry", type: "Customer" },
  stackInstance: { module: "pulumi-limits", type: "StackInstance" },
} as const;

/** One pulumi-limits resource kind, as the provider runtime names it. */
export type ProviderKind = keyof typeof RESOURCE_TYPES;

/**
 * The type token the engine records for a kind: a dynamic resource's `pulumi-nodejs:dynamic/<module>:<type>`
 * (e.g. `pulumi-nodejs:dynamic/limitry:Limit`).
 */
export function typeToken(kind: ProviderKind): string {
  const { module, type } = RESOURCE_TYPES[kind];
  return `pulumi-nodejs:dynamic/${module}:${type}`;
}

/**
 * The type token of a kind in the provider plugins' package schemas (`payi:index:Limit`,
 * `limitry:index:Meter`): the plugin's package, its one module `index`, and the type.
 */
export function pluginToken(kind: ProviderKind): string {
  const { module, type } = RESOURCE_TYPES[kind];
  return `${module}:index:${type}`;
}
