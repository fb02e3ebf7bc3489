import { z } from "zod";
import { badRequest } from "../../errors.js";
import type { ServiceProfile } from "../../profile.js";

/** Page size when the caller gives none, and the most one page may hold (seed 004: "default: 25, max: 100"). */
const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;

const booleanText = z.enum(["true", "false", "True", "False"]).transform((v) => v.toLowerCase() === "true");

/** Query parameters shared by every list endpoint. */
export const ListQuerySchema = z.looseObject({
  cursor: z.string().optional(),
  limit: z.coerce.number().int("limit must be a whole number").min(1, "limit must be between 1 and 100").optional(),
  sort_ascending: booleanText.optional(),
});

export interface Paging {
  afterSeq: bigint | undefined;
  pageSize: number;
  ascending: boolean;
}

/**
 * Reads cursor, limit and sort_ascending (default true, seed 000) from a list query its route has validated.
 * A limit above 100 is a 400, or (strict profile) a page of 100.
 */
export function paging(q: z.output<typeof ListQuerySchema>, profile: ServiceProfile): Paging {
  const ascending = q.sort_ascending ?? true;
  const asked = q.limit ?? DEFAULT_PAGE_SIZE;
  if (asked > MAX_PAGE_SIZE && !profile.clampsPageSize) {
    throw badRequest("invalid_query", `limit must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return {
    afterSeq: q.cursor === undefined ? undefined : decodeCursor(q.cursor, ascending),
    pageSize: Math.min(asked, MAX_PAGE_SIZE),
    ascending,
  };
}

/**
 * One page from rows fetched with pageSize + 1: the extra row only tells that more exist. Cursors are
 * keyset positions (creation sequence), so they stay valid while rows are added.
 */
export function page<Row extends { seq: bigint }, Item>(rows: Row[], p: Paging, toItem: (row: Row) => Item) {
  const more = rows.length > p.pageSize;
  const shown = more ? rows.slice(0, p.pageSize) : rows;
  const last = shown.at(-1);
  return { items: shown.map(toItem), cursor: more && last ? encodeCursor(last.seq, p.ascending) : null };
}

function encodeCursor(seq: bigint, ascending: boolean): string {
  return Buffer.from(JSON.stringify({ s: seq.toString(), a: ascending })).toString("base64url");
}

const MAX_SEQ = 9_223_372_036_854_775_807n;

function decodeCursor(cursor: string, ascending: boolean): bigint {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { s?: unknown; a?: unknown };
    // Sequence numbers are SQLite int64s: anything longer was not issued here.
    if (typeof parsed.s === "string" && /^\d{1,19}$/.test(parsed.s) && parsed.a === ascending && BigInt(parsed.s) <= MAX_SEQ) {
      return BigInt(parsed.s);
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest("invalid_cursor", "cursor is not one this service issued for this sort order");
}
