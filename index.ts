/**
 * pulumi-limits: budgets as code for AI spend. Pay-i limits and use cases as Pulumi resources, a typed
 * Pay-i client, and a Pay-i-compatible local service.
 */
export { Limit, UseCaseDefinition, UseCaseLimitConfig, type LimitArgs, type UseCaseDefinitionArgs, type UseCaseLimitConfigArgs } from "./provider/index.js";
export { limitry } from "./provider/index.js";
export * as sdk from "./sdk/index.js";
export { Payi, Limitry } from "./sdk/index.js";
export { serve, type ServeConfig, type RunningService } from "./server/serve.js";
