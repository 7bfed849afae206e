import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { accessSettings, generationJobs, sessions, users } from "~db/schema";
import type { SessionUser } from "../auth/session";
import type { DatabaseHandle, Db } from "../db";
import { queueState, type QueueState } from "../generation/eta";
import { quotaUsage } from "../generation/quota";
import { studioJobs } from "../generation/studio";
import { hashToken } from "../tokens";

// Live updates for the studio (ADR 0020). Triggers on the tables a studio shows call pg_notify on
// one channel with whose view changed; every web process LISTENs (PGlite delivers it in-process)
// and, for each open stream that change concerns, reads the artist's jobs again and sends them
// when they differ from what that stream last got. The database is the only source: a worker in
// another process, a cancel in this one and an admin's grant all arrive the same way.

export const LIVE_CHANNEL = "greenroom_live";

/** What a trigger says (db/migrations/0013_studio_loop.sql): the kind of change and whose. */
export type LiveSignal =
  | { t: "job"; u: string; p?: string; s?: boolean }
  | { t: "account"; u: string }
  | { t: "quota"; u: string }
  | { t: "notification"; u: string };

export type LiveServiceOptions = {
  db: Db;
  logger: Logger;
  /** Jobs at once per provider, for the estimates. */
  concurrency: Record<string, number>;
  /** The database's LISTEN (DatabaseHandle.listen); without it, only `signal` moves streams. */
  listen?: DatabaseHandle["listen"];
  /** Changes within this window are sent as one update. */
  debounceMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  keepAliveMs?: number;
  /** While LISTEN is down: how often every stream is checked instead. */
  fallbackPollMs?: number;
};

export type LiveService = {
  /** Starts listening to the database (again, after a failure); resolves once it listens. */
  start(): Promise<void>;
  /**
   * The event stream of one signed-in artist's tab, as a Response (text/event-stream). It ends
   * when `signal` aborts (the tab went away), the session ends or the account is suspended, or
   * the service closes. `lastEventId` is the browser's Last-Event-ID after a reconnect.
   */
  stream(input: {
    user: SessionUser;
    sessionId: string | null;
    lastEventId: string | null;
    signal?: AbortSignal;
  }): Response;
  /** A change this process knows of without the database telling it (tests, in-process). */
  signal(change: LiveSignal): void;
  /** Open streams in this process. */
  readonly size: number;
  /** Whether the database LISTEN is up. */
  readonly listening: boolean;
  /** Ends every open stream (browsers reconnect, elsewhere), stops listening; idempotent. */
  close(): Promise<void>;
};

type Connection = {
  id: number;
  user: SessionUser;
  sessionId: string | null;
  send(chunk: string): void;
  end(): void;
  last: string | null;
  /** Whether the last snapshot had unfinished jobs: then any queue move concerns it. */
  active: boolean;
};

/** How far back a reconnect looks for finished jobs the tab may have missed (clock skew, commits). */
const RESUME_MARGIN_MS = 30_000;

export function formatEvent(event: string, data: unknown, id?: string) {
  return `${id ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function parseSignal(payload: string): LiveSignal | null {
  try {
    const value = JSON.parse(payload) as Partial<LiveSignal>;
    if (typeof value?.t === "string" && typeof value.u === "string") return value as LiveSignal;
  } catch {
    // not ours
  }
  return null;
}

export function createLiveService(options: LiveServiceOptions): LiveService {
  const { db, logger } = options;
  const debounceMs = options.debounceMs ?? 100;
  const connections = new Map<number, Connection>();
  let nextId = 1;
  let closed = false;
  let stopListening: (() => Promise<void>) | null = null;
  let listening = false;
  let starting: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  const dirty = new Set<number>();
  const recheck = new Set<string>();
  let flushing: Promise<void> | null = null;

  // Only while streams are open, so a service nobody uses holds no timer.
  let keepAlive: NodeJS.Timeout | undefined;
  function keepAliveWhileOpen() {
    if (connections.size === 0) {
      clearInterval(keepAlive);
      keepAlive = undefined;
      return;
    }
    if (keepAlive) return;
    keepAlive = setInterval(() => {
      for (const c of connections.values()) c.send(": keep-alive\n\n");
      // Sessions also end by expiring, which no trigger sees.
      for (const c of connections.values()) recheck.add(c.user.id);
      schedule();
    }, options.keepAliveMs ?? 15_000);
    keepAlive.unref();
  }

  let fallback: NodeJS.Timeout | undefined;
  function startFallback() {
    if (fallback || closed) return;
    fallback = setInterval(() => {
      for (const c of connections.values()) dirty.add(c.id);
      schedule();
    }, options.fallbackPollMs ?? 2000);
    fallback.unref();
  }
  function stopFallback() {
    clearInterval(fallback);
    fallback = undefined;
  }

  function schedule() {
    if (closed || flushTimer) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      void flush();
    }, debounceMs);
    flushTimer.unref?.();
  }

  async function flush(): Promise<void> {
    if (flushing) {
      await flushing;
      if (dirty.size > 0 || recheck.size > 0) schedule();
      return;
    }
    flushing = (async () => {
      try {
        if (recheck.size > 0) {
          const userIds = [...recheck];
          recheck.clear();
          await revalidate(userIds);
        }
        if (dirty.size === 0) return;
        const ids = [...dirty];
        dirty.clear();
        // One read of the queue serves every stream in this round.
        const queue = await queueState(db, options.concurrency);
        for (const id of ids) {
          const c = connections.get(id);
          if (c) await sendJobs(c, queue);
        }
      } catch (err) {
        logger.error({ err }, "live update failed");
      }
    })();
    await flushing;
    flushing = null;
  }

  async function revalidate(userIds: string[]) {
    const open = [...connections.values()].filter((c) => userIds.includes(c.user.id));
    if (open.length === 0) return;
    const hashes = open.flatMap((c) => (c.sessionId ? [hashToken(c.sessionId)] : []));
    const alive =
      hashes.length === 0
        ? []
        : await db
            .select({ id: sessions.id })
            .from(sessions)
            .innerJoin(users, eq(users.id, sessions.userId))
            .where(
              and(
                inArray(sessions.id, hashes),
                gt(sessions.expiresAt, sql`now()`),
                eq(users.status, "active"),
              ),
            );
    const aliveSet = new Set(alive.map((r) => r.id));
    for (const c of open) {
      if (c.sessionId && aliveSet.has(hashToken(c.sessionId))) continue;
      // The browser must not reconnect: its next request is answered by the sign-in page.
      c.send(formatEvent("bye", { reason: "signed-out" }));
      c.end();
    }
  }

  async function snapshot(c: Connection, queue?: QueueState) {
    const [settings] = await db
      .select({ quota: accessSettings.monthlyQuotaSeconds })
      .from(accessSettings)
      .where(eq(accessSettings.userId, c.user.id));
    const [jobs, usage] = await Promise.all([
      studioJobs(db, c.user.id, options.concurrency, { queue }),
      quotaUsage(db, c.user.id, settings?.quota ?? 0),
    ]);
    return { jobs, usage };
  }

  async function sendJobs(c: Connection, queue?: QueueState) {
    const { jobs, usage } = await snapshot(c, queue);
    const body = JSON.stringify({ jobs, usage });
    c.active = jobs.some((j) => j.status === "queued" || j.status === "running");
    if (body === c.last || !connections.has(c.id)) return;
    c.last = body;
    c.send(formatEvent("jobs", { jobs, usage, serverNow: Date.now() }, String(Date.now())));
  }

  /** Jobs of this artist that finished since `since` (ms): what a reconnecting tab may have missed. */
  async function missedResults(c: Connection, since: number) {
    return db
      .select({
        id: generationJobs.id,
        status: generationJobs.status,
        prompt: generationJobs.prompt,
        error: generationJobs.error,
        finishedAt: generationJobs.finishedAt,
      })
      .from(generationJobs)
      .where(
        and(
          eq(generationJobs.userId, c.user.id),
          inArray(generationJobs.status, ["succeeded", "failed"]),
          gt(generationJobs.finishedAt, new Date(since - RESUME_MARGIN_MS)),
        ),
      )
      .orderBy(generationJobs.finishedAt);
  }

  function onSignal(change: LiveSignal) {
    if (closed) return;
    for (const c of connections.values()) {
      if (change.t === "account") {
        if (c.user.id === change.u) recheck.add(c.user.id);
      } else if (change.t === "job") {
        // A job that changed state moves everyone behind it; progress concerns its artist only.
        if (c.user.id === change.u || (change.s && c.active)) dirty.add(c.id);
      } else if (change.t === "quota") {
        if (c.user.id === change.u) {
          dirty.add(c.id);
          c.send(formatEvent("access", {}));
        }
      }
    }
    schedule();
  }

  async function start() {
    if (closed || listening || !options.listen) return;
    starting ??= (async () => {
      try {
        stopListening = await options.listen!(
          LIVE_CHANNEL,
          (payload) => {
            const change = parseSignal(payload);
            if (change) onSignal(change);
          },
          (err) => {
            logger.warn({ err }, "live updates: lost the database listener; retrying");
            listening = false;
            const stop = stopListening;
            stopListening = null;
            void stop?.();
            startFallback();
            retryLater();
          },
        );
        listening = true;
        stopFallback();
        // Whatever changed while not listening.
        for (const c of connections.values()) dirty.add(c.id);
        schedule();
      } catch (err) {
        logger.warn({ err }, "live updates: could not listen; polling until it can");
        startFallback();
        retryLater();
      } finally {
        starting = null;
      }
    })();
    return starting;
  }

  function retryLater() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void start();
    }, 2000);
    retryTimer.unref();
  }

  return {
    start,
    get size() {
      return connections.size;
    },
    get listening() {
      return listening;
    },
    signal: onSignal,
    stream({ user, sessionId, lastEventId, signal }) {
      if (closed)
        return new Response("This server is restarting. Reconnect in a moment.", {
          status: 503,
          headers: { "Retry-After": "2", "Content-Type": "text/plain" },
        });
      const encoder = new TextEncoder();
      const id = nextId++;
      let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
      const connection: Connection = {
        id,
        user,
        sessionId,
        last: null,
        active: true,
        send(chunk) {
          try {
            controller?.enqueue(encoder.encode(chunk));
          } catch {
            connection.end();
          }
        },
        end() {
          if (!connections.delete(id)) return;
          dirty.delete(id);
          keepAliveWhileOpen();
          try {
            controller?.close();
          } catch {
            // already closed by the other side
          }
        },
      };
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          controller = c;
          connections.set(id, connection);
          keepAliveWhileOpen();
          // Reconnect quickly after a restart, and tell the tab it is live.
          connection.send("retry: 2000\n\n");
          void (async () => {
            try {
              const since = Number(lastEventId);
              if (lastEventId && Number.isFinite(since) && since > 0) {
                for (const job of await missedResults(connection, since)) {
                  connection.send(
                    formatEvent(
                      "result",
                      { id: job.id, status: job.status, prompt: job.prompt, error: job.error },
                      String(job.finishedAt?.getTime() ?? since),
                    ),
                  );
                }
              }
              await sendJobs(connection);
            } catch (err) {
              logger.error({ err }, "live stream: first update failed");
            }
          })();
        },
        cancel() {
          connection.end();
        },
      });
      signal?.addEventListener("abort", () => connection.end(), { once: true });
      return new Response(body, {
        status: 200,
        headers: {
          "Content-Type": "text/event-stream; charset=utf-8",
          "Cache-Control": "no-cache, no-transform",
          Connection: "keep-alive",
          // nginx and friends: do not buffer the stream.
          "X-Accel-Buffering": "no",
        },
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(keepAlive);
      stopFallback();
      clearTimeout(retryTimer);
      clearTimeout(flushTimer);
      for (const c of [...connections.values()]) c.end();
      await starting;
      const stop = stopListening;
      stopListening = null;
      listening = false;
      await stop?.();
      await flushing;
    },
  };
}

/** A service that never listens: tests and tools that open no streams get this by default. */
export function quietLiveService(db: Db, logger: Logger): LiveService {
  return createLiveService({ db, logger, concurrency: {} });
}
