import type { EngineEvent } from "@pulumi/pulumi/automation";

/** Where command output goes: human text, or one JSON engine event per line (`--json`). */
export interface Output {
  json: boolean;
  write(text: string): void;
}

/** Removes the engine's `__`-prefixed internals (serialized provider and the like) from an event. */
export function publicEvent(event: EngineEvent): unknown {
  return strip(event);
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith("__")).map(([key, v]) => [key, strip(v)]));
  }
  return value;
}

/** Automation API callbacks that stream progress as Pulumi prints it, or as JSON events. */
export function streaming(out: Output): { onOutput?: (text: string) => void; onEvent?: (event: EngineEvent) => void } {
  return out.json ? { onEvent: (event) => out.write(`${JSON.stringify(publicEvent(event))}\n`) } : { onOutput: (text) => out.write(text) };
}
