import type { EngineEvent } from "@pulumi/pulumi/automation";

/** Where command output goes: human text, or one JSON engine event per line (`--json`). */
export interface Output {
  json: boolean;
  write(text: string): void;
}

/**
 * An engine event as the CLI prints it: `__`-prefixed internals (the serialized provider and the like)
 * removed, and debug diagnostics (which echo those internals) dropped entirely.
 */
function publicEvent(event: EngineEvent): unknown {
  // The typed severities omit "debug", which the engine does send.
  if (String(event.diagnosticEvent?.severity) === "debug") return undefined;
  return strip(event);
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !key.startsWith("__"))
        .map(([key, v]) => [key, strip(v)]),
    );
  }
  return value;
}

/** Automation API callbacks that stream progress as Pulumi prints it, or as JSON events. */
export function streaming(out: Output): { onOutput?: (text: string) => void; onEvent?: (event: EngineEvent) => void } {
  if (!out.json) return { onOutput: (text) => out.write(text) };
  return {
    onEvent: (event) => {
      const shown = publicEvent(event);
      if (shown !== undefined) out.write(`${JSON.stringify(shown)}\n`);
    },
  };
}
