import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A private PostgreSQL cluster on loopback, for the PostgreSQL state backend in tests and the bench. */
export interface PostgresCluster {
  /** Backend URL for Pulumi: `postgres://pulumi:<password>@127.0.0.1:<port>/pulumi?sslmode=disable`. */
  url: string;
  /** The generated password, so tests can check it never leaks into output. */
  password: string;
  port: number;
  /** Runs one SQL statement with psql and returns its rows, `|`-separated. */
  query(sql: string): Promise<string[]>;
  /** Stops the server (fast shutdown) and removes the cluster's directory. */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /**
   * Keep PostgreSQL's default durability (fsync and synchronous commit on), as a team's database runs.
   * Default false: tests trade durability for speed, since the cluster is thrown away.
   */
  durable?: boolean;
}

/**
 * The server binaries: PG_BIN, else the newest Debian `/usr/lib/postgresql/<major>/bin`, else PATH. The
 * repo's set-up (`scripts/postgres.sh`, run by `make test` and `make bench`) installs them when missing.
 */
function postgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env["PG_BIN"];
  if (fromEnv) return fromEnv;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))) : [];
  const newest = majors.sort((a, b) => Number(a) - Number(b)).at(-1);
  if (newest !== undefined) return path.join(root, newest, "bin");
  for (const dir of (env["PATH"] ?? "").split(path.delimiter)) if (dir && existsSync(path.join(dir, "initdb"))) return dir;
  throw new Error("PostgreSQL's initdb was not found: run scripts/postgres.sh (make test does) or set PG_BIN");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * initdb + pg_ctl start of a fresh cluster in a temp directory, listening on 127.0.0.1 only (its socket in
 * the same directory), with password authentication and a `pulumi` database. PostgreSQL refuses to run
 * as root, so under root the server commands run as the `postgres` user the Debian package creates.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBin();
  const dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-pg-"));
  const data = path.join(dir, "data");
  const password = randomBytes(12).toString("hex");
  const asRoot = process.getuid?.() === 0;
  const server = (command: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args], { cwd: dir })
      : run(path.join(bin, command), args, { cwd: dir });
  try {
    await writeFile(path.join(dir, "pwfile"), `${password}\n`, { mode: 0o600 });
    if (asRoot) {
      const ids = async (flag: string) => Number((await run("id", [flag, "postgres"])).stdout.trim());
      const [uid, gid] = [await ids("-u"), await ids("-g")];
      await chown(dir, uid, gid);
      await chown(path.join(dir, "pwfile"), uid, gid);
    }
    await server("initdb", [
      "-D",
      data,
      "-U",
      "pulumi",
      `--pwfile=${path.join(dir, "pwfile")}`,
      "-A",
      "scram-sha-256",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    const port = await freePort();
    const settings = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses=127.0.0.1"];
    if (!options.durable) settings.push("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off");
    await server("pg_ctl", ["start", "-w", "-t", "60", "-D", data, "-l", path.join(dir, "server.log"), "-o", settings.join(" ")]);
    const psql = async (database: string, sql: string) => {
      const { stdout } = await run(
        path.join(bin, "psql"),
        [
          "-X",
          "-q",
          "-tA",
          "-v",
          "ON_ERROR_STOP=1",
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          "-U",
          "pulumi",
          "-d",
          database,
          "-c",
          sql,
        ],
        {
          env: { ...process.env, PGPASSWORD: password },
          maxBuffer: 256 * 1024 * 1024,
        },
      );
      return stdout.split("\n").filter((line) => line !== "");
    };
    await psql("postgres", "CREATE DATABASE pulumi");
    return {
      url: `postgres://pulumi:${password}@127.0.0.1:${port}/pulumi?sslmode=disable`,
      password,
      port,
      query: (sql) => psql("pulumi", sql),
      async stop() {
        await server("pg_ctl", ["stop", "-w", "-m", "fast", "-D", data]);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    const log = await readFile(path.join(dir, "server.log"), "utf8").catch(() => "");
    await server("pg_ctl", ["stop", "-w", "-m", "immediate", "-D", data]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `could not start PostgreSQL from ${bin}: ${error instanceof Error ? error.message : String(error)}${log ? `\n${log}` : ""}`,
      { cause: error },
    );
  }
}
