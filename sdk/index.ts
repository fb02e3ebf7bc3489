/**
 * Typed clients for the APIs pulumi-limits manages (`pulumi-limits/sdk`): Pay-i today, Limitry beside it.
 * Per-API entry points: `pulumi-limits/sdk/payi`, `pulumi-limits/sdk/limitry`.
 */
export * from "./payi/index.js";
export { Limitry, LimitryError } from "./limitry/index.js";
/** Limitry's types and errors under one name (`limitry.Limit`, `limitry.Meter`), beside Pay-i's. */
export * as limitry from "./limitry/index.js";
