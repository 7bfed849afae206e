import { PGlite } from "@electric-sql/pglite";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase, wrapPglite } from "../../app/.server/db";

declare module "vitest" {
  export interface ProvidedContext {
    /** PostgreSQL: the migrated template database each test file copies. */
    pgTemplateUrl: string | null;
    /** PGlite: a gzipped data directory of a migrated database each test file loads. */
    pgliteDump: string | null;
  }
}

export function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Migrating costs seconds; copying a migrated database costs milliseconds. We migrate once here
 * and every test file starts from a copy (see ARCHITECTURE.md, "Known traps").
 */
export default async function setup(project: TestProject) {
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (pgUrl) {
    const name = `greenroom_tpl_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const handle = await openDatabase({ databaseUrl: withDatabase(pgUrl, name), dataDir: "" });
    await handle.migrate();
    await handle.close();
    project.provide("pgTemplateUrl", withDatabase(pgUrl, name));
    project.provide("pgliteDump", null);
    return async () => {
      // Test files drop their own copies; drop any left by a crashed worker, then the template.
      const left = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`greenroom_t_${process.pid}_%`],
      );
      for (const row of left.rows)
        await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  }
  const client = await PGlite.create();
  await wrapPglite(client).migrate();
  const dump = await client.dumpDataDir("gzip");
  await client.close();
  const dir = mkdtempSync(path.join(tmpdir(), "greenroom-test-"));
  const file = path.join(dir, "template.tar.gz");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgTemplateUrl", null);
  project.provide("pgliteDump", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
