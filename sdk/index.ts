/**
 * Typed clients for the APIs pulumi-limits manages (`pulumi-limits/sdk`): Pay-i today, Limitry beside it.
 * Per-API entry points: `pulumi-limits/sdk/payi`, `pulumi-limits/sdk/limitry`.
 */
export * from "./payi/index.js";
