import { z } from "zod";
import type { PageBody } from "../../core/pagination.js";
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

/** Reads a Limitry list page into the core's page: the cursor counts only while `hasMore` is true. */
export function toPage<Item>(body: { data: Item[]; nextCursor?: string | null | undefined; hasMore: boolean }): PageBody<Item> {
  return { items: body.data, cursor: body.hasMore ? (body.nextCursor ?? null) : null };
}

/** Query of every list call: page size 1–100 (default 50) and the cursor of the page to start from. */
export interface ListParams {
  limit?: number;
  cursor?: string;
}

/** `{success: true}`, the answer to every delete. */
export const DeleteResponseSchema = z.looseObject({ success: z.boolean() });
export type DeleteResponse = z.infer<typeof DeleteResponseSchema>;
