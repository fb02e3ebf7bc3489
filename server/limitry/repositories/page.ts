import { invalidField } from "../errors.js";

/** Page size when the caller gives none, and the most one page may hold (Limitry's docs). */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** A keyset position: rows after creation sequence `afterSeq`, `size` of them. */
export interface PageQuery {
  afterSeq: bigint;
  size: number;
}

/** Limitry's list envelope. */
export interface WirePage<Item> {
  data: Item[];
  nextCursor: string | null;
  hasMore: boolean;
}

/**
 * One page from rows fetched with size + 1 (the extra row only tells that more exist). Cursors are opaque
 * keyset positions, so they stay valid while rows are added or deleted.
 */
export function toWirePage<Row extends { seq: bigint }, Item>(
  rows: Row[],
  size: number,
  toItem: (row: Row) => Item,
): WirePage<Item> {
  const hasMore = rows.length > size;
  const shown = hasMore ? rows.slice(0, size) : rows;
  const last = shown.at(-1);
  return { data: shown.map(toItem), nextCursor: hasMore && last ? encodeCursor(last.seq) : null, hasMore };
}

function encodeCursor(seq: bigint): string {
  return `cur_${Buffer.from(seq.toString()).toString("base64url")}`;
}

/** The keyset position a cursor stands for; a cursor this service did not issue is a 400. */
export function decodeCursor(cursor: string | undefined): bigint {
  if (cursor === undefined) return 0n;
  const digits = cursor.startsWith("cur_") ? Buffer.from(cursor.slice(4), "base64url").toString("utf8") : "";
  if (/^\d{1,18}$/.test(digits)) return BigInt(digits);
  throw invalidField("cursor", "must be a nextCursor this service returned", cursor);
}
