/**
 * pulumi-limits: budgets as code for AI spend. Pay-i limits and use cases as Pulumi resources, and a
 * Pay-i-compatible local service. The typed Pay-i client is `pulumi-limits/sdk`: its types are built on
 * zod's, which do not compile under the `pulumi new typescript` tsconfig (no `esModuleInterop`), so a
 * program importing only this entry point never loads them.
 */
export {
  Limit,
  UseCaseDefinition,
  UseCaseLimitConfig,
  type LimitArgs,
  type UseCaseDefinitionArgs,
  type UseCaseLimitConfigArgs,
} from "./provider/index.js";
export { limitry } from "./provider/index.js";
export { serve, type ServeConfig, type RunningService } from "./server/serve.js";
