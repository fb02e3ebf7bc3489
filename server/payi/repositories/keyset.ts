import type { Db } from "../../db.js";

/** A page request in creation order: keyset on `seq`, so cursors stay valid while rows are added. */
export interface KeysetQuery {
  ascending: boolean;
  /** Only rows after (ascending) or before (descending) this seq. */
  afterSeq?: bigint | undefined;
  pageSize: number;
}

/** One equality condition; an undefined value means "no condition". */
export interface KeysetFilter {
  column: string;
  value: string | undefined;
}

/** `SELECT *` from `table` in creation order, where each filter's `column` equals its `value`. */
export function keysetPage(db: Db, table: string, q: KeysetQuery, filters?: KeysetFilter | KeysetFilter[]): unknown[] {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const filter of Array.isArray(filters) ? filters : filters ? [filters] : []) {
    if (filter.value === undefined) continue;
    where.push(`${filter.column} = ?`);
    params.push(filter.value);
  }
  if (q.afterSeq !== undefined) {
    where.push(q.ascending ? "seq > ?" : "seq < ?");
    params.push(q.afterSeq);
  }
  const sql = `SELECT * FROM ${table} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq ${q.ascending ? "ASC" : "DESC"} LIMIT ?`;
  return db.prepare(sql).all(...params, q.pageSize);
}
