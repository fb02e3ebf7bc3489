/**
 * Pay-i's wire fields ↔ the Pulumi inputs, written once per resource: the providers send and read through
 * these, and `pulumi-limits import` reads the service through them too.
 */
import type {
  Limit as ApiLimit,
  LimitCreateParams,
  LimitType,
  UseCaseDefinition as ApiDefinition,
  UseCaseDefinitionCreateParams,
} from "../../sdk/payi/index.js";
import type { LimitConfigCreateParams, UseCaseDefinitionUpdateParams } from "../../sdk/payi/resources/use-cases.js";
import { declaredThreshold } from "../../rules/payi/limit.js";
import { definedProperties } from "../../rules/payi/properties.js";
import { withoutResetMarker } from "../../rules/payi/reset.js";
import { OWNER_PROPERTY, withoutOwner } from "../ownership.js";
import type { LimitInputs, UseCaseDefinitionInputs, UseCaseLimitConfigInputs } from "./inputs.js";

/** What a Pay-i limit holds of a `Limit`'s declaration. */
export interface LimitFromApi {
  limitName: string;
  max: number;
  limitType: LimitType;
  threshold?: number;
  limitId: string;
  /**
   * The declared properties (the reset schedule among them, as stored), without the owner record and the
   * last-reset marker nobody declares; undefined when Pay-i did not echo them.
   */
  properties: Record<string, string> | undefined;
}

/** A threshold read back: absent when unset or Pay-i's default 1.0, which is the same (rules/payi/limit.ts). */
function threshold(value: number | null | undefined): { threshold?: number } {
  const declared = declaredThreshold(value);
  return declared === undefined ? {} : { threshold: declared };
}

/** A wire limit → the `Limit` inputs it holds. */
export function limitFromApi(limit: ApiLimit): LimitFromApi {
  return {
    limitName: limit.limit_name,
    max: limit.max,
    limitType: limit.limit_type,
    ...threshold(limit.threshold),
    limitId: limit.limit_id,
    properties: limit.properties == null ? undefined : withoutOwner(withoutResetMarker(definedProperties(limit.properties))),
  };
}

/**
 * The `Limit` input each wire field of a limit comes from: Pay-i's rules (rules/payi/limit.ts) name the wire
 * field a violation concerns, and each surface names it in its own words (a Pulumi property, a budgets.yaml field).
 */
export const LIMIT_INPUT_OF_WIRE: Readonly<Record<string, keyof LimitInputs>> = {
  limit_id: "limitId",
  limit_name: "limitName",
  max: "max",
  limit_type: "limitType",
  threshold: "threshold",
  properties: "properties",
};

/** `Limit` inputs → the body creating the limit `limitId`, with `ownerRecord` among its properties. */
export function limitToApi(inputs: LimitInputs, limitId: string, ownerRecord: string) {
  return {
    limit_id: limitId,
    limit_name: inputs.limitName,
    max: inputs.max,
    limit_type: inputs.limitType,
    threshold: inputs.threshold ?? null,
    properties: { ...inputs.properties, [OWNER_PROPERTY]: ownerRecord },
  } satisfies LimitCreateParams;
}

/** What a use-case definition holds of a `UseCaseDefinition`'s declaration. */
export type DefinitionFromApi = Pick<UseCaseDefinitionInputs, "name" | "description" | "loggingEnabled">;

/** A wire definition → the `UseCaseDefinition` inputs it holds. */
export function definitionFromApi(d: ApiDefinition): DefinitionFromApi {
  return {
    name: d.name,
    description: d.description,
    ...(d.logging_enabled != null ? { loggingEnabled: d.logging_enabled } : {}),
  };
}

/** `UseCaseDefinition` inputs → the body creating it (no limit config: `UseCaseLimitConfig` sets that). */
export function definitionToApi(inputs: UseCaseDefinitionInputs): UseCaseDefinitionCreateParams {
  return { name: inputs.name, description: inputs.description, logging_enabled: inputs.loggingEnabled ?? null };
}

/** `UseCaseDefinition` inputs → the body updating it; logging stays as it is unless declared. */
export function definitionUpdateToApi(inputs: UseCaseDefinitionInputs): UseCaseDefinitionUpdateParams {
  return {
    description: inputs.description,
    ...(inputs.loggingEnabled !== undefined ? { logging_enabled: inputs.loggingEnabled } : {}),
  };
}

/** What a definition's limit config holds of a `UseCaseLimitConfig`'s declaration. */
export type LimitConfigFromApi = Omit<UseCaseLimitConfigInputs, "owner" | "replaceOnChanges" | "adopt">;

/** A wire definition → the `UseCaseLimitConfig` inputs its limit config holds (the owner record removed); none without one. */
export function limitConfigFromApi(d: ApiDefinition): LimitConfigFromApi | undefined {
  const c = d.limit_config;
  if (!c) return undefined;
  return {
    useCaseName: d.name,
    max: c.max,
    limitType: c.limit_type ?? "allow",
    ...threshold(c.threshold),
    properties: withoutOwner(definedProperties(c.properties)),
  };
}

/** `UseCaseLimitConfig` inputs → the limit config body, with `ownerRecord` among its properties. */
export function limitConfigToApi(inputs: UseCaseLimitConfigInputs, ownerRecord: string): LimitConfigCreateParams {
  return {
    max: inputs.max,
    limit_type: inputs.limitType,
    threshold: inputs.threshold ?? null,
    properties: { ...inputs.properties, [OWNER_PROPERTY]: ownerRecord },
  };
}
