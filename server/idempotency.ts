import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Db } from "./db.js";

/** The header both APIs read a client's key from. */
const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** How long a key's answer is kept: a day, far longer than any client retries one call. */
const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** How often expired answers are deleted: not on every write, which would cost each one a read. */
const PRUNE_EVERY_MS = 60 * 1000;
/** How many of the oldest answers one pruning step reads. */
const PRUNE_BATCH = 500;
const OldestRows = z.array(z.object({ id: z.bigint(), created_at: z.string() }));
/** Longest key a client may send, in characters. */
const KEY_MAX_LENGTH = 255;

interface StoredAnswer {
  fingerprint: string;
  status: bigint;
  response: string;
}

/** SQL for the first answer to each idempotency key (one table for both APIs; see `scope`). */
class IdempotencyStore {
  readonly #find;
  readonly #save;
  readonly #oldest;
  readonly #deleteUpTo;
  #prunedAt = Number.NEGATIVE_INFINITY;

  constructor(db: Db) {
    this.#find = db.prepare("SELECT fingerprint, status, response FROM idempotency_keys WHERE idempotency_key = ?");
    this.#save = db.prepare(
      "INSERT INTO idempotency_keys (idempotency_key, fingerprint, status, response, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
    );
    // Rows go in in time order, so the oldest by rowid are the first to expire: pruning reads from the start
    // of the table and stops at the first answer still kept, with no index on the age to keep up on every write.
    this.#oldest = db.prepare(`SELECT rowid AS id, created_at FROM idempotency_keys ORDER BY rowid LIMIT ${PRUNE_BATCH}`);
    this.#deleteUpTo = db.prepare("DELETE FROM idempotency_keys WHERE rowid <= ?");
  }

  find(key: string): StoredAnswer | undefined {
    return this.#find.get(key) as StoredAnswer | undefined;
  }

  /** Stores the first answer to `key`; false when the key already has one (nothing is written then). */
  save(key: string, fingerprint: string, status: number, response: string, now: string): boolean {
    const at = Date.parse(now);
    if (at - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prune(new Date(at - KEY_TTL_MS).toISOString());
      this.#prunedAt = at;
    }
    return this.#save.run(key, fingerprint, status, response, now).changes > 0;
  }

  /** Deletes the answers stored before `cutoff` (ISO 8601), oldest first. */
  #prune(cutoff: string): void {
    for (;;) {
      const rows = OldestRows.parse(this.#oldest.all());
      const firstKept = rows.findIndex((row) => row.created_at >= cutoff);
      const lastExpired = rows[(firstKept === -1 ? rows.length : firstKept) - 1];
      if (!lastExpired) return;
      this.#deleteUpTo.run(lastExpired.id);
      if (firstKept !== -1 || rows.length < PRUNE_BATCH) return;
    }
  }
}

/** How one API uses the shared mechanism. */
export interface IdempotencyOptions {
  /** Builds the API's own error (its envelope, its codes). */
  error(status: number, code: string, message: string, shouldRetry?: boolean): Error;
  /**
   * Whose key it is: answers are stored under `scope` + key, so two callers (API keys) sending the same key
   * never see each other's answers. Undefined: one scope for every caller.
   */
  scope?(request: FastifyRequest): string | undefined;
  /** Request headers that change a call's effect: part of the fingerprint beside method, URL and body. */
  fingerprintHeaders?: readonly string[];
}

/**
 * Idempotent writes, shared by both APIs. A non-GET request that carries an `Idempotency-Key` runs its write
 * through `once`, which stores the answer (status and body) in the write's own transaction; a repeat of the
 * key with the same fingerprint is answered with that stored answer (header `idempotent-replayed: true`) by
 * the hook before any route runs, and one with another fingerprint is a 422 `idempotency_key_reused`. A
 * failed write stores nothing, so its retry runs again. Answers are kept {@link KEY_TTL_MS}.
 */
export class Idempotency {
  readonly #store: IdempotencyStore;

  constructor(
    private readonly db: Db,
    private readonly now: () => string,
    private readonly options: IdempotencyOptions,
  ) {
    this.#store = new IdempotencyStore(db);
  }

  /** Registers the replay hook on an API's routes. */
  register(app: FastifyInstance): void {
    app.addHook("preHandler", async (request, reply) => {
      if (request.method === "GET" || request.method === "HEAD") return;
      const key = this.#keyOf(request);
      if (key === undefined) return;
      // The key echoed on every answer to it says this server honours keys: Pay-i documents none, so the SDK
      // resends a write that is not idempotent by itself only to a server that has shown this (sdk/core/client.ts).
      reply.header(IDEMPOTENCY_HEADER, key);
      const stored = this.#store.find(this.#storedKey(request, key));
      if (!stored) return;
      if (stored.fingerprint !== this.#fingerprintOf(request)) {
        throw this.options.error(
          422,
          "idempotency_key_reused",
          `${IDEMPOTENCY_HEADER} '${key}' was already used for a different request; use a new key for each call`,
          false,
        );
      }
      reply.header("idempotent-replayed", "true").header("content-type", "application/json; charset=utf-8");
      return reply.status(Number(stored.status)).send(stored.response);
    });
  }

  /**
   * Runs `write` in one transaction (it may open its own: they nest) and stores its answer, with `status`,
   * under the request's key, in that same transaction.
   */
  once<T>(request: FastifyRequest, write: () => T, status = 200): T {
    const key = request.method === "GET" ? undefined : this.#keyOf(request);
    if (key === undefined) return this.db.transaction(write)();
    return this.db.transaction(() => {
      const result = write();
      const saved = this.#store.save(
        this.#storedKey(request, key),
        this.#fingerprintOf(request),
        status,
        JSON.stringify(result),
        this.now(),
      );
      // Two concurrent requests with one key: the first committed its answer, so this one's write is rolled
      // back (the throw ends the transaction) and its retry is answered by the replay.
      if (!saved)
        throw this.options.error(409, "idempotency_key_in_use", `${IDEMPOTENCY_HEADER} '${key}' is being answered; retry`, true);
      return result;
    })();
  }

  /** The request's idempotency key, if it sent one (400 when it is not a usable key). */
  #keyOf(request: FastifyRequest): string | undefined {
    const raw = request.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (key === undefined || key === "") return undefined;
    if (key.length > KEY_MAX_LENGTH) {
      throw this.options.error(
        400,
        "invalid_idempotency_key",
        `${IDEMPOTENCY_HEADER} must be at most ${KEY_MAX_LENGTH} characters (got ${key.length})`,
      );
    }
    return key;
  }

  #storedKey(request: FastifyRequest, key: string): string {
    const scope = this.options.scope?.(request);
    return scope === undefined ? key : `${scope}\u0000${key}`;
  }

  /** What makes two requests the same call: method, URL, body and the headers that change the effect. */
  #fingerprintOf(request: FastifyRequest): string {
    const hash = createHash("sha256").update(`${request.method} ${request.url}\n`);
    for (const name of this.options.fingerprintHeaders ?? []) {
      const value = request.headers[name.toLowerCase()];
      hash.update(`${name.toLowerCase()}: ${Array.isArray(value) ? value.join(", ") : (value ?? "")}\n`);
    }
    return hash.update(JSON.stringify(request.body ?? null)).digest("hex");
  }
}
