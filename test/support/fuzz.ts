/** Seeded, deterministic random choices for the fuzz test (mulberry32): the same seed sends the same requests. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
}

/** Strings that break naive parsers: empty, huge, control and non-BMP characters, separators, numbers. */
export function nastyString(rng: Rng): string {
  switch (rng.int(14)) {
    case 0:
      return "";
    case 1:
      return "x".repeat(rng.pick([101, 129, 257, 1025, 70_000]));
    case 2:
      return "a,b,,c";
    case 3:
      return " padded ";
    case 4:
      return "\u0000\u0001\u001f\u007f";
    case 5:
      return "😀🚀\u{10ffff}ÿ";
    case 6:
      return "../../etc/passwd";
    case 7:
      return "%ZZ%00%";
    case 8:
      return rng.pick(["9223372036854775808", "-1", "1e309", "NaN", "Infinity", "0x10", "00"]);
    case 9:
      return rng.pick(["__proto__", "constructor", "prototype", "toString"]);
    case 10:
      return rng.pick(["system.openai", "gpt-4o", "teach_me", "true", "null"]);
    case 11:
      return "\ud800";
    case 12:
      return "'; DROP TABLE limits; --";
    default:
      return `id-${rng.int(1_000_000).toString(36)}`;
  }
}

/** Numbers that break naive money code: sub-unit, huge, negative zero, non-integers where integers go. */
export function nastyNumber(rng: Rng): number {
  return rng.pick([
    0,
    -0,
    -1,
    1e-11,
    1e-320,
    5e-324,
    0.1 + 0.2,
    100 / 3,
    1e21,
    1e308,
    Number.MAX_SAFE_INTEGER,
    2 ** 63,
    0.75,
    0.99,
    1.5,
    12.5,
    100_000_000,
    100_000_001,
  ]);
}

/** Any JSON value, nested at most `depth` deep. */
export function nastyJson(rng: Rng, depth = 3): unknown {
  switch (rng.int(depth > 0 ? 7 : 4)) {
    case 0:
      return nastyString(rng);
    case 1:
      return nastyNumber(rng);
    case 2:
      return rng.pick([true, false, null]);
    case 3:
      return rng.int(1000);
    case 4:
      return Array.from({ length: rng.int(4) }, () => nastyJson(rng, depth - 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(4); i > 0; i--) out[nastyString(rng)] = nastyJson(rng, depth - 1);
      return out;
    }
  }
}

/** `valid` with one field broken: removed, retyped, or set to a nasty value; sometimes a key added. */
export function mutate(rng: Rng, valid: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = structuredClone(valid);
  const keys = Object.keys(out);
  const times = 1 + rng.int(3);
  for (let i = 0; i < times; i++) {
    const key = keys.length && rng.chance(0.85) ? rng.pick(keys) : nastyString(rng);
    const value = out[key];
    switch (rng.int(6)) {
      case 0:
        delete out[key];
        break;
      case 1:
        out[key] = nastyNumber(rng);
        break;
      case 2:
        out[key] = nastyString(rng);
        break;
      case 3:
        out[key] = isRecord(value) ? mutate(rng, value) : nastyJson(rng);
        break;
      case 4:
        out[key] = null;
        break;
      default:
        out[key] = nastyJson(rng);
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
