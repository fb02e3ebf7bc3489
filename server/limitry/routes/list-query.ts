import { z } from "zod";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decodeCursor, type PageQuery } from "../repositories/page.js";
import { parseInput } from "../validation.js";

/** Query parameters of every list: `limit` 1–100 (default 50) and `cursor`, plus each list's filters. */
export const ListQuerySchema = z.looseObject({
  limit: z.coerce.number().int("must be a whole number").min(1, "must be between 1 and 100").max(MAX_PAGE_SIZE, "must be between 1 and 100").optional(),
  cursor: z.string().optional(),
  customerId: z.string().optional(),
  limitId: z.string().optional(),
});

export function listQuery(query: unknown): PageQuery & z.infer<typeof ListQuerySchema> {
  const q = parseInput(ListQuerySchema, query, "query");
  return { ...q, afterSeq: decodeCursor(q.cursor), size: q.limit ?? DEFAULT_PAGE_SIZE };
}
