/**
 * Limitry's wire fields ↔ the Pulumi inputs, written once per resource: the providers send and read through
 * these, and `pulumi-limits import` reads the service through them too. Limitry's wire names are camelCase,
 * like the inputs; what differs is null (wire) for absent (inputs).
 */
import type { Limit as ApiLimit, LimitCreateParams, Meter as ApiMeter, MeterCreateParams } from "../../sdk/limitry/index.js";
import type { LimitInputs, MeterInputs } from "./inputs.js";

/** A wire meter → the `limitry.Meter` inputs it holds (no `adoptId`: that is the declaration's own). */
export function meterFromApi(meter: ApiMeter): MeterInputs {
  const filter = meter.eventFilter;
  const eventFilter =
    filter && (filter.eventType != null || filter.dimensions != null)
      ? {
          ...(filter.eventType != null ? { eventType: filter.eventType } : {}),
          ...(filter.dimensions != null ? { dimensions: filter.dimensions } : {}),
        }
      : undefined;
  return {
    name: meter.name,
    aggregation: meter.aggregation,
    field: meter.field,
    ...(meter.description != null ? { description: meter.description } : {}),
    ...(eventFilter ? { eventFilter } : {}),
  };
}

/** `limitry.Meter` inputs → the body creating the meter. */
export function meterToApi(inputs: MeterInputs): MeterCreateParams {
  return {
    name: inputs.name,
    aggregation: inputs.aggregation,
    field: inputs.field,
    description: inputs.description ?? null,
    eventFilter: inputs.eventFilter ?? null,
  };
}

/** A wire limit → the `limitry.Limit` inputs it holds (no `adoptId`). */
export function limitFromApi(limit: ApiLimit): LimitInputs {
  return {
    name: limit.name,
    meterId: limit.meterId,
    limitValue: limit.limitValue,
    period: limit.period,
    ...(limit.customerId !== null ? { customerId: limit.customerId } : {}),
    dimensionFilters: limit.dimensionFilters,
    ...(limit.alertThresholds !== null ? { alertThresholds: limit.alertThresholds } : {}),
  };
}

/** `limitry.Limit` inputs → the body creating the limit. */
export function limitToApi(inputs: LimitInputs): LimitCreateParams {
  return {
    name: inputs.name,
    meterId: inputs.meterId,
    limitValue: inputs.limitValue,
    period: inputs.period,
    customerId: inputs.customerId ?? null,
    dimensionFilters: inputs.dimensionFilters,
    alertThresholds: inputs.alertThresholds ?? null,
  };
}
