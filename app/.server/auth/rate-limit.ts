import { and, eq, lt, sql } from "drizzle-orm";
import { rateLimitCounters } from "~db/schema";
import { selectRows, type DbOrTx } from "../db";
import { UserError } from "../errors";

/** At most `max` hits per fixed window of `windowSeconds`. */
export type Limit = { bucket: string; max: number; windowSeconds: number };

/**
 * `free` hits per window, then each next one only once a delay has passed since the last one let
 * through, doubling from 1 s up to `maxDelaySeconds`: slows a guesser down without ever locking
 * anyone out for long.
 */
export type Backoff = {
  bucket: string;
  free: number;
  windowSeconds: number;
  maxDelaySeconds: number;
};

// Password-reset requests, per account and per address. Counted in the database, so every process
// shares them. Sign-in has its own policy (sign-in-throttle.ts).
export const LIMITS = {
  resetPerAccount: { bucket: "reset:account", max: 3, windowSeconds: 60 * 60 },
  resetPerIp: { bucket: "reset:ip", max: 20, windowSeconds: 60 * 60 },
} satisfies Record<string, Limit>;

/** "45 seconds", "1 minute", "12 minutes". */
export function formatWait(seconds: number) {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export class RateLimitedError extends UserError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      `Too many attempts. Please wait ${formatWait(retryAfterSeconds)} and try again.`,
      429,
      undefined,
      { "Retry-After": String(retryAfterSeconds) },
    );
    this.name = "RateLimitedError";
  }
}

function windowStart(windowSeconds: number, now: Date) {
  const size = windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / size) * size);
}

/**
 * Counts one hit and throws when the count is over the limit. Incrementing first and checking the
 * returned count is atomic, so parallel attempts cannot all slip under the limit.
 */
export async function hit(db: DbOrTx, limit: Limit, key: string, now = new Date()) {
  const start = windowStart(limit.windowSeconds, now);
  const [row] = await db
    .insert(rateLimitCounters)
    .values({ bucket: limit.bucket, key: key.toLowerCase(), windowStart: start, hits: 1 })
    .onConflictDoUpdate({
      target: [rateLimitCounters.bucket, rateLimitCounters.key, rateLimitCounters.windowStart],
      set: { hits: sql`${rateLimitCounters.hits} + 1` },
    })
    .returning({ hits: rateLimitCounters.hits });
  if ((row?.hits ?? 0) > limit.max) {
    const retryAfter = Math.ceil(
      (start.getTime() + limit.windowSeconds * 1000 - now.getTime()) / 1000,
    );
    throw new RateLimitedError(Math.max(1, retryAfter));
  }
}

/** The delay a backoff asks for before the hit after `hits` hits, in seconds. */
export function backoffDelaySeconds(backoff: Backoff, hits: number) {
  if (hits < backoff.free) return 0;
  return Math.min(backoff.maxDelaySeconds, 2 ** (hits - backoff.free));
}

/**
 * Counts one hit under a growing delay, or throws with the time left to wait. The hit is taken
 * only when allowed, in one statement (the conflict row is locked while its WHERE is checked), so
 * parallel attempts cannot share one slot, and refused attempts do not push the delay further
 * out: the person who waits gets through.
 */
export async function hitWithBackoff(db: DbOrTx, backoff: Backoff, key: string, now = new Date()) {
  const start = windowStart(backoff.windowSeconds, now);
  const k = key.toLowerCase();
  const taken = await selectRows<{ hits: number }>(
    db,
    sql`INSERT INTO rate_limit_counters (bucket, key, window_start, hits, last_hit_at)
        VALUES (${backoff.bucket}, ${k}, ${start.toISOString()}::timestamptz, 1,
                ${now.toISOString()}::timestamptz)
        ON CONFLICT (bucket, key, window_start) DO UPDATE
          SET hits = rate_limit_counters.hits + 1, last_hit_at = excluded.last_hit_at
          WHERE rate_limit_counters.hits < ${backoff.free}
             OR rate_limit_counters.last_hit_at IS NULL
             OR excluded.last_hit_at >= rate_limit_counters.last_hit_at
                + make_interval(secs => least(${backoff.maxDelaySeconds}::float8,
                    power(2, rate_limit_counters.hits - ${backoff.free})::float8))
        RETURNING hits`,
  );
  if (taken.length > 0) return;
  const [row] = await db
    .select({ hits: rateLimitCounters.hits, lastHitAt: rateLimitCounters.lastHitAt })
    .from(rateLimitCounters)
    .where(
      and(
        eq(rateLimitCounters.bucket, backoff.bucket),
        eq(rateLimitCounters.key, k),
        eq(rateLimitCounters.windowStart, start),
      ),
    );
  const delay = backoffDelaySeconds(backoff, row?.hits ?? backoff.free);
  const readyAt = (row?.lastHitAt?.getTime() ?? now.getTime()) + delay * 1000;
  throw new RateLimitedError(Math.max(1, Math.ceil((readyAt - now.getTime()) / 1000)));
}

/** Takes back one hit of the current window (a sign-in that succeeded was not an attack). */
export async function refundHit(
  db: DbOrTx,
  limit: Pick<Limit, "bucket" | "windowSeconds">,
  key: string,
  now = new Date(),
) {
  await db
    .update(rateLimitCounters)
    .set({ hits: sql`greatest(${rateLimitCounters.hits} - 1, 0)` })
    .where(
      and(
        eq(rateLimitCounters.bucket, limit.bucket),
        eq(rateLimitCounters.key, key.toLowerCase()),
        eq(rateLimitCounters.windowStart, windowStart(limit.windowSeconds, now)),
      ),
    );
}

export async function clearHits(db: DbOrTx, limit: Pick<Limit, "bucket">, key: string) {
  await db
    .delete(rateLimitCounters)
    .where(
      and(eq(rateLimitCounters.bucket, limit.bucket), eq(rateLimitCounters.key, key.toLowerCase())),
    );
}

export async function pruneCounters(db: DbOrTx, olderThan: Date) {
  await db.delete(rateLimitCounters).where(lt(rateLimitCounters.windowStart, olderThan));
}
