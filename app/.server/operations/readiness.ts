import { sql } from "drizzle-orm";
import { readFileSync } from "node:fs";
import path from "node:path";
import { MIGRATIONS_FOLDER, selectRows, type Db } from "../db";
import type { ObjectStorage } from "../storage";
import type { Lifecycle } from "./lifecycle";

// Readiness: may this process be sent traffic (or, for a worker, be counted on)? Liveness
// (/healthz) only asks whether the process and its database answer; readiness also wants the
// schema this code expects and the bucket, and says no the moment the process starts stopping.

export type CheckState = "ok" | "failed" | "pending";

export type Readiness = {
  ready: boolean;
  checks: {
    process: "serving" | "stopping";
    database: CheckState;
    migrations: CheckState;
    storage: CheckState;
  };
};

/** The newest migration this code ships (drizzle's journal records when each was generated). */
function latestShippedMigration(folder = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(path.join(folder, "meta/_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  return Math.max(...journal.entries.map((entry) => entry.when));
}

let shipped: number | undefined;

/**
 * Whether the database's schema is at least this code's: drizzle's migrator records the journal
 * time of every migration it applied in drizzle.__drizzle_migrations.
 */
export async function migrationsApplied(
  db: Db,
  expected = (shipped ??= latestShippedMigration()),
): Promise<boolean> {
  const [row] = await selectRows<{ latest: string | null }>(
    db,
    sql`SELECT max(created_at)::text AS latest FROM drizzle.__drizzle_migrations`,
  );
  return row?.latest != null && Number(row.latest) >= expected;
}

async function settle(check: () => Promise<boolean>): Promise<CheckState> {
  try {
    return (await check()) ? "ok" : "pending";
  } catch {
    return "failed";
  }
}

export async function checkReadiness(deps: {
  db: Db;
  storage: ObjectStorage;
  lifecycle: Lifecycle;
}): Promise<Readiness> {
  const stopping = deps.lifecycle.stopping;
  // Nothing else matters once stopping: answer at once, without touching the database.
  if (stopping)
    return {
      ready: false,
      checks: {
        process: "stopping",
        database: "pending",
        migrations: "pending",
        storage: "pending",
      },
    };
  const [database, storage] = await Promise.all([
    settle(async () => {
      await deps.db.execute(sql`select 1`);
      return true;
    }),
    settle(async () => {
      await deps.storage.ping();
      return true;
    }),
  ]);
  const migrations = database === "ok" ? await settle(() => migrationsApplied(deps.db)) : "pending";
  return {
    ready: database === "ok" && migrations === "ok" && storage === "ok",
    checks: { process: "serving", database, migrations, storage },
  };
}

/** The HTTP answer, the same from a web process (Remix route) and a worker (its own port). */
export function readinessResponse(readiness: Readiness): Response {
  return Response.json(
    { status: readiness.ready ? "ready" : "not ready", ...readiness.checks },
    { status: readiness.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}

/** Liveness: the process answers and its database does; nothing more, no details. */
export async function livenessResponse(db: Db, onError: (error: unknown) => void) {
  try {
    await db.execute(sql`select 1`);
    return Response.json(
      { status: "ok", database: "ok" },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    onError(error);
    return Response.json(
      { status: "error", database: "unreachable" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
