import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  BulkIngestEventSchema,
  IngestEventBodySchema,
  IngestHeaders,
  type BulkIngestResponse,
  type IngestResponse,
} from "../../../sdk/payi/resources/ingest.js";
import type { ServiceContext } from "../../context.js";
import { ServiceError, envelope } from "../../errors.js";
import { ingestEvent, type IngestContext } from "../services/ingest.js";
import { parseInput } from "../validation.js";

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(",") : value;
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

function splitIds(ids: readonly string[]): string[] {
  return ids
    .flatMap((id) => id.split(","))
    .map((id) => id.trim())
    .filter((id) => id !== "");
}

/** Routes for /api/v1/ingest. */
export function ingestRoutes(server: FastifyInstance, ctx: ServiceContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const invalidIngest = { invalidInput: "invalid_ingest_request" };
  app.post(
    "/ingest",
    { schema: { body: IngestEventBodySchema }, config: invalidIngest },
    async (request): Promise<IngestResponse> => {
      const event = request.body;
      const h = request.headers;
      const context: IngestContext = {
        limitIds: splitIds([header(h, IngestHeaders.limitIds) ?? ""]),
        useCaseName: header(h, IngestHeaders.useCaseName),
        useCaseId: header(h, IngestHeaders.useCaseId),
        useCaseStep: header(h, IngestHeaders.useCaseStep),
        userId: header(h, IngestHeaders.userId),
        accountName: header(h, IngestHeaders.accountName),
      };
      return ctx.idempotency.once(request, () => {
        const result = ingestEvent(ctx, event, context, request.id);
        const now = ctx.now();
        return {
          request_id: request.id,
          event_timestamp: event.event_timestamp ?? now,
          ingest_timestamp: now,
          xproxy_result: result,
        };
      });
    },
  );

  app.post(
    "/ingest/bulk",
    { schema: { body: z.array(z.unknown()).optional() }, config: invalidIngest },
    async (request): Promise<BulkIngestResponse> => {
      const events = request.body ?? [];
      // One transaction around the batch: an item's own 4xx rolls back only that item (each ingest is a
      // savepoint) and is reported per item; anything unexpected rolls back the whole batch before the 5xx.
      return ctx.idempotency.once(request, () =>
        ctx.db.transaction((): BulkIngestResponse => {
          const errors: NonNullable<BulkIngestResponse["errors"]> = [];
          let ingested = 0;
          events.forEach((raw, index) => {
            try {
              const event = parseInput(BulkIngestEventSchema, raw, "invalid_ingest_request", `[${index}]`);
              ingestEvent(
                ctx,
                event,
                {
                  limitIds: splitIds(event.limit_ids ?? []),
                  useCaseName: event.use_case_name ?? undefined,
                  useCaseId: event.use_case_id ?? undefined,
                  useCaseStep: event.use_case_step ?? undefined,
                  userId: event.user_id ?? undefined,
                  accountName: event.account_name ?? undefined,
                },
                `${request.id}_${index}`,
              );
              ingested++;
            } catch (error) {
              if (!(error instanceof ServiceError)) throw error;
              errors.push({ item_index: index, xproxy_result: envelope(error.statusCode, error.code, error.message) });
            }
          });
          return {
            ingest_count: ingested,
            ingest_timestamp: ctx.now(),
            request_id: request.id,
            error_count: errors.length,
            item_error_count: errors.length,
            total_count: events.length,
            errors,
          };
        })(),
      );
    },
  );
}
