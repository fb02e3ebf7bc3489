import type { AddressInfo } from "node:net";
import { test as base } from "vitest";
import { Limitry } from "../../sdk/limitry/index.js";
import { buildApp } from "../../server/app.js";
import { openDatabase } from "../../server/db.js";
import { lineDestination } from "../../server/log.js";
import { TEST_API_KEY } from "./service.js";

export interface LimitryFixture {
  /** Service root, e.g. http://127.0.0.1:41234 (Limitry is under /v1). */
  url: string;
  client: Limitry;
  /** Every line the service logged (requests, alerts). */
  logs: string[];
  /** Sets the service's clock; windows, `reset` and default event times follow it. */
  setNow(iso: string): void;
}

/**
 * The real service (one app, in-memory SQLite) on a loopback port, with a settable clock; the client uses the
 * first of `apiKeys`.
 */
export async function startLimitryService(
  start = "2026-03-10T12:00:00Z",
  apiKeys: string[] = [TEST_API_KEY],
): Promise<LimitryFixture & { stop(): Promise<void> }> {
  let now = new Date(start);
  const logs: string[] = [];
  const db = openDatabase(":memory:");
  const app = buildApp({
    db,
    apiKeys,
    logger: lineDestination("text", (line) => logs.push(line)),
    now: () => now,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const client = new Limitry({ apiKey: apiKeys[0], baseURL: `${url}/v1`, maxRetries: 0 });
  return {
    url,
    client,
    logs,
    setNow: (iso) => {
      now = new Date(iso);
    },
    async stop() {
      await client.close();
      await app.close();
      db.close();
    },
  };
}

/** vitest fixture: `limitry` is a started service with a client, stopped after the test. */
export const test = base.extend<{ limitry: LimitryFixture }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures need the destructuring
  limitry: async ({}, use) => {
    const service = await startLimitryService();
    await use(service);
    await service.stop();
  },
});
