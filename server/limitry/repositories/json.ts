import { randomBytes } from "node:crypto";
import type { z } from "zod";

/** A Limitry-style id: `mtr_`, `lmt_`, `cust_`, `evt_`, `alrt_` and 24 hex digits. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

/** A JSON column decoded with the SDK's schema for it (null stays null). */
export function fromJson<T>(schema: z.ZodType<T>, text: string | null): T | null {
  return text === null ? null : schema.parse(JSON.parse(text));
}
