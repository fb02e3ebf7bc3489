import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Db } from "./db.js";
import type { KpisRepository } from "./payi/repositories/kpis.js";
import type { LimitsRepository } from "./payi/repositories/limits.js";
import type { RequestsRepository } from "./payi/repositories/requests.js";
import type { ResourcesRepository } from "./payi/repositories/resources.js";
import type { UseCasesRepository } from "./payi/repositories/use-cases.js";
import type { ServiceProfile } from "./profile.js";

/** What routes need of idempotency keys: a replay hook and a wrapper that stores each write's answer. */
export interface IdempotentWrites {
  /** Registers the hook that answers a repeated key before any route runs. */
  register(app: FastifyInstance): void;
  /** Runs `write` in one transaction and, when the request carries a key, stores its answer (with `status`) with it. */
  once<T>(request: FastifyRequest, write: () => T, status?: number): T;
}

/** What route and service modules share: repositories over one database and a clock. */
export interface ServiceContext {
  db: Db;
  limits: LimitsRepository;
  useCases: UseCasesRepository;
  resources: ResourcesRepository;
  requests: RequestsRepository;
  kpis: KpisRepository;
  /** Stores and replays the answers to writes that carry an idempotency key. */
  idempotency: IdempotentWrites;
  /** How the service answers where Pay-i's client and docs leave the answer open. */
  profile: ServiceProfile;
  /** The service's clock as an ISO-8601 string (injectable in tests). */
  now(): string;
}
