import type { Db } from "../db.js";
import type { Idempotency } from "../idempotency.js";
import { limitryIdempotency } from "./idempotency.js";
import { AlertsRepository } from "./repositories/alerts.js";
import { CustomersRepository } from "./repositories/customers.js";
import { EventsRepository } from "./repositories/events.js";
import { LimitsRepository } from "./repositories/limits.js";
import { MetersRepository } from "./repositories/meters.js";
import { UsageRepository } from "./repositories/usage.js";
import { LimitIndex } from "./services/limit-index.js";

/** What the Limitry routes and services share: repositories over the service's one database, a clock, a log. */
export interface LimitryContext {
  db: Db;
  meters: MetersRepository;
  limits: LimitsRepository;
  customers: CustomersRepository;
  events: EventsRepository;
  alerts: AlertsRepository;
  /** Running usage per limit and customer in the current window (what alerts compare). */
  usage: UsageRepository;
  /** Every limit in memory, indexed by what events it can count; `invalidate()` after changing a limit or meter. */
  limitIndex: LimitIndex;
  /** Stores and replays the answers to writes that carry an `Idempotency-Key`, per API key. */
  idempotency: Idempotency;
  /** The service's clock (injectable in tests): windows and `reset` are computed from it. */
  clock(): Date;
  /** Receives one line per fired alert; never secrets. */
  log(line: string): void;
}

export function limitryContext(db: Db, clock: () => Date, log: (line: string) => void): LimitryContext {
  const meters = new MetersRepository(db);
  const limits = new LimitsRepository(db);
  return {
    db,
    meters,
    limits,
    usage: new UsageRepository(db),
    limitIndex: new LimitIndex(db, limits, meters),
    customers: new CustomersRepository(db),
    events: new EventsRepository(db),
    alerts: new AlertsRepository(db),
    idempotency: limitryIdempotency(db, () => clock().toISOString()),
    clock,
    log,
  };
}
