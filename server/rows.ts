import { z } from "zod";

/**
 * A TEXT column that holds JSON, decoded and checked with `schema`. Repositories describe each table's row
 * with these, so routes and services only ever see decoded records.
 */
export function jsonColumn<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        ctx.addIssue({ code: "custom", message: "column does not hold JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** An INTEGER 0/1 column read as a boolean (null stays null). */
export const booleanColumn = z
  .bigint()
  .nullable()
  .transform((v) => (v === null ? null : v === 1n));

/**
 * Decodes what SQLite returns (`unknown`) into typed records. A row that does not match its table's schema
 * is a corrupt database, reported loudly rather than cast and passed on.
 */
export function rowDecoder<T extends z.ZodType>(schema: T) {
  return {
    one: (row: unknown): z.output<T> | undefined => (row === undefined ? undefined : schema.parse(row)),
    all: (rows: unknown[]): z.output<T>[] => rows.map((row) => schema.parse(row)),
  };
}
