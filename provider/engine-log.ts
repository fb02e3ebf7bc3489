/**
 * Warnings the providers give the user in the engine's output (preview and up). Where they go depends on who
 * hosts the provider code: the dynamic-provider host (dynamic-host-log.ts) or a plugin (plugin/server.ts, as
 * an engine Log call naming the resource). Provider code only calls {@link warn}, and never loads the Pulumi
 * SDK for it, so the plugins' bundles stay small.
 */

/** Delivers one warning; resolves once the engine has it. */
export type WarningSink = (message: string) => Promise<void>;

let sink: WarningSink = async (message) => {
  process.stderr.write(`warning: ${message}\n`);
};

/** Where {@link warn} sends warnings from now on (set once by the host at start-up). */
export function setWarningSink(next: WarningSink): void {
  sink = next;
}

/** A warning in the engine's output. */
export function warn(message: string): Promise<void> {
  return sink(message);
}
