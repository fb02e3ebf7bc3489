import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test as base } from "vitest";
import { Payi } from "../../sdk/index.js";
import type { ServiceProfileName } from "../../server/profile.js";
import { serve, type RunningService } from "../../server/serve.js";
import { testProfile } from "./serve-process.js";

export const TEST_API_KEY = "test-key-not-a-secret";

export interface ServiceFixture {
  url: string;
  dataDir: string;
  client: Payi;
  /** Every line the service logged. */
  logs: string[];
  /** The profile the service answers with. */
  profile: ServiceProfileName;
}

/**
 * Starts the real service on a free loopback port with a fresh data directory, in `options.profile`
 * (default: `testProfile()`), accepting `options.apiKey` (default {@link TEST_API_KEY}).
 */
export async function startService(
  options: { profile?: ServiceProfileName; logFormat?: "text" | "json"; apiKey?: string } = {},
): Promise<ServiceFixture & { stop(): Promise<void> }> {
  const profile = options.profile ?? testProfile();
  const apiKey = options.apiKey ?? TEST_API_KEY;
  const dataDir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-data-"));
  const logs: string[] = [];
  const running: RunningService = await serve({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    apiKeys: [apiKey],
    log: (line) => logs.push(line),
    logFormat: options.logFormat,
    profile,
  });
  const client = new Payi({ apiKey, baseURL: running.url, maxRetries: 0 });
  return {
    url: running.url,
    dataDir,
    client,
    logs,
    profile,
    async stop() {
      await client.close();
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** vitest fixture: `service` is a started service with a client, stopped after the test. */
export const test = base.extend<{ service: ServiceFixture }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures need the destructuring
  service: async ({}, use) => {
    const service = await startService();
    await use(service);
    await service.stop();
  },
});
