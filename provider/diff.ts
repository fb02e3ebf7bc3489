/** What every provider's `check` and `diff` share: values not known yet, equality of inputs, `replaceOnChanges`. */
import { isDeepStrictEqual } from "node:util";

/**
 * How the engine hands a provider a value it does not know yet (preview): Pulumi's unknown sentinel, the
 * string `pulumi.runtime.unknownValue` holds (a unit test pins the two together). Written out so that the
 * provider code, bundled into the plugins, does not load the Pulumi SDK for one string.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or holds, a value the engine does not know yet (preview). */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

/**
 * Structural equality of input values as the engine carries them (JSON): undefined and null are the same
 * (not declared), a key holding undefined is no key, and key order does not matter.
 */
export function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(asCarried(a), asCarried(b));
}

/** A value as JSON carries it: undefined as null (in a list) or absent (in a map), -0 as 0. */
function asCarried(value: unknown): unknown {
  if (value === undefined) return null;
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(asCarried);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, asCarried(v)]),
    );
  }
  return value;
}

/** True when `key` is listed in a resource's `replaceOnChanges` (or `*` is). */
export function replacesOnChange(replaceOnChanges: unknown, key: string): boolean {
  return (
    Array.isArray(replaceOnChanges) &&
    replaceOnChanges.some(
      (path) => path === "*" || path === key || String(path).startsWith(`${key}.`) || String(path).startsWith(`${key}[`),
    )
  );
}
