// The server the Playwright suite runs against (playwright.config.ts starts it as `webServer`).
//
// Every run gets a fresh, seeded database that disappears when Playwright stops the server:
// - E2E_DATABASE_URL set (a PostgreSQL URL to an existing database, e.g. the `postgres` one): a new
//   database `greenroom_e2e_<pid>_<time>` is created there and dropped WITH (FORCE) on exit;
// - otherwise: the embedded PGlite database in a fresh temporary DATA_DIR, removed on exit.
// It builds nothing: run `npx remix vite:build` first.
//
// Playwright stops the server with one SIGTERM to the whole process group. The `tsx` CLI relays a
// signal to its child and SIGKILLs it unless the child acknowledges within ~30 ms, which a process
// busy in PGlite's WebAssembly (initdb, checkpoint on close) cannot promise; a SIGKILL would leave
// the database behind. So the process tsx starts is only a thin, always-idle wrapper, and the
// server runs in a plain `node --import tsx` child of the same process group, which receives
// Playwright's signal directly and cleans up at its own pace.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
// Safe to load early: it reads no environment at import time.
import { isProcessAlive } from "../app/.server/db";

const buildFile = path.resolve("build/server/index.js");
if (!existsSync(buildFile)) {
  console.error(
    `e2e server: no production build at ${buildFile}. Run \`npx remix vite:build\` before \`npx playwright test\`.`,
  );
  process.exit(1);
}

const port = Number(process.env.E2E_PORT ?? 3210);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`e2e server: E2E_PORT must be a port number, not "${process.env.E2E_PORT}".`);
  process.exit(1);
}

const CHILD_FLAG = "GREENROOM_E2E_SERVER_CHILD";

if (process.env[CHILD_FLAG] !== "1") {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
    stdio: "inherit",
    env: { ...process.env, [CHILD_FLAG]: "1" },
  });
  // When only this wrapper is signalled (not the whole group), pass it on; the child acts once.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) =>
    process.exit(code ?? (signal ? 128 + constants.signals[signal] : 1)),
  );
} else {
  await serve();
}

async function serve() {
  const adminUrl = process.env.E2E_DATABASE_URL || undefined;
  const tempDir = mkdtempSync(path.join(tmpdir(), "greenroom-e2e-"));
  const databaseName = `greenroom_e2e_${process.pid}_${Date.now()}`;
  let databaseCreated = false;

  function withDatabase(url: string, name: string) {
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  }

  async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  /** Databases left by runs that were killed outright (SIGKILL leaves no chance to clean up). */
  async function dropAbandonedDatabases(client: pg.Client) {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^greenroom_e2e_[0-9]+_[0-9]+$'`,
    );
    for (const { datname } of rows) {
      const [, pid, time] = datname.split("_").slice(1);
      const ageMs = Date.now() - Number(time);
      if (!isProcessAlive(Number(pid)) && ageMs > 3600_000) {
        await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
      }
    }
  }

  let cleaned: Promise<void> | undefined;
  function cleanUp() {
    cleaned ??= (async () => {
      if (adminUrl && databaseCreated) {
        try {
          await withAdminClient((client) =>
            client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`),
          );
        } catch (error) {
          console.error(
            `e2e server: could not drop database ${databaseName}:`,
            error instanceof Error ? error.message : error,
          );
        }
      }
      rmSync(tempDir, { recursive: true, force: true });
    })();
    return cleaned;
  }

  // Until the server is up, a signal only has the temporary resources to clean up.
  let stopServer: (() => Promise<void>) | undefined;
  let shuttingDown = false;
  function onSignal(signal: NodeJS.Signals) {
    // Playwright signals the whole process group, and the tsx wrapper relays it again: act once.
    if (shuttingDown) return;
    shuttingDown = true;
    (async () => {
      try {
        await stopServer?.();
      } catch (error) {
        console.error(
          "e2e server: stopping failed:",
          error instanceof Error ? error.message : error,
        );
      }
      await cleanUp();
      process.exit(signal === "SIGINT" ? 130 : 0);
    })();
  }
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    // The environment is settled before the app's modules load: some read NODE_ENV at import time.
    for (const name of [
      "RESEND_API_KEY",
      "RESEND_BASE_URL",
      "TRUSTED_PROXY_HEADER",
      "DATABASE_URL",
      "HOST",
    ]) {
      delete process.env[name];
    }
    if (adminUrl) {
      await withAdminClient(async (client) => {
        await dropAbandonedDatabases(client);
        await client.query(`CREATE DATABASE ${databaseName}`);
      });
      databaseCreated = true;
      process.env.DATABASE_URL = withDatabase(adminUrl, databaseName);
    }
    Object.assign(process.env, {
      NODE_ENV: "production",
      PORT: String(port),
      APP_URL: `http://localhost:${port}`,
      // As behind a TLS-terminating proxy: a request saying x-forwarded-proto: https gets Secure
      // cookies, any other the plain ones a demo over http needs (security.spec.ts).
      TRUSTED_PROTO_HEADER: "x-forwarded-proto",
      LOG_LEVEL: "warn",
      DATA_DIR: path.join(tempDir, "data"),
      SESSION_SECRET: randomBytes(32).toString("hex"),
    });

    const { startServer } = await import("../server/start");
    const { seedDemoData } = await import("../db/demo-data");
    const { provenanceKeysFromEnv, storageFromEnv } =
      await import("../app/.server/generation/setup");

    // startServer installs its own SIGINT/SIGTERM handlers that exit as soon as the server is
    // closed; ours must also drop the database, so we take its place.
    const before = { SIGINT: process.listeners("SIGINT"), SIGTERM: process.listeners("SIGTERM") };
    const server = await startServer({
      beforeListen: async (handle, env) => {
        await seedDemoData(handle.db, {
          appUrl: env.APP_URL,
          storage: storageFromEnv(env),
          provenance: provenanceKeysFromEnv(env),
        });
      },
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      for (const listener of process.listeners(signal)) {
        if (!before[signal].includes(listener)) process.removeListener(signal, listener);
      }
    }
    stopServer = server.stop;
    if (shuttingDown) {
      // A signal arrived while starting: its handler ran before stopServer existed.
      await server.stop();
      await cleanUp();
      process.exit(0);
    }
    console.log(
      `e2e server listening on ${server.url} (${server.handle.kind === "postgres" ? `PostgreSQL database ${databaseName}` : `PGlite in ${tempDir}`})`,
    );
  } catch (error) {
    console.error(
      "e2e server: could not start:",
      error instanceof Error ? (error.stack ?? error.message) : error,
    );
    await cleanUp();
    process.exit(1);
  }
}
