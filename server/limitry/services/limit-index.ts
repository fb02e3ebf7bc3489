import type { Dimensions } from "../../../sdk/limitry/resources/shared.js";
import { filtersMatch } from "../../../rules/limitry/check.js";
import type { Db } from "../../db.js";
import { limitDefinitionOf, type LimitDefinition, type LimitsRepository } from "../repositories/limits.js";
import { definitionOf, type MeterDefinition, type MetersRepository } from "../repositories/meters.js";

/** A limit with its meter, as the alert rule needs them. */
export interface IndexedLimit {
  id: string;
  limit: LimitDefinition;
  meter: MeterDefinition;
}

/** An event as the index matches it. */
export interface EventShape {
  customerId: string;
  eventType: string;
  dimensions: Dimensions;
}

const ANY_TYPE = "\u0000any";

/**
 * Every limit in memory, indexed so that the limits an event can count towards are found without looking at
 * the others: a customer's own limits by customer, project-wide limits with alert thresholds by their meter's
 * event type and by one dimension pair they require. Rebuilt after this process changes a limit or a meter
 * (`invalidate`) and after another connection commits to the database (SQLite's `data_version`).
 */
export class LimitIndex {
  #dirty = true;
  #dataVersion: unknown;
  #own = new Map<string, IndexedLimit[]>();
  /** Per customer, `meter|period|filters` of its own limits: the project-wide defaults they replace. */
  #upgrades = new Map<string, Set<string>>();
  #shared = new Map<string, Map<string, IndexedLimit[]>>();
  readonly #dataVersionOf;

  constructor(
    db: Db,
    private readonly limits: LimitsRepository,
    private readonly meters: MetersRepository,
  ) {
    this.#dataVersionOf = db.prepare("PRAGMA data_version").pluck();
  }

  /** Call after any change to a limit or a meter. */
  invalidate(): void {
    this.#dirty = true;
  }

  /**
   * The limits with alert thresholds that `event` counts towards for its customer: its own limits and the
   * project-wide ones it has no upgrade for, whose meter's event filter and dimension filters the event
   * matches. Costs O(limits that can match it), not O(all limits).
   */
  alertCandidates(event: EventShape): IndexedLimit[] {
    this.#refresh();
    const out: IndexedLimit[] = [];
    for (const entry of this.#own.get(event.customerId) ?? []) {
      if (entry.limit.alertThresholds?.length && counts(entry, event)) out.push(entry);
    }
    const upgrades = this.#upgrades.get(event.customerId);
    const pairs = ["", ...Object.entries(event.dimensions).map(([k, v]) => pairKey(k, v))];
    for (const type of [event.eventType, ANY_TYPE]) {
      const byPair = this.#shared.get(type);
      if (!byPair) continue;
      for (const pair of pairs) {
        for (const entry of byPair.get(pair) ?? []) {
          if (counts(entry, event) && !upgrades?.has(signature(entry.limit))) out.push(entry);
        }
      }
    }
    return out;
  }

  #refresh(): void {
    const version: unknown = this.#dataVersionOf.get();
    if (!this.#dirty && version === this.#dataVersion) return;
    this.#dataVersion = version;
    this.#dirty = false;
    this.#own = new Map();
    this.#upgrades = new Map();
    this.#shared = new Map();
    const meters = new Map(this.meters.all().map((row) => [row.id, definitionOf(row)]));
    for (const row of this.limits.all()) {
      const meter = meters.get(row.meter_id);
      if (!meter) continue;
      const entry: IndexedLimit = { id: row.id, limit: limitDefinitionOf(row), meter };
      const { customerId } = entry.limit;
      if (customerId !== null) {
        push(this.#own, customerId, entry);
        const upgrades = this.#upgrades.get(customerId) ?? new Set<string>();
        this.#upgrades.set(customerId, upgrades.add(signature(entry.limit)));
        continue;
      }
      if (!entry.limit.alertThresholds?.length) continue;
      const required = requiredDimensions(entry);
      if (required === undefined) continue; // its filters contradict its meter's: it counts nothing
      const type = meter.eventFilter?.eventType ?? ANY_TYPE;
      const byPair = this.#shared.get(type) ?? new Map<string, IndexedLimit[]>();
      this.#shared.set(type, byPair);
      const [first] = Object.entries(required).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      push(byPair, first ? pairKey(first[0], first[1]) : "", entry);
    }
  }
}

/** Whether `event` counts towards the limit: its meter's event filter and the limit's dimension filters. */
function counts({ limit, meter }: IndexedLimit, event: EventShape): boolean {
  const filter = meter.eventFilter;
  if (filter?.eventType != null && filter.eventType !== event.eventType) return false;
  return filtersMatch(filter?.dimensions, event.dimensions) && filtersMatch(limit.dimensionFilters, event.dimensions);
}

/** The dimensions an event must carry to count: the meter's and the limit's, or undefined when they clash. */
function requiredDimensions({ limit, meter }: IndexedLimit): Dimensions | undefined {
  const out: Dimensions = { ...meter.eventFilter?.dimensions };
  for (const [key, value] of Object.entries(limit.dimensionFilters)) {
    if (out[key] !== undefined && out[key] !== value) return undefined;
    out[key] = value;
  }
  return out;
}

/** What a customer's own limit upgrades: the project-wide limit on the same meter, period and filters. */
function signature(limit: LimitDefinition): string {
  const filters = Object.entries(limit.dimensionFilters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([limit.meterId, limit.period, filters]);
}

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
