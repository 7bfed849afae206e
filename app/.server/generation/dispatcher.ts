import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { JobState } from "~/lib/generation";
import { selectRows, type Db } from "../db";
import { moveJob, moveLockedJob, statusAllows } from "./job-states";

// Fair share. pg-boss delivers work durably and safely across processes, but it hands out jobs in
// the order they were sent. Which generation job starts next is decided here instead: the oldest
// job of the artist with the fewest jobs running, never above that artist's cap, within a global
// concurrency per provider. A job given a slot becomes `running` and gets a pg-boss job of its own.

/** Any fixed number: every process takes this lock before it hands out slots. */
const DISPATCH_LOCK = 720_301;

export type QueuedCandidate = { id: string; userId: string; createdAt: Date };

/**
 * Picks up to `slots` jobs, one at a time: each pick goes to the artist with the fewest jobs
 * running (counting the picks already made), the oldest waiting job breaking ties, skipping
 * artists at their cap. `queued` holds each artist's waiting jobs, oldest first.
 */
export function pickFairShare(
  queued: Map<string, QueuedCandidate[]>,
  running: Map<string, number>,
  caps: Map<string, number>,
  slots: number,
): QueuedCandidate[] {
  const counts = new Map(running);
  const heads = new Map([...queued.keys()].map((user) => [user, 0]));
  const picked: QueuedCandidate[] = [];
  while (picked.length < slots) {
    let best: { user: string; job: QueuedCandidate; running: number } | null = null;
    for (const [user, jobs] of queued) {
      const job = jobs[heads.get(user)!];
      if (!job) continue;
      const n = counts.get(user) ?? 0;
      if (n >= (caps.get(user) ?? 0)) continue;
      if (
        !best ||
        n < best.running ||
        (n === best.running &&
          (job.createdAt < best.job.createdAt ||
            (job.createdAt.getTime() === best.job.createdAt.getTime() && job.id < best.job.id)))
      ) {
        best = { user, job, running: n };
      }
    }
    if (!best) break;
    picked.push(best.job);
    counts.set(best.user, best.running + 1);
    heads.set(best.user, heads.get(best.user)! + 1);
  }
  return picked;
}

export type Dispatched = { jobId: string; bossJobId: string; provider: string };

/**
 * Gives free slots to waiting jobs, for every provider, in one transaction under an advisory lock,
 * so several processes dispatching at once never exceed a limit. The caller sends the pg-boss jobs
 * after commit; if it dies first, the stale-job sweep sends them again.
 */
export async function dispatchQueued(
  db: Db,
  concurrency: Record<string, number>,
): Promise<Dispatched[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${DISPATCH_LOCK})`);
    const perUser = await selectRows<{ user_id: string; provider: string; n: number }>(
      tx,
      sql`SELECT user_id, provider, count(*)::int AS n FROM generation_jobs
          WHERE status = 'running' GROUP BY user_id, provider`,
    );
    const running = new Map<string, number>();
    const runningByProvider = new Map<string, number>();
    for (const row of perUser) {
      running.set(row.user_id, (running.get(row.user_id) ?? 0) + row.n);
      runningByProvider.set(row.provider, (runningByProvider.get(row.provider) ?? 0) + row.n);
    }

    const dispatched: Dispatched[] = [];
    for (const [provider, limit] of Object.entries(concurrency)) {
      const slots = limit - (runningByProvider.get(provider) ?? 0);
      if (slots <= 0) continue;
      // Each artist's oldest waiting jobs, only as many as could possibly start now.
      const rows = await selectRows<{
        id: string;
        user_id: string;
        created_at: string | Date;
        cap: number;
      }>(
        tx,
        sql`SELECT id, user_id, created_at, cap FROM (
              SELECT j.id, j.user_id, j.created_at,
                     coalesce(s.max_concurrent_jobs, 2) AS cap,
                     row_number() OVER (PARTITION BY j.user_id ORDER BY j.created_at, j.id) AS rn
              FROM generation_jobs j
              LEFT JOIN access_settings s ON s.user_id = j.user_id
              WHERE ${statusAllows("dispatch", sql`j.status`)} AND j.provider = ${provider}
            ) ranked
            WHERE rn <= ${slots}
            ORDER BY user_id, created_at, id`,
      );
      const queued = new Map<string, QueuedCandidate[]>();
      const caps = new Map<string, number>();
      for (const row of rows) {
        caps.set(row.user_id, row.cap);
        const list = queued.get(row.user_id) ?? [];
        list.push({ id: row.id, userId: row.user_id, createdAt: new Date(row.created_at) });
        queued.set(row.user_id, list);
      }
      for (const job of pickFairShare(queued, running, caps, slots)) {
        const bossJobId = randomUUID();
        const moved = await moveJob(tx, job.id, "dispatch", {
          dispatchedAt: sql`now()`,
          bossJobId,
        });
        // Cancelled since it was read: its slot stays free for the next round.
        if (!moved) continue;
        running.set(job.userId, (running.get(job.userId) ?? 0) + 1);
        dispatched.push({ jobId: job.id, bossJobId, provider });
      }
    }
    return dispatched;
  });
}

export type Reassigned = Dispatched & { attempts: number };

/**
 * Running jobs nobody is working on: the worker stopped sending heartbeats (it died), or a
 * dispatched job never reached a worker (its pg-boss job was never sent). Each gets a new pg-boss
 * job id, so whatever the old worker might still write is ignored; jobs that have used up their
 * tries are returned with their attempt count for the caller to fail.
 */
export async function reassignStaleJobs(db: Db, staleSeconds: number): Promise<Reassigned[]> {
  return db.transaction(async (tx) => {
    const rows = await selectRows<{
      id: string;
      status: JobState;
      provider: string;
      attempts: number;
    }>(
      tx,
      sql`SELECT id, status, provider, attempts FROM generation_jobs
          WHERE ${statusAllows("hand_over", sql`status`)}
            AND coalesce(heartbeat_at, dispatched_at) < now() - make_interval(secs => ${staleSeconds})
            -- Never claimed, and its pg-boss job is still waiting for a free worker: it is in
            -- line, not lost. Handing it over again would only put a twin behind it, every
            -- sweep, for as long as no worker is free (or none runs at all).
            AND NOT (heartbeat_at IS NULL AND EXISTS (
              SELECT 1 FROM pgboss.job b
              WHERE b.name = 'generation-render-' || generation_jobs.provider
                AND b.id::text = generation_jobs.boss_job_id
                AND b.state IN ('created', 'retry')))
          FOR UPDATE SKIP LOCKED`,
    );
    const out: Reassigned[] = [];
    for (const row of rows) {
      const bossJobId = randomUUID();
      await moveLockedJob(tx, row, "hand_over", {
        bossJobId,
        heartbeatAt: null,
        dispatchedAt: sql`now()`,
      });
      out.push({ jobId: row.id, bossJobId, provider: row.provider, attempts: row.attempts });
    }
    return out;
  });
}
