import type { ServerBuild } from "@remix-run/node";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pino } from "pino";
import { pruneCounters } from "~/.server/auth/rate-limit";
import { pruneEndedSessions } from "~/.server/auth/session";
import { openDatabase, type DatabaseHandle } from "~/.server/db";
import { parseEnv, type Env } from "~/.server/env";
import {
  concurrencyFromEnv,
  generationQueueFromEnv,
  provenanceKeysFromEnv,
  providersFromEnv,
  storageFromEnv,
} from "~/.server/generation/setup";
import { syncDefaultModel } from "~/.server/generation/catalog";
import { createLiveService } from "~/.server/live/live-service";
import { createMailer } from "~/.server/mail/mailer";
import { deliverEmails } from "~/.server/mail/send";
import { sendOverdueDigests } from "~/.server/notifications/digest";
import { createLifecycle } from "~/.server/operations/lifecycle";
import { pruneActivity } from "~/.server/oversight/activity";
import { scanForAnomalies, thresholdsFromEnv } from "~/.server/oversight/flags";
import { createApp } from "./app";
import { closeServer, stopOnSignals } from "./shutdown";
import { sweepOrphansHourly } from "./upkeep";

export function loadDotEnv() {
  // .env is optional; the process environment always wins over it.
  if (existsSync(".env")) process.loadEnvFile(".env");
}

export type StartOptions = {
  dev?: boolean;
  /** Runs after migrations, before the server listens (the demo seeds here). */
  beforeListen?: (handle: DatabaseHandle, env: Env) => Promise<void>;
  env?: Env;
};

export async function startServer(options: StartOptions = {}) {
  const env = options.env ?? parseEnv();
  const logger = pino({ level: env.LOG_LEVEL, base: undefined });
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  await handle.migrate();
  // Providers are built first: the catalog's default entry mirrors GENERATION_PROVIDER.
  const providers = providersFromEnv(env);
  await syncDefaultModel(handle.db, providers.get(env.GENERATION_PROVIDER)!);
  await options.beforeListen?.(handle, env);
  const mailer = createMailer(env);
  const storage = storageFromEnv(env);
  // Render workers run inside the web process unless GENERATION_WORKERS=0; the dispatcher always
  // runs, so jobs start as soon as they are queued.
  const queue = generationQueueFromEnv(handle, env, logger, {
    workers: env.GENERATION_WORKERS,
    storage,
    providers,
  });
  await queue.start();

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let viteMiddleware;
  let closeVite = async () => {};
  if (options.dev) {
    const vite = await import("vite");
    const server = await vite.createServer({ server: { middlewareMode: true } });
    viteMiddleware = server.middlewares;
    build = () => server.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => server.close();
  } else {
    const buildPath = path.resolve("build/server/index.js");
    if (!existsSync(buildPath))
      throw new Error("No production build found: run `npm run build` first.");
    build = (await import(buildPath)) as ServerBuild;
  }

  // Live updates: this process LISTENs for the queue's changes, whoever makes them.
  const live = createLiveService({
    db: handle.db,
    logger,
    concurrency: concurrencyFromEnv(env),
    listen: handle.listen,
  });
  await live.start();

  const lifecycle = createLifecycle();
  const app = createApp({
    lifecycle,
    live,
    db: handle.db,
    env,
    mailer,
    logger,
    storage,
    generation: {
      provider: env.GENERATION_PROVIDER,
      capabilities: providers.get(env.GENERATION_PROVIDER)!.capabilities,
      concurrency: concurrencyFromEnv(env),
      wake: queue.wake,
      configured: [...providers.keys()],
      takesImage: [...providers.values()].filter((p) => p.takesImage).map((p) => p.id),
    },
    provenance: provenanceKeysFromEnv(env),
    build,
    viteMiddleware,
    clientAssetsDir: path.resolve("build/client"),
  });

  // The reviewers' daily overdue digest. Checking every 10 minutes is cheap, and the database
  // makes it one email per reviewer per day however many processes run this.
  const sendDigests = () => {
    sendOverdueDigests(handle.db, mailer, {
      now: new Date(),
      targetHours: env.REVIEW_TARGET_HOURS,
      digestHourUtc: env.REVIEW_DIGEST_HOUR_UTC,
      appUrl: env.APP_URL,
    }).then(
      (result) => {
        if (result.recipients > 0) logger.info(result, "overdue digest sent");
      },
      (err: unknown) => logger.error({ err }, "overdue digest failed"),
    );
  };

  // The anomaly scan: accounts used from many addresses or browsers, or generating far above
  // their own history. Every process may run it; the database keeps one open flag per account
  // and kind. Activity older than 90 days is forgotten (the scan reads the last day).
  const scanAnomalies = () => {
    const now = new Date();
    scanForAnomalies(handle.db, {
      now,
      thresholds: thresholdsFromEnv(env),
      autoSuspend: env.ANOMALY_AUTO_SUSPEND,
      appUrl: env.APP_URL,
      mailer,
    })
      .then(async (result) => {
        if (result.raised + result.updated + result.suspended.length > 0)
          logger.warn(result, "anomaly scan flagged accounts");
        await pruneActivity(handle.db, new Date(now.getTime() - 90 * 24 * 3600_000));
      })
      .catch((err: unknown) => logger.error({ err }, "anomaly scan failed"));
  };

  // Background upkeep in the web process: retry queued email, forget old throttle windows and
  // the reasons of long-ended sessions, send the overdue digest.
  const timers = [
    setInterval(() => {
      deliverEmails(handle.db, mailer).catch((err: unknown) =>
        logger.error({ err }, "email delivery failed"),
      );
    }, 15_000),
    setInterval(() => {
      const day = new Date(Date.now() - 24 * 3600_000);
      const month = new Date(Date.now() - 31 * 24 * 3600_000);
      Promise.all([pruneCounters(handle.db, day), pruneEndedSessions(handle.db, month)]).catch(
        (err: unknown) => logger.error({ err }, "housekeeping failed"),
      );
    }, 3600_000),
    setTimeout(sendDigests, 5_000),
    setInterval(sendDigests, 10 * 60_000),
    setTimeout(scanAnomalies, 60_000),
    setInterval(scanAnomalies, 5 * 60_000),
    ...sweepOrphansHourly(handle.db, storage, logger),
  ];
  for (const timer of timers) timer.unref();

  const server = app.listen(env.PORT, env.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  /**
   * Graceful shutdown: /readyz answers 503 from the first moment, the listener closes, requests
   * in flight get the grace period, render workers in this process hand their jobs back (another
   * process resumes them), then the database closes.
   */
  const stop = () => {
    stopping ??= (async () => {
      lifecycle.beginShutdown();
      // Node's clearTimeout clears intervals too.
      for (const timer of timers) clearTimeout(timer);
      // Open event streams would keep the server from closing: end them first (browsers
      // reconnect, to another process).
      await live.close();
      await Promise.all([closeServer(server, env.SHUTDOWN_GRACE_SECONDS * 1000), queue.stop()]);
      await closeVite();
      await handle.close();
    })();
    return stopping;
  };
  stopOnSignals(logger, stop, env.SHUTDOWN_GRACE_SECONDS * 1000);
  return {
    port,
    url: `http://localhost:${port}`,
    env,
    handle,
    logger,
    queue,
    live,
    lifecycle,
    stop,
  };
}
