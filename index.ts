/** pulumi-limits: Pay-i limits as Pulumi resources, a typed Pay-i client and a local Pay-i-compatible service. */
export * as sdk from "./sdk/index.js";
export { Payi } from "./sdk/index.js";
export { serve, type ServeConfig, type RunningService } from "./server/serve.js";
