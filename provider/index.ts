/** Pulumi resources for Pay-i (and, beside them, Limitry). */
export { Limit, type LimitArgs } from "./payi/limit.js";
export { UseCaseDefinition, type UseCaseDefinitionArgs } from "./payi/use-case-definition.js";
export { UseCaseLimitConfig, type UseCaseLimitConfigArgs } from "./payi/use-case-limit-config.js";
export { PROVIDER_VERSION } from "./version.js";
/** Limitry resources: `limitry.Meter`, `limitry.Limit` (URN types `pulumi-nodejs:dynamic/limitry:Meter|Limit`). */
export * as limitry from "./limitry/index.js";
