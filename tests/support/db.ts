import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeEach, inject } from "vitest";
import { openDatabase, selectRows, wrapPglite, type DatabaseHandle, type Db } from "~/.server/db";

export const onPostgres = Boolean(inject("pgTemplateUrl"));

async function copyTemplate(): Promise<DatabaseHandle & { url?: string }> {
  const templateUrl = inject("pgTemplateUrl");
  if (templateUrl) {
    const template = new URL(templateUrl);
    const templateName = template.pathname.slice(1);
    const [, pid] = templateName.split("_tpl_");
    const name = `greenroom_t_${pid?.split("_")[0]}_${randomBytes(4).toString("hex")}`;
    const adminUrl = new URL(templateUrl);
    adminUrl.pathname = "/postgres";
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
    const url = new URL(templateUrl);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: "" });
    return {
      ...handle,
      url: url.toString(),
      close: async () => {
        await handle.close();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const dump = readFileSync(inject("pgliteDump")!);
  const client = await PGlite.create({ loadDataDir: new Blob([dump]) });
  return wrapPglite(client);
}

async function truncateAll(db: Db) {
  const rows = await selectRows<{ tablename: string }>(
    db,
    sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
  );
  if (rows.length === 0) return;
  const tables = rows.map((r) => `"${r.tablename}"`).join(", ");
  await db.execute(sql.raw(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`));
}

/**
 * One database per test file, copied from the migrated template, emptied before each test.
 * Runs on PostgreSQL when TEST_DATABASE_URL is set, otherwise on PGlite.
 */
export function useTestDatabase() {
  let handle: (DatabaseHandle & { url?: string }) | undefined;
  const ref = {
    get db(): Db {
      if (!handle) throw new Error("The test database is not ready yet");
      return handle.db;
    },
    get kind() {
      return handle?.kind;
    },
    /** On PostgreSQL, the database's address, for a child process to share it. */
    get url(): string | undefined {
      return handle?.url;
    },
    /** For libraries that bring their own SQL (pg-boss). */
    get handle(): DatabaseHandle {
      if (!handle) throw new Error("The test database is not ready yet");
      return handle;
    },
  };
  beforeEach(async () => {
    handle ??= await copyTemplate();
    await truncateAll(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });
  return ref;
}
