import { z } from "zod";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decodeCursor, type PageQuery } from "../repositories/page.js";

/** Query parameters of every list: `limit` 1–100 (default 50) and `cursor`, plus each list's filters. */
export const ListQuerySchema = z.looseObject({
  limit: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be between 1 and 100")
    .max(MAX_PAGE_SIZE, "must be between 1 and 100")
    .optional(),
  cursor: z.string().optional(),
  customerId: z.string().optional(),
  limitId: z.string().optional(),
});

/** The keyset position and page size a validated list query stands for. */
export function listQuery(q: z.output<typeof ListQuerySchema>): PageQuery & z.output<typeof ListQuerySchema> {
  return { ...q, afterSeq: decodeCursor(q.cursor), size: q.limit ?? DEFAULT_PAGE_SIZE };
}
