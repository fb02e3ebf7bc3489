/** Pulumi resources for Pay-i. */
export { Limit, type LimitArgs } from "./limit.js";
export { UseCaseDefinition, type UseCaseDefinitionArgs } from "./use-case-definition.js";
export { UseCaseLimitConfig, type UseCaseLimitConfigArgs } from "./use-case-limit-config.js";
export { PROVIDER_VERSION } from "./version.js";
