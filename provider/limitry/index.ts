/** Pulumi resources for Limitry: `limitry.Meter`, `limitry.Limit` and `limitry.Customer`. */
export { Meter, type MeterArgs } from "./meter.js";
export { Limit, type LimitArgs } from "./limit.js";
export { Customer, type CustomerArgs } from "./customer.js";
