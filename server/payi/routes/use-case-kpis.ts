import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { PropertiesUpdateParamsSchema } from "../../../sdk/payi/resources/requests.js";
import type { UseCaseInstance } from "../../../sdk/payi/resources/use-cases.js";
import { mergeProperties } from "../../../rules/payi/properties.js";
import { propertyViolations } from "../storage-caps.js";
import { rejectViolations } from "../validation.js";
import type { ServiceContext } from "../../context.js";
import { badRequest, conflict, notFound } from "../../errors.js";
import { KpiTypeSchema, type KpiRow, type ScoreRow } from "../repositories/kpis.js";
import { instanceToWire, type InstanceRow } from "../repositories/use-cases.js";
import { ListQuerySchema, page, paging } from "./paging.js";

const NameParams = z.object({ use_case_name: z.string() });
const KpiParams = z.object({ use_case_name: z.string(), kpi_name: z.string() });
const InstanceParams = z.object({ use_case_name: z.string(), use_case_id: z.string() });
const InstanceKpiParams = InstanceParams.extend({ kpi_name: z.string() });
const KpiListQuerySchema = ListQuerySchema.extend({ kpi_name: z.string().optional() });

const KpiCreateSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9._ -]{1,64}$/, "must be 1-64 characters of letters, digits, spaces, '.', '-' or '_'"),
  description: z.string().max(1024, "must be at most 1024 characters"),
  goal: z.number(),
  kpi_type: KpiTypeSchema,
});
const KpiUpdateSchema = z.object({
  description: z.string().max(1024, "must be at most 1024 characters").nullish(),
  goal: z.number().nullish(),
});
const ScoreSchema = z.object({ score: z.union([z.boolean(), z.number()]).nullish() });
const invalidKpi = { invalidInput: "invalid_kpi" };
const invalidQuery = { invalidInput: "invalid_query" };

function kpiToWire(row: KpiRow, requestId: string) {
  return {
    name: row.name,
    description: row.description,
    request_id: requestId,
    goal: row.goal,
    kpi_type: row.kpi_type,
    created_timestamp: row.created_at,
    updated_timestamp: row.updated_at,
  };
}

function scoreToWire(row: ScoreRow, kpiType: string | undefined) {
  return {
    kpi_name: row.kpi_name,
    kpi_type: kpiType ?? null,
    score: row.score,
    create_timestamp: row.created_at,
    update_timestamp: row.updated_at,
  };
}

/**
 * Routes for use-case KPIs (`client.use_cases.definitions.kpis`, `client.use_cases.kpis`) and instance
 * properties (`client.use_cases.properties`): KPIs are defined per use case and scored per instance.
 */
export function useCaseKpiRoutes(server: FastifyInstance, ctx: ServiceContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db, kpis, useCases } = ctx;
  const mustFindDefinition = (name: string) => {
    const row = useCases.findDefinition(name);
    if (!row) throw notFound("use_case_not_found", `Use case '${name}' was not found`);
    return row;
  };
  const mustFindKpi = (useCaseName: string, kpiName: string): KpiRow => {
    mustFindDefinition(useCaseName);
    const row = kpis.find(useCaseName, kpiName);
    if (!row) throw notFound("kpi_not_found", `Use case '${useCaseName}' has no KPI '${kpiName}'`);
    return row;
  };
  const mustFindInstance = (useCaseName: string, useCaseId: string): InstanceRow => {
    const row = useCases.findInstance(useCaseName, useCaseId);
    if (!row) throw notFound("use_case_instance_not_found", `Use case instance '${useCaseName}/${useCaseId}' was not found`);
    return row;
  };

  app.post(
    "/use_cases/definitions/:use_case_name/kpis",
    { schema: { params: NameParams, body: KpiCreateSchema }, config: invalidKpi },
    async (request) => {
      const { use_case_name } = request.params;
      const body = request.body;
      return ctx.idempotency.once(request, () => {
        const row = db.transaction(() => {
          mustFindDefinition(use_case_name);
          const existing = kpis.find(use_case_name, body.name);
          if (existing) {
            const same =
              existing.description === body.description && existing.goal === body.goal && existing.kpi_type === body.kpi_type;
            if (same) return existing;
            throw conflict(
              "kpi_already_exists",
              `Use case '${use_case_name}' already has a KPI '${body.name}' with different settings`,
            );
          }
          return kpis.insert({ use_case_name, ...body }, ctx.now());
        })();
        return kpiToWire(row, request.id);
      });
    },
  );

  const list = { schema: { params: NameParams, querystring: KpiListQuerySchema }, config: invalidQuery };
  app.get("/use_cases/definitions/:use_case_name/kpis", list, async (request) => {
    const { use_case_name } = request.params;
    const p = paging(request.query, ctx.profile);
    mustFindDefinition(use_case_name);
    const rows = kpis.list(use_case_name, {
      kpiName: request.query.kpi_name,
      ascending: p.ascending,
      afterSeq: p.afterSeq,
      pageSize: p.pageSize + 1,
    });
    return page(rows, p, (row) => kpiToWire(row, request.id));
  });

  app.get("/use_cases/definitions/:use_case_name/kpis/:kpi_name", { schema: { params: KpiParams } }, async (request) => {
    const { use_case_name, kpi_name } = request.params;
    return kpiToWire(mustFindKpi(use_case_name, kpi_name), request.id);
  });

  const update = { schema: { params: KpiParams, body: KpiUpdateSchema.optional() }, config: invalidKpi };
  app.put("/use_cases/definitions/:use_case_name/kpis/:kpi_name", update, async (request) => {
    const { use_case_name, kpi_name } = request.params;
    const body = request.body ?? {};
    return ctx.idempotency.once(request, () => {
      const row = db.transaction(() => {
        mustFindKpi(use_case_name, kpi_name);
        const changes = {
          ...(body.description != null ? { description: body.description } : {}),
          ...(body.goal != null ? { goal: body.goal } : {}),
        };
        return kpis.update(use_case_name, kpi_name, changes, ctx.now());
      })();
      return kpiToWire(row, request.id);
    });
  });

  app.delete("/use_cases/definitions/:use_case_name/kpis/:kpi_name", { schema: { params: KpiParams } }, async (request) => {
    const { use_case_name, kpi_name } = request.params;
    return ctx.idempotency.once(request, () => {
      const row = db.transaction(() => {
        const existing = mustFindKpi(use_case_name, kpi_name);
        kpis.delete(use_case_name, kpi_name);
        return existing;
      })();
      return kpiToWire(row, request.id);
    });
  });

  // Setting a score is idempotent by nature; Pay-i answers with no body (the official client returns None).
  const score = {
    schema: { params: InstanceKpiParams, body: ScoreSchema.optional() },
    config: { invalidInput: "invalid_kpi_score" },
  };
  app.put("/use_cases/instances/:use_case_name/:use_case_id/kpis/:kpi_name", score, async (request, reply) => {
    const { use_case_name, use_case_id, kpi_name } = request.params;
    const given = request.body?.score;
    db.transaction(() => {
      mustFindInstance(use_case_name, use_case_id);
      const kpi = mustFindKpi(use_case_name, kpi_name);
      const value = typeof given === "boolean" ? (given ? 1 : 0) : (given ?? null);
      if (value !== null && kpi.kpi_type === "boolean" && value !== 0 && value !== 1) {
        throw badRequest("invalid_kpi_score", `score of boolean KPI '${kpi_name}' must be true or false (got ${value})`);
      }
      kpis.setScore({ use_case_name, use_case_id, kpi_name, score: value }, ctx.now());
    })();
    return reply.status(204).send();
  });

  const scores = { schema: { params: InstanceParams, querystring: KpiListQuerySchema }, config: invalidQuery };
  app.get("/use_cases/instances/:use_case_name/:use_case_id/kpis", scores, async (request) => {
    const { use_case_name, use_case_id } = request.params;
    const p = paging(request.query, ctx.profile);
    mustFindInstance(use_case_name, use_case_id);
    const query = { kpiName: request.query.kpi_name, ascending: p.ascending, afterSeq: p.afterSeq, pageSize: p.pageSize + 1 };
    return page(kpis.scores(use_case_name, use_case_id, query), p, (row) =>
      scoreToWire(row, kpis.find(use_case_name, row.kpi_name)?.kpi_type),
    );
  });

  const properties = {
    schema: { params: InstanceParams, body: PropertiesUpdateParamsSchema },
    config: { invalidInput: "invalid_properties" },
  };
  app.put(
    "/use_cases/instances/:use_case_name/:use_case_id/properties",
    properties,
    async (request): Promise<UseCaseInstance> => {
      const { use_case_name, use_case_id } = request.params;
      const body = request.body;
      return ctx.idempotency.once(request, () => {
        const row = db.transaction(() => {
          const instance = mustFindInstance(use_case_name, use_case_id);
          const merged = mergeProperties(instance.properties, body.properties);
          rejectViolations(propertyViolations("properties", merged, true), "invalid_properties");
          useCases.setInstanceProperties(use_case_name, use_case_id, merged);
          return mustFindInstance(use_case_name, use_case_id);
        })();
        return instanceToWire(row);
      });
    },
  );
}
