/** A property bag on the wire: string values, where null means "remove this key" or "no value". */
export type WireProperties = Record<string, string | null>;

/** Merges a property update into a bag: null removes a key. */
export function mergeProperties(
  current: Record<string, string | null>,
  update: Record<string, string | null>,
): Record<string, string | null> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** The keys that have values (what a declaration holds). */
export function definedProperties(props: WireProperties | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(props ?? {}).filter((e): e is [string, string] => e[1] !== null));
}

/** The property update that turns `from` into `to`: null removes a key that `to` lacks. */
export function propertyPatch(from: Record<string, string>, to: Record<string, string>): WireProperties {
  const patch: WireProperties = { ...to };
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  return patch;
}
