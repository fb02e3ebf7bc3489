/** Pulumi resources for Limitry: `limitry.Meter` and `limitry.Limit`. */
export { Meter, type MeterArgs } from "./meter.js";
export { Limit, type LimitArgs } from "./limit.js";
