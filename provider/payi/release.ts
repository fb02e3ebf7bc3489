import type { Payi } from "../../sdk/payi/index.js";
import { OWNER_PROPERTY, ownerRecordOf, withoutOwner, type OwnerRecord } from "../ownership.js";
import { definedProperties } from "../../rules/payi/properties.js";

/**
 * Clears a limit's owner record, so that another stack may adopt it (`adopt: true`). The stack that
 * managed it should drop it from its state first (`pulumi state delete <urn>`). Returns the record cleared,
 * or `"unreadable"` when Pay-i returned no properties (its `Limit` model has none): the record, if any, is
 * cleared all the same, but whose it was cannot be told, and the old stack cannot see that it was released.
 */
export async function releaseLimit(client: Payi, limitId: string): Promise<OwnerRecord | "unreadable" | undefined> {
  const { limit } = await client.limits.retrieve(limitId);
  if (limit.properties == null) {
    await client.limits.properties.update(limitId, { properties: { [OWNER_PROPERTY]: null } });
    return "unreadable";
  }
  const record = ownerRecordOf(limit.properties);
  if (record) await client.limits.properties.update(limitId, { properties: { [OWNER_PROPERTY]: null } });
  return record;
}

/** Clears the owner record of a use case's limit config (set again as it is, without the record). */
export async function releaseUseCaseLimitConfig(client: Payi, useCaseName: string): Promise<OwnerRecord | undefined> {
  const definition = await client.useCases.definitions.retrieve(useCaseName);
  const config = definition.limit_config;
  const record = ownerRecordOf(config?.properties);
  if (config && record) {
    await client.useCases.definitions.limitConfig.create(useCaseName, {
      max: config.max,
      limit_type: config.limit_type ?? null,
      threshold: config.threshold ?? null,
      properties: withoutOwner(definedProperties(config.properties)),
    });
  }
  return record;
}
