import type { Logger } from "pino";
import type { Db } from "~/.server/db";
import { removeOrphanObjects } from "~/.server/generation/orphans";
import type { ObjectStorage } from "~/.server/storage";

// Upkeep every kind of process runs (web and worker): each job is safe to run in many processes
// at once.

/**
 * Objects a worker uploaded and then died before recording (orphans.ts): looked for ten minutes
 * after start and every hour after. Returns the timers, unref'd, for the caller to clear.
 */
export function sweepOrphansHourly(db: Db, storage: ObjectStorage, logger: Logger) {
  const sweep = () => {
    removeOrphanObjects(db, storage).then(
      (removed) => {
        if (removed > 0) logger.warn({ removed }, "removed stored objects no clip refers to");
      },
      (err: unknown) => logger.error({ err }, "orphan sweep failed"),
    );
  };
  const timers = [setTimeout(sweep, 10 * 60_000), setInterval(sweep, 3600_000)];
  for (const timer of timers) timer.unref();
  return timers;
}
