import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { DatabaseHandle } from "../db";
import type { ObjectStorage } from "../storage";
import { dispatchQueued, reassignStaleJobs } from "./dispatcher";
import type { ProvenanceKeys } from "./provenance";
import type { VideoProvider } from "./providers/provider";
import { failExhaustedJob, MAX_ATTEMPTS, runGenerationJob, type RunnerDeps } from "./runner";
import { removeAbandonedScratch } from "./scratch";
import { listenForRunNudges } from "./webhooks";

// The generation queue of one process: pg-boss on the portal's own database (PostgreSQL natively,
// PGlite through its `db` option), the fair-share dispatcher, the stale-job sweep, and this
// process's render workers. The web process runs one by default; `npm run worker` runs the same
// thing without the web server, as many times as you like.

/**
 * One pg-boss queue per provider, so a process only takes jobs for providers it is configured for,
 * and a slow remote provider never waits behind local renders for a worker.
 */
/** Any fixed number, distinct from the other advisory locks (migrations, dispatch). */
const QUEUE_SETUP_LOCK_KEY = 7_316_842_002;

export const renderQueue = (provider: string) => `generation-render-${provider}`;

export type GenerationQueueOptions = {
  handle: Pick<DatabaseHandle, "db" | "executeSql" | "exclusively"> &
    Partial<Pick<DatabaseHandle, "listen">>;
  providers: Map<string, VideoProvider>;
  /** Jobs running at once per provider, across every process. */
  concurrency: Record<string, number>;
  storage: ObjectStorage;
  provenance: ProvenanceKeys;
  logger: Logger;
  workDir: string;
  /**
   * Local render workers in this process (0: dispatch only). Remote providers mostly wait on the
   * network, so a process with workers also takes up to their whole concurrency.
   */
  workers: number;
  staleSeconds: number;
  /** How often this process dispatches and sweeps. */
  tickMs?: number;
  heartbeatMs?: number;
  retryBaseMs?: number;
  /** Where links in "your clip is ready/failed" emails point (APP_URL). */
  appUrl?: string;
  /** Replaces the job runner (the queue benchmark measures the queue alone with a no-op one). */
  runJob?: (deps: RunnerDeps, jobId: string, bossJobId: string) => Promise<void>;
};

export type GenerationQueue = {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Something changed (a job queued, cancelled or finished): dispatch now, wake the workers. */
  wake(): void;
  /** Resolves after one dispatch and sweep have run. */
  tick(): Promise<void>;
  readonly boss: PgBoss;
};

export function createGenerationQueue(options: GenerationQueueOptions): GenerationQueue {
  const { handle, logger } = options;
  const boss = new PgBoss({
    db: { executeSql: (text, values) => handle.executeSql(text, values) },
    // pg-boss's own cron is not used; maintenance expires and archives its jobs.
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: 30,
  });
  boss.on("error", (err) => logger.error({ err }, "pg-boss error"));

  const shutdown = new AbortController();
  const workerIds: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopNudges: (() => Promise<void>) | undefined;

  const send = async (
    jobId: string,
    bossJobId: string,
    provider: string,
    startAfterSeconds = 0,
  ) => {
    await boss.send(
      renderQueue(provider),
      { jobId },
      { id: bossJobId, ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}) },
    );
  };

  const runJob = options.runJob ?? runGenerationJob;
  const deps: RunnerDeps = {
    db: handle.db,
    providers: options.providers,
    storage: options.storage,
    provenance: options.provenance,
    logger,
    workDir: options.workDir,
    heartbeatMs: options.heartbeatMs ?? 1000,
    retryBaseMs: options.retryBaseMs ?? 2000,
    sendRetry: send,
    shutdown: shutdown.signal,
    appUrl: options.appUrl,
  };

  async function cleanScratch() {
    const removed = await removeAbandonedScratch(handle.db, options.workDir);
    if (removed > 0) logger.info({ removed }, "removed scratch folders of ended tries");
  }

  /** Whether any process has created the provider's render queue (pg-boss keeps it). */
  async function hasQueue(provider: string) {
    if (options.providers.has(provider)) return true;
    return (await boss.getQueue(renderQueue(provider))) !== null;
  }

  async function dispatchAndSweep() {
    const stale = await reassignStaleJobs(handle.db, options.staleSeconds);
    for (const job of stale) {
      if (job.attempts >= MAX_ATTEMPTS)
        await failExhaustedJob(handle.db, job.jobId, job.bossJobId, undefined, options.appUrl);
      // No process of this program has ever served its provider (its queue does not exist):
      // nobody will take it, so it fails and its seconds go back, instead of being handed
      // over every sweep forever (and its send throwing, which stopped the sweep for the rest).
      else if (!(await hasQueue(job.provider)))
        await failExhaustedJob(
          handle.db,
          job.jobId,
          job.bossJobId,
          `No renderer for "${job.provider}" runs on this program, so this clip could not be made.`,
          options.appUrl,
        );
      else {
        logger.warn({ jobId: job.jobId }, "generation job had no live worker; handing it over");
        await send(job.jobId, job.bossJobId, job.provider);
      }
    }
    // The folders of the tries just handed over, if their worker ran on this machine.
    if (stale.length > 0)
      await cleanScratch().catch((err: unknown) =>
        logger.warn({ err }, "could not clean scratch folders"),
      );
    const dispatched = await dispatchQueued(handle.db, options.concurrency);
    for (const job of dispatched)
      // One send that fails (a provider whose queue no process created) must not keep the others
      // from theirs; the sweep hands over or fails what was not sent.
      await send(job.jobId, job.bossJobId, job.provider).catch((err: unknown) =>
        logger.warn({ err, jobId: job.jobId }, "could not send a dispatched generation job"),
      );
    if (dispatched.length > 0 || stale.length > 0) {
      for (const id of workerIds) boss.notifyWorker(id);
    }
  }

  // One dispatch at a time per process; a request during one runs another right after.
  function tick(): Promise<void> {
    if (shutdown.signal.aborted) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await dispatchAndSweep().catch((err: unknown) =>
          logger.error({ err }, "generation dispatch failed"),
        );
      } while (again && !shutdown.signal.aborted);
      running = null;
    })();
    return running;
  }

  return {
    boss,
    tick,
    wake: () => void tick(),
    async start() {
      // pg-boss installs its schema and creates queues on start: processes starting together
      // (two web processes, a worker) deadlocked doing so, so they take turns.
      await handle.exclusively(QUEUE_SETUP_LOCK_KEY, async () => {
        await boss.start();
        for (const id of options.providers.keys()) {
          const name = renderQueue(id);
          await boss.createQueue(name, {
            name,
            policy: "standard",
            // Only our own bookkeeping failing (say, the database going away mid-write) reaches
            // these: provider errors are retried by the runner, which counts tries on the job.
            retryLimit: 2,
            retryDelay: 2,
            retryBackoff: true,
            // Heartbeats detect dead workers; this only bounds a handler pg-boss has lost track of.
            expireInSeconds: 6 * 3600,
          });
        }
      });
      // A worker killed on this machine left the folders of its tries behind.
      if (options.workers > 0)
        await cleanScratch().catch((err: unknown) =>
          logger.warn({ err }, "could not clean scratch folders"),
        );
      for (const [id, provider] of options.providers) {
        const name = renderQueue(id);
        const count =
          options.workers === 0
            ? 0
            : provider.resumable
              ? (options.concurrency[id] ?? 1)
              : options.workers;
        for (let i = 0; i < count; i++) {
          let workerId = "";
          workerId = await boss.work<{ jobId: string }>(
            name,
            { batchSize: 1, pollingIntervalSeconds: 0.5 },
            async ([job]) => {
              if (!job) return;
              await runJob(deps, job.data.jobId, job.id);
              void tick();
              // Fetch again at once while there is work; pg-boss would otherwise wait out the
              // rest of its polling interval after every job.
              boss.notifyWorker(workerId);
            },
          );
          workerIds.push(workerId);
        }
      }
      // A verified webhook names a run on the database's nudge channel: the runner polling it here
      // polls at once, whichever process took the delivery (webhooks.ts).
      if (workerIds.length > 0 && handle.listen)
        stopNudges = await listenForRunNudges(handle.listen, logger);
      timer = setInterval(() => void tick(), options.tickMs ?? 1000);
      timer.unref();
      await tick();
    },
    async stop() {
      clearInterval(timer);
      shutdown.abort();
      await stopNudges?.();
      await running;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: false });
    },
  };
}
