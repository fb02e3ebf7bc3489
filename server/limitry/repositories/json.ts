import { randomBytes } from "node:crypto";

/** A Limitry-style id: `mtr_`, `lmt_`, `cust_`, `evt_`, `alrt_` and 24 hex digits. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

/** A JSON column read back; columns are only ever written by this service, from validated values. */
export function fromJson<T>(text: string | null): T | null {
  if (text === null) return null;
  const value: T = JSON.parse(text);
  return value;
}
