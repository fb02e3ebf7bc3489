import type { AddressInfo } from "node:net";
import { buildApp } from "./app.js";
import { openDatabase } from "./db.js";
import { lineDestination } from "./log.js";
import type { ServiceProfileName } from "./profile.js";

/** How the local service runs; `pulumi-limits serve` builds this from flags and env once, at boot. */
export interface ServeConfig {
  host: string;
  port: number;
  /** Directory of the SQLite database (created if missing), or ":memory:". */
  dataDir: string;
  apiKeys: string[];
  /** Receives the service's log, one line at a time, in `logFormat`. */
  log: (line: string) => void;
  /** `text` (default): one readable line per request; `json`: Fastify's pino records, API keys censored. */
  logFormat?: "text" | "json" | undefined;
  /**
   * On close, how long requests still arriving (a slow or stalled client) may take before their connections
   * are cut, in ms. Idle keep-alive connections close at once. Default 5 000.
   */
  shutdownGraceMs?: number | undefined;
  /** `strict`: answer only what Pay-i's client models and docs guarantee (README, "The local service"). Default `default`. */
  profile?: ServiceProfileName | undefined;
}

const SHUTDOWN_GRACE_MS = 5_000;

export interface RunningService {
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  /** The profile it answers with. */
  profile: ServiceProfileName;
  close(): Promise<void>;
}

/** Opens the database, starts listening, and returns a handle whose close() drains and closes both. */
export async function serve(config: ServeConfig): Promise<RunningService> {
  const db = openDatabase(config.dataDir);
  const app = buildApp({
    db,
    apiKeys: config.apiKeys,
    logger: lineDestination(config.logFormat ?? "text", config.log),
    profile: config.profile,
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    db.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  // Stops listening and waits for requests in flight; a client still sending after the grace period is cut.
  const shutdown = async (): Promise<void> => {
    const deadline = setTimeout(() => app.server.closeAllConnections(), config.shutdownGraceMs ?? SHUTDOWN_GRACE_MS);
    try {
      await app.close();
    } finally {
      clearTimeout(deadline);
    }
    db.close();
  };
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    profile: config.profile ?? "default",
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}

/** Runs until SIGTERM/SIGINT, then stops accepting requests, finishes in-flight ones and closes the database. */
export async function serveUntilSignal(config: ServeConfig): Promise<void> {
  const service = await serve(config);
  config.log(
    `pulumi-limits: Pay-i- and Limitry-compatible service listening on ${service.url} (Pay-i under /api/v1, Limitry under /v1; data: ${config.dataDir}; profile: ${service.profile})`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      config.log(`pulumi-limits: ${signal} received, shutting down`);
      service.close().then(resolve, (error: unknown) => {
        config.log(`pulumi-limits: shutdown failed: ${String(error)}`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
