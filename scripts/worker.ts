// `npm run worker`: render workers without the web server. Run as many as you like against
// PostgreSQL; they share the queue safely (the embedded database allows one process at a time).
// `npm run worker -- --until-idle` exits once no job is waiting or running (batch runs, tests).
// With WORKER_PORT set it serves /healthz, /readyz and /metrics there (docs/deploy.md).
import { sql } from "drizzle-orm";
import type { Server } from "node:http";
import { pino } from "pino";
import { openDatabase, selectRows } from "~/.server/db";
import { parseEnv } from "~/.server/env";
import {
  generationQueueFromEnv,
  providersFromEnv,
  storageFromEnv,
} from "~/.server/generation/setup";
import { processMetrics } from "~/.server/metrics";
import { createLifecycle } from "~/.server/operations/lifecycle";
import { closeServer, stopOnSignals } from "../server/shutdown";
import { loadDotEnv } from "../server/start";
import { sweepOrphansHourly } from "../server/upkeep";
import { createWorkerApp } from "../server/worker-http";

loadDotEnv();
const env = parseEnv();
const logger = pino({ level: env.LOG_LEVEL, base: { role: "worker", pid: process.pid } });
const workers = Math.max(1, env.GENERATION_WORKERS);
const untilIdle = process.argv.includes("--until-idle");
const graceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;

try {
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  await handle.migrate();
  const storage = storageFromEnv(env);
  const providers = providersFromEnv(env);
  const lifecycle = createLifecycle();
  const queue = generationQueueFromEnv(handle, env, logger, { workers, storage, providers });
  await queue.start();

  let server: Server | undefined;
  if (env.WORKER_PORT) {
    const metrics = processMetrics();
    metrics.collectFrom(handle.db, { providers: [...providers.keys()] });
    const app = createWorkerApp({
      db: handle.db,
      storage,
      lifecycle,
      metrics,
      metricsToken: env.METRICS_TOKEN,
      logger,
    });
    server = app.listen(env.WORKER_PORT, env.HOST);
    await new Promise<void>((resolve, reject) => {
      server!.once("listening", resolve);
      server!.once("error", reject);
    });
  }
  const timers = sweepOrphansHourly(handle.db, storage, logger);
  logger.info({ workers, port: env.WORKER_PORT ?? null }, "generation worker started");

  let stopping: Promise<void> | undefined;
  // Running jobs are handed back at once (another worker resumes them); the port closes last so
  // probes see "stopping" while that happens.
  const stop = () => {
    stopping ??= (async () => {
      lifecycle.beginShutdown();
      for (const timer of timers) clearTimeout(timer);
      await queue.stop();
      if (server) await closeServer(server, graceMs);
      await handle.close();
    })();
    return stopping;
  };
  stopOnSignals(logger, stop, graceMs);
  if (untilIdle) {
    const timer = setInterval(() => {
      selectRows<{ n: number }>(
        handle.db,
        sql`SELECT count(*)::int AS n FROM generation_jobs WHERE status IN ('queued', 'running')`,
      ).then(
        ([row]) => {
          if (row?.n === 0) {
            clearInterval(timer);
            logger.info("no work left; worker stopping");
            stop().then(
              () => process.exit(0),
              (err: unknown) => {
                logger.error({ err }, "worker shutdown failed");
                process.exit(1);
              },
            );
          }
        },
        (err: unknown) => logger.error({ err }, "idle check failed"),
      );
    }, 500);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
