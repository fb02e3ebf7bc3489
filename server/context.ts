import type { Db } from "./db.js";
import type { Idempotency } from "./idempotency.js";
import type { KpisRepository } from "./payi/repositories/kpis.js";
import type { LimitsRepository } from "./payi/repositories/limits.js";
import type { RequestsRepository } from "./payi/repositories/requests.js";
import type { ResourcesRepository } from "./payi/repositories/resources.js";
import type { UseCasesRepository } from "./payi/repositories/use-cases.js";

/** What route and service modules share: repositories over one database and a clock. */
export interface ServiceContext {
  db: Db;
  limits: LimitsRepository;
  useCases: UseCasesRepository;
  resources: ResourcesRepository;
  requests: RequestsRepository;
  kpis: KpisRepository;
  /** Stores and replays the answers to writes that carry an idempotency key. */
  idempotency: Idempotency;
  /** The service's clock as an ISO-8601 string (injectable in tests). */
  now(): string;
}
