import { lt, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { accountActivity } from "~db/schema";
import type { DbOrTx } from "../db";

// Where each account is used from: one row per account, hour, address and browser, counting
// requests and sign-ins. The anomaly scan (flags.ts) reads it; nothing else writes it.

export const USER_AGENT_MAX = 256;
/** A new (account, hour, address, browser) is written at once; after that, at most this often. */
export const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

/** The UTC hour a moment falls in: date_trunc('hour') in UTC, whatever the session's time zone. */
export function hourOf(at: Date) {
  return new Date(Math.floor(at.getTime() / 3600_000) * 3600_000);
}

/**
 * The address as one string per client: "::ffff:192.0.2.1" (IPv4 on a dual-stack socket) is
 * 192.0.2.1, or one visitor would count as two addresses. Unknown stays visible as "unknown".
 */
export function normaliseAddress(ip: string | null | undefined) {
  const value = ip?.trim().toLowerCase() ?? "";
  if (!value) return "unknown";
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(value);
  return (mapped ? mapped[1]! : value).slice(0, 64);
}

export function normaliseUserAgent(userAgent: string | null | undefined) {
  return (userAgent ?? "").trim().slice(0, USER_AGENT_MAX);
}

export type ActivityInput = {
  userId: string;
  ip: string | null;
  userAgent: string | null;
  now?: Date;
  /** Requests to add (the ones this process held back since its last write, plus this one). */
  requests?: number;
  signIns?: number;
};

/** Adds to the row of this account, hour, address and browser, creating it the first time. */
export async function recordActivity(db: DbOrTx, input: ActivityInput) {
  const now = input.now ?? new Date();
  await db
    .insert(accountActivity)
    .values({
      userId: input.userId,
      hour: hourOf(now),
      ip: normaliseAddress(input.ip),
      userAgent: normaliseUserAgent(input.userAgent),
      requests: input.requests ?? 0,
      signIns: input.signIns ?? 0,
      lastSeenAt: now,
    })
    .onConflictDoUpdate({
      target: [
        accountActivity.userId,
        accountActivity.hour,
        accountActivity.ip,
        accountActivity.userAgent,
      ],
      set: {
        requests: sql`${accountActivity.requests} + excluded.requests`,
        signIns: sql`${accountActivity.signIns} + excluded.sign_ins`,
        // Two processes may write out of order: the row keeps the later moment.
        lastSeenAt: sql`greatest(${accountActivity.lastSeenAt}, excluded.last_seen_at)`,
      },
    });
}

/**
 * A successful sign-in. Never throws: a sign-in that worked must not fail because its bookkeeping
 * did (the failure is logged instead).
 */
export async function recordSignIn(
  db: DbOrTx,
  input: Omit<ActivityInput, "requests" | "signIns">,
  logger?: Pick<Logger, "error">,
) {
  try {
    await recordActivity(db, { ...input, signIns: 1 });
  } catch (err) {
    logger?.error({ err, userId: input.userId }, "recording a sign-in failed");
  }
}

export type ActivityRecorder = {
  /** Counts one request by a signed-in person. Never throws and never makes the request wait long. */
  recordRequest(input: {
    userId: string;
    ip: string | null;
    userAgent: string | null;
  }): Promise<void>;
};

/**
 * The per-process request recorder the server uses. Writing on every request would double the
 * database work of a busy page, so each (account, hour, address, browser) is written the first
 * time it is seen (the scan needs every distinct address exactly, at once) and then at most once
 * a minute, carrying the requests held back in between. Held-back requests of a process that
 * stops are lost: `requests` is a close count, the set of addresses is exact.
 */
export function createActivityRecorder(
  db: DbOrTx,
  logger: Pick<Logger, "error">,
  options: { intervalMs?: number; clock?: () => Date } = {},
): ActivityRecorder {
  const intervalMs = options.intervalMs ?? ACTIVITY_WRITE_INTERVAL_MS;
  const clock = options.clock ?? (() => new Date());
  const seen = new Map<string, { writtenAt: number; pending: number }>();
  let lastSweep = 0;

  function sweep(nowMs: number) {
    // An entry idle for a full interval with nothing held back would be written on its next
    // request anyway, so forgetting it changes nothing. One holding requests back is kept until
    // its hour is surely over (the key names the hour, so no later request would write them).
    if (nowMs - lastSweep < intervalMs) return;
    lastSweep = nowMs;
    for (const [key, entry] of seen) {
      const idle = nowMs - entry.writtenAt;
      if ((idle >= intervalMs && entry.pending === 0) || idle >= 3600_000) seen.delete(key);
    }
  }

  return {
    async recordRequest(input) {
      const now = clock();
      const nowMs = now.getTime();
      sweep(nowMs);
      const key = [
        input.userId,
        hourOf(now).getTime(),
        normaliseAddress(input.ip),
        normaliseUserAgent(input.userAgent),
      ].join("\u0000");
      const entry = seen.get(key);
      if (entry && nowMs - entry.writtenAt < intervalMs) {
        entry.pending++;
        return;
      }
      const requests = 1 + (entry?.pending ?? 0);
      // Marked before the write, so requests arriving while it runs are held back, not doubled.
      seen.set(key, { writtenAt: nowMs, pending: 0 });
      try {
        await recordActivity(db, { ...input, now, requests });
      } catch (err) {
        // Try again on the next request rather than in a minute.
        seen.delete(key);
        logger.error({ err, userId: input.userId }, "recording account activity failed");
      }
    },
  };
}

/** Forgets activity older than `olderThan`; the scan only ever looks at the last day. */
export async function pruneActivity(db: DbOrTx, olderThan: Date) {
  await db.delete(accountActivity).where(lt(accountActivity.hour, olderThan));
}
