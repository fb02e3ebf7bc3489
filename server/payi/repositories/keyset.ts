import type { Db } from "../../db.js";

/** A page request in creation order: keyset on `seq`, so cursors stay valid while rows are added. */
export interface KeysetQuery {
  ascending: boolean;
  /** Only rows after (ascending) or before (descending) this seq. */
  afterSeq?: bigint | undefined;
  pageSize: number;
}

/** `SELECT *` from `table` in creation order, optionally where `column` equals `value`. */
export function keysetPage(db: Db, table: string, q: KeysetQuery, filter?: { column: string; value: string | undefined }): unknown[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter?.value !== undefined) {
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
