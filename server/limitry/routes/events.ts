import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  EventBatchParamsSchema,
  EventRecordParamsSchema,
  type EventBatchResponse,
  type EventRecordParams,
  type EventRecordResponse,
} from "../../../sdk/limitry/resources/events.js";
import { batchViolations, eventViolations, parseTimestamp } from "../../../rules/limitry/validation.js";
import type { LimitryContext } from "../context.js";
import { rejectViolations } from "../errors.js";
import { applyOnce } from "../idempotency.js";
import type { NewEvent } from "../repositories/events.js";
import { recordEvents } from "../services/record.js";
import { now } from "./meters.js";

type ParsedEvent = ReturnType<typeof EventRecordParamsSchema.parse>;

/** Routes for /v1/events: record one, or a batch of up to 1000 (all or none). */
export function eventRoutes(server: FastifyInstance, ctx: LimitryContext): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  /** Stores events, creating unknown customers, and fires the alerts they cause: one transaction. */
  const recordAll = (events: ParsedEvent[]): string[] =>
    ctx.db.transaction(() =>
      recordEvents(
        ctx,
        events.map((event) => toNewEvent(event, ctx.clock())),
        now(ctx),
      ),
    )();

  app.post(
    "/events/record",
    { schema: { body: EventRecordParamsSchema } },
    async (request, reply): Promise<EventRecordResponse> => {
      const event = request.body;
      rejectViolations(eventViolations(event));
      return applyOnce(ctx, request, reply, 201, () => {
        const [id] = recordAll([event]);
        return { id: id ?? "", recorded: true };
      });
    },
  );

  app.post("/events/batch", { schema: { body: EventBatchParamsSchema } }, async (request, reply): Promise<EventBatchResponse> => {
    const { events } = request.body;
    rejectViolations([...batchViolations(events.length), ...events.flatMap((e, i) => eventViolations(e, `events[${i}].`))]);
    return applyOnce(ctx, request, reply, 201, () => ({ count: recordAll(events).length }));
  });
}

function toNewEvent(event: EventRecordParams, clock: Date): NewEvent {
  const timestamp = event.timestamp == null ? clock : (parseTimestamp(event.timestamp) ?? clock);
  return {
    customerId: event.customerId,
    eventType: event.eventType,
    timestampMs: timestamp.getTime(),
    values: event.values ?? {},
    dimensions: event.dimensions ?? {},
    properties: event.properties ?? {},
  };
}
