import { randomUUID } from "node:crypto";
import type { ServiceContext } from "../../context.js";
import { instanceLimitName } from "../../../rules/payi/use-case.js";
import { newLimitId } from "../repositories/limits.js";
import type { DefinitionRow, InstanceRow } from "../repositories/use-cases.js";

/**
 * Starts an instance of a use case. When the definition has a limit config, the instance gets its own
 * limit with those settings (seed 002), named after the instance, or (strict profile: Pay-i documents no
 * name) an opaque name. Runs inside the caller's transaction.
 */
export function createInstance(ctx: ServiceContext, def: DefinitionRow, useCaseId: string = randomUUID()): InstanceRow {
  let limitId: string | null = null;
  const config = def.limit_config;
  if (config !== null) {
    limitId = newLimitId(ctx.limits, ctx.profile);
    // Someone may have taken the instance's name for a limit of their own: the instance's limit then
    // carries its id too, since its name is ours to choose and the other limit is not ours to touch.
    const preferred = instanceLimitName(def.name, useCaseId);
    ctx.limits.insert(
      {
        limit_id: limitId,
        limit_name: !ctx.profile.derivesInstanceLimitNames
          ? randomUUID()
          : ctx.limits.findByName(preferred)
            ? `${preferred}/${limitId}`
            : preferred,
        limit_type: config.limit_type ?? "allow",
        max: config.max,
        threshold: config.threshold ?? null,
        properties: config.properties ?? {},
        limit_tags: [],
      },
      ctx.now(),
    );
  }
  return ctx.useCases.insertInstance(
    { use_case_id: useCaseId, use_case_name: def.name, limit_id: limitId, type_version: def.type_version },
    ctx.now(),
  );
}
