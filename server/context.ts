import type { Db } from "./db.js";
import type { LimitsRepository } from "./payi/repositories/limits.js";
import type { ResourcesRepository } from "./payi/repositories/resources.js";
import type { UseCasesRepository } from "./payi/repositories/use-cases.js";

/** What route and service modules share: repositories over one database and a clock. */
export interface ServiceContext {
  db: Db;
  limits: LimitsRepository;
  useCases: UseCasesRepository;
  resources: ResourcesRepository;
  /** The service's clock as an ISO-8601 string (injectable in tests). */
  now(): string;
}
