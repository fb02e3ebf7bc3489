import Database from "better-sqlite3";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type Db = Database.Database;

const MIGRATIONS_DIR = path.join(__dirname, "migrations");

/**
 * Opens (creating if needed) the service database in `dataDir` and applies pending numbered migrations
 * from server/migrations. WAL with synchronous=NORMAL: a commit is in the WAL file before the response
 * goes out, so an acknowledged write survives the process being killed (kill -9); only an OS crash or
 * power loss can drop the last commits, the trade SQLite documents for WAL mode.
 * `dataDir` ":memory:" gives a throwaway database.
 */
export function openDatabase(dataDir: string): Db {
  let file = ":memory:";
  if (dataDir !== ":memory:") {
    mkdirSync(dataDir, { recursive: true });
    file = path.join(dataDir, "payi.sqlite");
  }
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.defaultSafeIntegers(true);
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  const applied = new Set(
    db
      .prepare("SELECT version FROM schema_migrations")
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  const files = readdirSync(migrationsDir())
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort();
  for (const file of files) {
    const version = Number.parseInt(file, 10);
    if (applied.has(version)) continue;
    const sql = readFileSync(path.join(migrationsDir(), file), "utf8");
    db.transaction(() => {
      db.exec(sql);
      db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(version, new Date().toISOString());
    })();
  }
}

// Compiled code runs from dist/server; the .sql files stay in server/migrations.
function migrationsDir(): string {
  const candidates = [MIGRATIONS_DIR, path.resolve(__dirname, "..", "..", "server", "migrations")];
  for (const dir of candidates) {
    try {
      readdirSync(dir);
      return dir;
    } catch {
      // try the next one
    }
  }
  throw new Error(`Migrations not found; looked in ${candidates.join(", ")}`);
}
