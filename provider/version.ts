/** Bumped when the serialized stub ↔ provider runtime contract changes. */
export const PROVIDER_VERSION = 1;
