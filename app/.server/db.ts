import { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import * as schema from "~db/schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A database handle or an open transaction: domain functions accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export type DatabaseHandle = {
  db: Db;
  kind: "postgres" | "pglite";
  migrate: () => Promise<void>;
  close: () => Promise<void>;
  /**
   * Raw SQL for libraries that bring their own (pg-boss): `{ rows }` like node-postgres. On PGlite,
   * a text without parameters may hold several statements and goes through `exec`.
   */
  executeSql: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
  /**
   * Runs `fn` while holding a lock every process on this database shares (a PostgreSQL advisory
   * lock on a connection of its own; PGlite admits one process, so there it just runs): setup
   * that would deadlock or race when several processes start at once takes turns instead.
   */
  exclusively: <T>(lockKey: number, fn: () => Promise<T>) => Promise<T>;
  /**
   * LISTENs to `channel`: on PostgreSQL on a connection of its own (a pool connection may be
   * handed to anyone), on PGlite in-process. Resolves once listening; call the result to stop.
   * `onError` hears that a PostgreSQL listening connection was lost (it is not reopened here).
   */
  listen?: (
    channel: string,
    onPayload: (payload: string) => void,
    onError?: (error: Error) => void,
  ) => Promise<() => Promise<void>>;
};

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "db/migrations");

export class DatabaseLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dir} is in use by process ${pid}. ` +
        `Stop that process (kill ${pid}) or point DATA_DIR at another folder.`,
    );
    this.name = "DatabaseLockedError";
  }
}

export function isProcessAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite has no lock of its own: two processes on one folder silently lose writes. We take an
 * exclusive lockfile (created with O_EXCL, holding our pid) before opening the folder. A lockfile
 * whose process is gone is stale and is taken over.
 */
export function acquireDirectoryLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, "greenroom.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(lockPath, "utf8").trim() === String(process.pid)) rmSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(lockPath, "utf8").trim(), 10);
      if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder)) {
        throw new DatabaseLockedError(dir, holder);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

// drizzle's migrator takes no lock: several instances starting at once could apply the same
// migration twice. A session-level advisory lock on one connection makes them take turns.
const MIGRATION_LOCK_KEY = 7_316_842_001;

async function withAdvisoryLock<T>(
  databaseUrl: string,
  lockKey: number,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [lockKey]);
    return await fn(client);
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [lockKey]).catch(() => undefined);
    await client.end();
  }
}

function migratePostgres(databaseUrl: string) {
  return withAdvisoryLock(databaseUrl, MIGRATION_LOCK_KEY, (client) =>
    migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
  );
}

export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection can die (server restart, failover, a terminated backend). Without a
    // listener that error would crash the process; the pool replaces the connection by itself.
    pool.on("error", (error) => {
      if ((error as { code?: string }).code !== "57P01")
        console.error("PostgreSQL pool error:", error.message);
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      migrate: () => migratePostgres(options.databaseUrl!),
      close: () => pool.end(),
      executeSql: (text, values) => pool.query(text, values),
      exclusively: (lockKey, fn) => withAdvisoryLock(options.databaseUrl!, lockKey, () => fn()),
      listen: async (channel, onPayload, onError) => {
        const client = new pg.Client({ connectionString: options.databaseUrl });
        let ended = false;
        client.on("notification", (message) => {
          if (message.channel === channel) onPayload(message.payload ?? "");
        });
        client.on("error", (error) => {
          if (!ended) onError?.(error);
        });
        client.on("end", () => {
          if (!ended) onError?.(new Error("The listening connection closed."));
        });
        await client.connect();
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        return async () => {
          ended = true;
          await client.end().catch(() => {});
        };
      },
    };
  }
  const dir = path.resolve(options.dataDir);
  const release = acquireDirectoryLock(dir);
  try {
    const client = await PGlite.create(path.join(dir, "pglite"));
    return wrapPglite(client, async () => {
      await client.close();
      release();
    });
  } catch (error) {
    release();
    throw error;
  }
}

export function wrapPglite(client: PGlite, close?: () => Promise<void>): DatabaseHandle {
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: close ?? (() => client.close()),
    exclusively: (_lockKey, fn) => fn(),
    listen: async (channel, onPayload) => {
      const stop = await client.listen(channel, onPayload);
      return async () => {
        if (!client.closed) await stop().catch(() => {});
      };
    },
    executeSql: async (text, values) => {
      if (values && values.length > 0) {
        return client.query<Record<string, unknown>>(text, values);
      }
      try {
        const results = await client.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
      } catch (error) {
        // A script that began a transaction and failed would leave PGlite's only session in an
        // aborted transaction, failing every query after it.
        if (client.isInTransaction()) await client.exec("ROLLBACK").catch(() => {});
        throw error;
      }
    },
  };
}

/** `value` as literal text inside a LIKE/ILIKE pattern: its %, _ and \ match only themselves. */
export function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Rows of a raw SQL query; both drivers answer with `{ rows }`. */
export async function selectRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
