import { isDeepStrictEqual } from "node:util";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  LimitConfigCreateParamsSchema,
  UseCaseDefinitionCreateParamsSchema,
  UseCaseDefinitionUpdateParamsSchema,
  type LimitConfig,
  type UseCaseDefinition,
  type UseCaseInstance,
} from "../../../sdk/payi/resources/use-cases.js";
import type { ServiceContext } from "../../context.js";
import { badRequest, conflict, notFound } from "../../errors.js";
import { describeViolation, type Violation } from "../../../rules/violation.js";
import { storageViolations } from "../storage-caps.js";
import { useCaseViolations } from "../../../rules/payi/use-case.js";
import { createInstance } from "../services/use-case-instances.js";
import { instanceToWire, presentDefinition, type DefinitionRow, type InstanceRow } from "../repositories/use-cases.js";
import { limitSettingViolations, rejectViolations } from "../validation.js";
import { ListQuerySchema, page, paging } from "./paging.js";

const NameParams = z.object({ use_case_name: z.string() });
const InstanceParams = z.object({ use_case_name: z.string(), use_case_id: z.string() });
const DefinitionListQuerySchema = ListQuerySchema.extend({ use_case_name: z.string().optional() });
const invalidDefinition = { invalidInput: "invalid_use_case_definition" };
const invalidLimitConfig = { invalidInput: "invalid_limit_config" };
const byName = { schema: { params: NameParams } };
const byInstance = { schema: { params: InstanceParams } };

/** Routes for /api/v1/use_cases. */
export function useCaseRoutes(server: FastifyInstance, ctx: ServiceContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db, useCases } = ctx;
  const toWire = (row: DefinitionRow, requestId: string) => presentDefinition(row, requestId, ctx.profile);
  const mustFind = (name: string): DefinitionRow => {
    const row = useCases.findDefinition(name);
    if (!row) throw notFound("use_case_not_found", `Use case '${name}' was not found`);
    return row;
  };
  const limitConfigOf = (input: z.infer<typeof LimitConfigCreateParamsSchema>): LimitConfig => {
    rejectViolations([...limitSettingViolations(input, ctx.profile), ...storageViolations(input)], "invalid_limit_config");
    return {
      max: input.max,
      limit_type: input.limit_type ?? "allow",
      threshold: input.threshold ?? null,
      properties: input.properties ?? null,
    };
  };

  app.post(
    "/use_cases/definitions",
    { schema: { body: UseCaseDefinitionCreateParamsSchema }, config: invalidDefinition },
    async (request): Promise<UseCaseDefinition> => {
      const body = request.body;
      rejectDefinition(useCaseViolations(body));
      const config = body.limit_config ? limitConfigOf(body.limit_config) : null;
      return ctx.idempotency.once(request, () => {
        const row = db.transaction(() => {
          const existing = useCases.findDefinition(body.name);
          if (existing) {
            const same =
              existing.description === body.description &&
              (body.logging_enabled == null || existing.logging_enabled === body.logging_enabled) &&
              (config === null || isDeepStrictEqual(existing.limit_config, config));
            if (same) return existing;
            throw conflict("use_case_already_exists", `Use case '${body.name}' already exists with different settings`);
          }
          return useCases.insertDefinition(
            {
              name: body.name,
              description: body.description,
              logging_enabled: body.logging_enabled ?? null,
              limit_config: config,
            },
            ctx.now(),
          );
        })();
        return toWire(row, request.id);
      });
    },
  );

  app.get(
    "/use_cases/definitions",
    { schema: { querystring: DefinitionListQuerySchema }, config: { invalidInput: "invalid_query" } },
    async (request) => {
      const p = paging(request.query, ctx.profile);
      const { use_case_name } = request.query;
      const rows = useCases.listDefinitions({
        name: use_case_name,
        ascending: p.ascending,
        afterSeq: p.afterSeq,
        pageSize: p.pageSize + 1,
      });
      return page(rows, p, (row) => toWire(row, request.id));
    },
  );

  app.get("/use_cases/definitions/:use_case_name", byName, async (request): Promise<UseCaseDefinition> => {
    return toWire(mustFind(request.params.use_case_name), request.id);
  });

  const update = { params: NameParams, body: UseCaseDefinitionUpdateParamsSchema.optional() };
  app.put(
    "/use_cases/definitions/:use_case_name",
    { schema: update, config: invalidDefinition },
    async (request): Promise<UseCaseDefinition> => {
      const name = request.params.use_case_name;
      const body = request.body ?? {};
      rejectDefinition(useCaseViolations({ description: body.description }));
      return ctx.idempotency.once(request, () => {
        const row = db.transaction(() => {
          mustFind(name);
          return useCases.updateDefinition(
            name,
            {
              ...(body.description != null ? { description: body.description } : {}),
              ...(body.logging_enabled != null ? { logging_enabled: body.logging_enabled } : {}),
            },
            ctx.now(),
          );
        })();
        return toWire(row, request.id);
      });
    },
  );

  app.delete("/use_cases/definitions/:use_case_name", byName, async (request): Promise<UseCaseDefinition> => {
    const name = request.params.use_case_name;
    return ctx.idempotency.once(request, () => {
      const row = db.transaction(() => {
        const existing = mustFind(name);
        useCases.deleteDefinition(name);
        ctx.kpis.deleteAllOf(name);
        return existing;
      })();
      return toWire(row, request.id);
    });
  });

  const limitConfig = { params: NameParams, body: LimitConfigCreateParamsSchema };
  app.post(
    "/use_cases/definitions/:use_case_name/limit_config",
    { schema: limitConfig, config: invalidLimitConfig },
    async (request): Promise<UseCaseDefinition> => {
      const name = request.params.use_case_name;
      const config = limitConfigOf(request.body);
      return ctx.idempotency.once(request, () => {
        const row = db.transaction(() => {
          mustFind(name);
          return useCases.setLimitConfig(name, config, ctx.now());
        })();
        return toWire(row, request.id);
      });
    },
  );

  app.delete("/use_cases/definitions/:use_case_name/limit_config", byName, async (request): Promise<UseCaseDefinition> => {
    const name = request.params.use_case_name;
    return ctx.idempotency.once(request, () => {
      const row = db.transaction(() => {
        mustFind(name);
        return useCases.setLimitConfig(name, null, ctx.now());
      })();
      return toWire(row, request.id);
    });
  });

  app.post("/use_cases/definitions/:use_case_name/increment_version", byName, async (request): Promise<UseCaseDefinition> => {
    const name = request.params.use_case_name;
    return ctx.idempotency.once(request, () => {
      const row = db.transaction(() => {
        mustFind(name);
        return useCases.incrementVersion(name, ctx.now());
      })();
      return toWire(row, request.id);
    });
  });

  app.post("/use_cases/instances/:use_case_name", byName, async (request): Promise<UseCaseInstance> => {
    const name = request.params.use_case_name;
    return ctx.idempotency.once(request, () => instanceToWire(db.transaction(() => createInstance(ctx, mustFind(name)))()));
  });

  const mustFindInstance = ({ use_case_name, use_case_id }: z.infer<typeof InstanceParams>): InstanceRow => {
    const row = useCases.findInstance(use_case_name, use_case_id);
    if (!row) throw notFound("use_case_instance_not_found", `Use case instance '${use_case_name}/${use_case_id}' was not found`);
    return row;
  };

  app.get("/use_cases/instances/:use_case_name/:use_case_id", byInstance, async (request): Promise<UseCaseInstance> => {
    return instanceToWire(mustFindInstance(request.params));
  });

  app.delete("/use_cases/instances/:use_case_name/:use_case_id", byInstance, async (request): Promise<UseCaseInstance> => {
    return ctx.idempotency.once(request, () => {
      const row = db.transaction(() => {
        const existing = mustFindInstance(request.params);
        useCases.deleteInstance(existing.use_case_name, existing.use_case_id);
        ctx.kpis.deleteScoresOf(existing.use_case_name, existing.use_case_id);
        return existing;
      })();
      return instanceToWire(row);
    });
  });
}

/** Pay-i's codes for a definition's name and description rules (the name is worded "use case name"). */
function rejectDefinition(violations: Violation[]): void {
  const [first] = violations;
  if (!first) return;
  if (first.field === "name") throw badRequest("invalid_use_case_name", describeViolation(first, "use case name"));
  throw badRequest("invalid_use_case_description", describeViolation(first));
}
