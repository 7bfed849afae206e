import { and, eq, lt, sql } from "drizzle-orm";
import { rateLimitCounters } from "~db/schema";
import type { DbOrTx } from "../db";
import { UserError } from "../errors";

export type Limit = { bucket: string; max: number; windowSeconds: number };

// Per account and per address. Both are counted in the database, so every process shares them.
export const LIMITS = {
  loginPerAccount: { bucket: "login:account", max: 5, windowSeconds: 15 * 60 },
  loginPerIp: { bucket: "login:ip", max: 30, windowSeconds: 15 * 60 },
  resetPerAccount: { bucket: "reset:account", max: 3, windowSeconds: 60 * 60 },
  resetPerIp: { bucket: "reset:ip", max: 20, windowSeconds: 60 * 60 },
} satisfies Record<string, Limit>;

export class RateLimitedError extends UserError {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      `Too many attempts. Please wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`,
      429,
      undefined,
      { "Retry-After": String(retryAfterSeconds) },
    );
    this.name = "RateLimitedError";
  }
}

function windowStart(limit: Limit, now: Date) {
  const size = limit.windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / size) * size);
}

/**
 * Counts one hit and throws when the count is over the limit. Incrementing first and checking the
 * returned count is atomic, so parallel attempts cannot all slip under the limit.
 */
export async function hit(db: DbOrTx, limit: Limit, key: string, now = new Date()) {
  const start = windowStart(limit, now);
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

/** Takes back one hit of the current window (a sign-in that succeeded was not an attack). */
export async function refundHit(db: DbOrTx, limit: Limit, key: string, now = new Date()) {
  await db
    .update(rateLimitCounters)
    .set({ hits: sql`greatest(${rateLimitCounters.hits} - 1, 0)` })
    .where(
      and(
        eq(rateLimitCounters.bucket, limit.bucket),
        eq(rateLimitCounters.key, key.toLowerCase()),
        eq(rateLimitCounters.windowStart, windowStart(limit, now)),
      ),
    );
}

export async function clearHits(db: DbOrTx, limit: Limit, key: string) {
  await db
    .delete(rateLimitCounters)
    .where(
      and(eq(rateLimitCounters.bucket, limit.bucket), eq(rateLimitCounters.key, key.toLowerCase())),
    );
}

export async function pruneCounters(db: DbOrTx, olderThan: Date) {
  await db.delete(rateLimitCounters).where(lt(rateLimitCounters.windowStart, olderThan));
}
