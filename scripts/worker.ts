// `npm run worker`: render workers without the web server. Run as many as you like against
// PostgreSQL; they share the queue safely (the embedded database allows one process at a time).
// `npm run worker -- --until-idle` exits once no job is waiting or running (batch runs, tests).
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { openDatabase } from "~/.server/db";
import { selectRows } from "~/.server/db";
import { parseEnv } from "~/.server/env";
import {
  generationQueueFromEnv,
  providersFromEnv,
  storageFromEnv,
} from "~/.server/generation/setup";
import { loadDotEnv } from "../server/start";

loadDotEnv();
const env = parseEnv();
const logger = pino({ level: env.LOG_LEVEL, base: { role: "worker", pid: process.pid } });
const workers = Math.max(1, env.GENERATION_WORKERS);
const untilIdle = process.argv.includes("--until-idle");

try {
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  await handle.migrate();
  const queue = generationQueueFromEnv(handle, env, logger, {
    workers,
    storage: storageFromEnv(env),
    providers: providersFromEnv(env),
  });
  await queue.start();
  logger.info({ workers }, "generation worker started");
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, "worker stopping; running jobs are handed back");
    queue
      .stop()
      .then(() => handle.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, "worker shutdown failed");
          process.exit(1);
        },
      );
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop(signal));
  if (untilIdle) {
    const timer = setInterval(() => {
      selectRows<{ n: number }>(
        handle.db,
        sql`SELECT count(*)::int AS n FROM generation_jobs WHERE status IN ('queued', 'running')`,
      ).then(
        ([row]) => {
          if (row?.n === 0) {
            clearInterval(timer);
            stop("idle");
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
