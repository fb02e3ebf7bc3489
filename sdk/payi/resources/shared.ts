import { z } from "zod";

/**
 * An amount of money in USD. Pay-i emits numbers; some docs show numeric strings ("0.0199"), so both parse.
 */
export const MoneySchema = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, "expected a number or a numeric string")
    .transform(Number),
]);

/** ISO-8601 timestamp, as Pay-i emits them. */
export const TimestampSchema = z.string();

export const CostDetailsSchema = z.looseObject({
  base: MoneySchema,
  /** Spend above `max`, when positive. */
  overrun_base: MoneySchema.nullish(),
});

export const CostDataSchema = z.looseObject({
  input: z.looseObject({ base: MoneySchema }),
  output: z.looseObject({ base: MoneySchema }),
  total: CostDetailsSchema,
});

/** Request counts per limit state. */
export const RequestsDataSchema = z.looseObject({
  ok: z.number().int(),
  blocked: z.number().int(),
  blocked_external: z.number().int(),
  exceeded: z.number().int(),
  failed: z.number().int(),
  overrun: z.number().int(),
  total: z.number().int(),
});

/** Everything a limit has tracked since its creation or last reset. */
export const TotalCostDataSchema = z.looseObject({
  cost: CostDataSchema,
  requests: RequestsDataSchema,
});
export type TotalCostData = z.infer<typeof TotalCostDataSchema>;

/** State of a limit after a request: `ok` < threshold×max ≤ `exceeded` < max ≤ `overrun`. */
export const LimitStateSchema = z.enum(["ok", "blocked", "blocked_external", "exceeded", "overrun", "failed"]);
export type LimitState = z.infer<typeof LimitStateSchema>;

/** Units of one type, as ingested or as left unpriced. */
export const UnitsSchema = z.looseObject({
  input: z.number().int().nonnegative().nullish(),
  output: z.number().int().nonnegative().nullish(),
});

/** Pay-i's per-request result: cost, limit states and echoed context. */
export const XproxyResultSchema = z.looseObject({
  request_id: z.string().nullish(),
  cost: z
    .looseObject({
      currency: z.string().nullish(),
      input: z.looseObject({ base: MoneySchema }).nullish(),
      output: z.looseObject({ base: MoneySchema }).nullish(),
      total: CostDetailsSchema.nullish(),
    })
    .nullish(),
  limits: z.record(z.string(), z.looseObject({ state: LimitStateSchema.nullish() })).nullish(),
  blocked_limit_ids: z.array(z.string()).nullish(),
  resource_id: z.string().nullish(),
  unknown_units: z.record(z.string(), UnitsSchema).nullish(),
  use_case_id: z.string().nullish(),
  use_case_name: z.string().nullish(),
  use_case_step: z.string().nullish(),
  user_id: z.string().nullish(),
  account_name: z.string().nullish(),
  warnings: z.array(z.string()).nullish(),
});
export type XproxyResult = z.infer<typeof XproxyResultSchema>;

/** Body of calls that return nothing but an acknowledgement. */
export const DefaultResponseSchema = z.looseObject({
  request_id: z.string(),
  message: z.string().nullish(),
});
export type DefaultResponse = z.infer<typeof DefaultResponseSchema>;

/**
 * A list of the objects a call changed, as the official client types it, or the bare acknowledgement
 * `{request_id}` Pay-i's docs show for the same call (reference, "unconfirmed"): the official client accepts
 * either, and so does this one, reading the acknowledgement as an empty list (it names no object).
 */
export function listOrAcknowledgement<T extends z.ZodType>(item: T) {
  return z.union([z.array(item), DefaultResponseSchema.transform((): z.output<T>[] => [])]);
}

/** Pay-i's error envelope. */
export const ErrorBodySchema = z.object({
  statusCode: z.number().int(),
  message: z.string(),
  xproxy_error: z.object({ code: z.string(), message: z.string() }).optional(),
  xproxy_result: XproxyResultSchema.optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** String-to-string property bag; null values are allowed on the wire. */
export const PropertiesSchema = z.record(z.string(), z.string().nullable());

/** Query parameters every list endpoint accepts. */
export interface ListParams {
  /** Opaque cursor of the page to fetch; the SDK's iteration fills this in for you. */
  cursor?: string;
  /** Page size: default 25, max 100. */
  limit?: number;
  /** Order by creation time; default true. */
  sort_ascending?: boolean;
}

/** Pay-i list bodies are already `{items, cursor}`: the page reader for the core's `list`. */
export function samePage<Item>(body: { items: Item[]; cursor?: string | null | undefined }) {
  return body;
}

/**
 * Header of the idempotency key this SDK sends on every non-GET call, the same on each retry of one call.
 * Pay-i documents no such key and its own clients send none, so the SDK relies on it only once the server has
 * echoed a key back in this header (the local service does, and replays each key's first answer): from then
 * on a retried ingest charges once; before, an ingest whose answer was lost is not resent.
 */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
