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
import type { RunningService, ServeConfig } from "./server/serve.js";
export type { RunningService, ServeConfig };

/**
 * Starts the Pay-i- and Limitry-compatible local service (see `pulumi-limits serve`). The service (fastify,
 * SQLite) loads on the first call, not with this entry point: a Pulumi program imports this module for its
 * resources only, and the engine runs it on every preview.
 */
export async function serve(config: ServeConfig): Promise<RunningService> {
  const service: typeof import("./server/serve.js") = require("./server/serve.js");
  return service.serve(config);
}
