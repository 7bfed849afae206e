import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { openDatabase, selectRows, wrapPglite } from "~/.server/db";

async function tableCount(db: Parameters<typeof selectRows>[0]) {
  const [row] = await selectRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`,
  );
  return row!.n;
}

describe("migrations", () => {
  it("apply to an empty database, are idempotent, and instances starting together take turns", async () => {
    const templateUrl = inject("pgTemplateUrl");
    if (templateUrl) {
      const adminUrl = new URL(templateUrl);
      adminUrl.pathname = "/postgres";
      const name = `greenroom_mig_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: adminUrl.toString() });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(templateUrl);
      url.pathname = `/${name}`;
      const handles = await Promise.all(
        [1, 2, 3].map(() => openDatabase({ databaseUrl: url.toString(), dataDir: "" })),
      );
      try {
        await Promise.all(handles.map((h) => h.migrate()));
        expect(await tableCount(handles[0]!.db)).toBeGreaterThanOrEqual(8);
      } finally {
        await Promise.all(handles.map((h) => h.close()));
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    } else {
      const handle = wrapPglite(await PGlite.create());
      await handle.migrate();
      await handle.migrate();
      expect(await tableCount(handle.db)).toBeGreaterThanOrEqual(8);
      await handle.close();
    }
  });
});
