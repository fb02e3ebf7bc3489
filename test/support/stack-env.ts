import { afterAll, beforeAll } from "vitest";
import { tempBackend, type TempBackend } from "./pulumi.js";
import { startService } from "./service.js";

export type StartedService = Awaited<ReturnType<typeof startService>>;

/**
 * For an e2e file: one started service and one temp file backend, shared by its tests and torn down
 * after them. Read them through the returned getters inside tests.
 */
export function useServiceAndBackend(): { service: () => StartedService; backend: () => TempBackend } {
  let backend: TempBackend | undefined;
  let service: StartedService | undefined;
  beforeAll(async () => {
    backend = await tempBackend();
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
    await backend?.dispose();
  });
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is only available inside tests`);
    return value;
  };
  return { service: () => must(service, "service"), backend: () => must(backend, "backend") };
}
