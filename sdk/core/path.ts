import { SDKError } from "./errors.js";

/**
 * One path segment of a URL, percent-encoded (`/` too). `.` and `..` are refused: URL resolution would
 * turn `/limits/..` into another resource's path, so an id like that could read or delete something else.
 * Empty segments are refused for the same reason (`/limits/` is the list, not a limit).
 */
export function segment(value: string): string {
  if (value === "" || value === "." || value === "..") {
    throw new SDKError(`Invalid path segment ${JSON.stringify(value)}: ids cannot be empty, '.' or '..'.`);
  }
  return encodeURIComponent(value);
}
