import { z } from "zod";
import type { APIError } from "../../core/errors.js";
export { segment } from "../../core/path.js";

/** ISO-8601 timestamp, as Limitry emits them (`createdAt`, `updatedAt`, `timestamp`). */
export const TimestampSchema = z.string();

/** String → string map: event dimensions, a meter's `eventFilter.dimensions`, a limit's `dimensionFilters`. */
export const DimensionsSchema = z.record(z.string(), z.string());
export type Dimensions = z.infer<typeof DimensionsSchema>;

/** A list page on the wire: `{data, nextCursor, hasMore}`. */
export function listPageSchema<Item extends z.ZodType>(item: Item) {
  return z.looseObject({ data: z.array(item), nextCursor: z.string().nullish(), hasMore: z.boolean() });
}

/** Query of every list call: page size 1–100 (default 50) and the cursor of the page to start from. */
export interface ListParams {
  limit?: number;
  cursor?: string;
}

/** `{success: true}`, the answer to every delete. */
export const DeleteResponseSchema = z.looseObject({ success: z.boolean() });
export type DeleteResponse = z.infer<typeof DeleteResponseSchema>;

/** A delete's `settledBy`: the object's not-found code after a lost answer means the first attempt deleted it. */
export function goneAlready(code: string) {
  return (error: APIError): DeleteResponse | undefined =>
    error.status === 404 && error.code === code ? { success: true } : undefined;
}
