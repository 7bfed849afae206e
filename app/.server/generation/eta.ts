import { sql } from "drizzle-orm";
import { selectRows, type DbOrTx } from "../db";
import { pickFairShare, type QueuedCandidate } from "./dispatcher";

// The studio's ETA, honestly (ADR 0020). A job's start is found by playing the queue forward with
// the dispatcher's own rule (pickFairShare): every slot frees when its running job is expected to
// finish, and the next job is the one the dispatcher would pick then. Its render time comes from
// the provider's observed renders of that duration and resolution; with few of them the answer is
// a range, wide when nothing has been observed at all. Everything is an absolute time, so the
// studio counts down without asking again, and a change in the queue sends a new estimate.

/** Render seconds expected for one job: the middle, and a low and high bound. */
export type RenderEstimate = { mid: number; low: number; high: number; samples: number };

/** How many observed renders of a kind make its estimate a single figure rather than a range. */
export const THIN_HISTORY = 5;

/**
 * With no history at all: seconds of rendering per second of clip, per resolution (the local
 * renderer measures 0.07, 0.14 and 0.3; a remote model is slower), shown as a wide range.
 */
const PRIOR_PER_CLIP_SECOND: Record<string, number> = { "480p": 0.5, "720p": 1, "1080p": 2 };
const PRIOR_SPREAD = 4;

export type RenderSample = {
  provider: string;
  durationSeconds: number;
  resolution: string;
  seconds: number;
};

/** What the provider's history says about a render of this duration and resolution. */
export function estimateRender(
  history: RenderSample[],
  job: { provider: string; durationSeconds: number; resolution: string },
): RenderEstimate {
  const same = history.filter(
    (s) =>
      s.provider === job.provider &&
      s.durationSeconds === job.durationSeconds &&
      s.resolution === job.resolution,
  );
  if (same.length >= THIN_HISTORY) {
    const sorted = same.map((s) => s.seconds).sort((a, b) => a - b);
    const mid = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    // The 10th and 90th percentiles: one slow outlier does not widen every promise.
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { mid, low: Math.min(mid, at(0.1)), high: Math.max(mid, at(0.9)), samples: same.length };
  }
  // Thin: scale the provider's other renders of this resolution (or any) by clip length, and say
  // so with a range that narrows as renders of this very kind arrive.
  const perSecond = (samples: RenderSample[]) =>
    samples.reduce((a, s) => a + s.seconds / s.durationSeconds, 0) / samples.length;
  const provider = history.filter((s) => s.provider === job.provider);
  const sameResolution = provider.filter((s) => s.resolution === job.resolution);
  const exact = same.length > 0 ? same.reduce((a, s) => a + s.seconds, 0) / same.length : null;
  let mid: number;
  let spread: number;
  if (exact !== null) {
    mid = exact;
    spread = 1.5;
  } else if (sameResolution.length > 0) {
    mid = perSecond(sameResolution) * job.durationSeconds;
    spread = 2;
  } else if (provider.length > 0) {
    const rank = (r: string) => PRIOR_PER_CLIP_SECOND[r] ?? 1;
    const scaled = provider.map(
      (s) => (s.seconds / s.durationSeconds) * (rank(job.resolution) / rank(s.resolution)),
    );
    mid = (scaled.reduce((a, b) => a + b, 0) / scaled.length) * job.durationSeconds;
    spread = 3;
  } else {
    mid = (PRIOR_PER_CLIP_SECOND[job.resolution] ?? 1) * job.durationSeconds;
    spread = PRIOR_SPREAD;
  }
  return { mid, low: mid / spread, high: mid * spread, samples: same.length };
}

export type RunningJob = {
  id: string;
  userId: string;
  provider: string;
  durationSeconds: number;
  resolution: string;
  progress: number;
  /** When it got its slot (ms since the epoch). */
  startedAt: number;
};

export type WaitingJob = {
  id: string;
  userId: string;
  provider: string;
  durationSeconds: number;
  resolution: string;
  createdAt: number;
};

export type JobEstimate = {
  /** 1 = the next to start, for waiting jobs; null for running ones. */
  position: number | null;
  /** Expected start, for waiting jobs (ms since the epoch). */
  startAt: number | null;
  /** When the clip should be ready (ms since the epoch): expected, earliest and latest. */
  readyAt: number;
  readyLow: number;
  readyHigh: number;
  /** True when the history is too thin for one figure: show the range. */
  range: boolean;
};

export type QueueState = {
  now: number;
  /** Jobs running at once per provider, across every process. */
  concurrency: Record<string, number>;
  /** Each artist's jobs-at-once limit (2 when unknown, as the dispatcher does). */
  caps: Map<string, number>;
  running: RunningJob[];
  waiting: WaitingJob[];
  history: RenderSample[];
};

/**
 * Seconds a running job still needs: what is left of its expected render, or, when it is late,
 * what its own progress says is left. Never zero: a late job is not "ready now".
 */
function remaining(estimate: number, job: RunningJob, now: number) {
  const elapsed = Math.max(0, (now - job.startedAt) / 1000);
  const byClock = estimate - elapsed;
  const byProgress =
    job.progress > 0.05
      ? (elapsed * (1 - job.progress)) / job.progress
      : estimate * (1 - job.progress);
  return Math.max(1, byClock > 0 ? byClock : byProgress);
}

type Scenario = "mid" | "low" | "high";

/** Plays one provider's queue forward under one scenario: start and ready time of every job. */
function playQueue(state: QueueState, provider: string, scenario: Scenario) {
  const { now } = state;
  const slots = Math.max(1, state.concurrency[provider] ?? 1);
  const estimates = new Map<string, RenderEstimate>();
  const renderOf = (job: {
    id: string;
    provider: string;
    durationSeconds: number;
    resolution: string;
  }) => {
    let e = estimates.get(job.id);
    if (!e) estimates.set(job.id, (e = estimateRender(state.history, job)));
    return e[scenario];
  };
  // Running jobs of every provider count against an artist's cap; only this provider's take slots.
  const ends: { userId: string; at: number }[] = [];
  const result = new Map<
    string,
    { startAt: number | null; readyAt: number; order: number | null }
  >();
  for (const job of state.running) {
    const at = now + remaining(renderOf(job), job, now) * 1000;
    ends.push({ userId: job.userId, at });
    if (job.provider === provider) result.set(job.id, { startAt: null, readyAt: at, order: null });
  }
  const busy = state.running
    .filter((job) => job.provider === provider)
    .map((job) => result.get(job.id)!.readyAt)
    .sort((a, b) => a - b);
  // A slot is free from `now` when nothing runs on it, else from when its job ends; running jobs
  // beyond the slots (the limit was lowered) keep a slot busy until they are done too.
  const slotFree = Array.from({ length: slots }, (_, i) => busy[i] ?? now);
  for (let i = slots; i < busy.length; i++) {
    slotFree.sort((a, b) => a - b);
    slotFree[0] = Math.max(slotFree[0]!, busy[i]!);
  }
  const queued = new Map<string, (QueuedCandidate & { job: WaitingJob })[]>();
  for (const job of state.waiting
    .filter((j) => j.provider === provider)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))) {
    const list = queued.get(job.userId) ?? [];
    list.push({ id: job.id, userId: job.userId, createdAt: new Date(job.createdAt), job });
    queued.set(job.userId, list);
  }
  let order = 0;
  let guard = state.waiting.length * 4 + 16;
  while ([...queued.values()].some((l) => l.length > 0) && guard-- > 0) {
    slotFree.sort((a, b) => a - b);
    const t = slotFree[0]!;
    const runningAt = new Map<string, number>();
    for (const end of ends)
      if (end.at > t) runningAt.set(end.userId, (runningAt.get(end.userId) ?? 0) + 1);
    const [pick] = pickFairShare(
      queued,
      runningAt,
      capsFor(state, queued),
      1,
    ) as (QueuedCandidate & {
      job: WaitingJob;
    })[];
    if (!pick) {
      // Everyone waiting is at their cap: the slot idles until the next of their jobs ends.
      const next = ends.filter((e) => e.at > t).map((e) => e.at);
      if (next.length === 0) break;
      slotFree[0] = Math.min(...next);
      continue;
    }
    queued.get(pick.userId)!.shift();
    const readyAt = t + renderOf(pick.job) * 1000;
    ends.push({ userId: pick.userId, at: readyAt });
    slotFree[0] = readyAt;
    result.set(pick.id, { startAt: t, readyAt, order: ++order });
  }
  return { result, estimates };
}

function capsFor(state: QueueState, queued: Map<string, unknown>) {
  const caps = new Map<string, number>();
  for (const user of queued.keys()) caps.set(user, state.caps.get(user) ?? 2);
  return caps;
}

/**
 * Estimates every running and waiting job. A later job of the same artist is never promised
 * sooner than an earlier one (their clips come in the order they asked for them, as far as the
 * studio says), and start times follow the order the dispatcher will hand out slots.
 */
export function estimateQueue(state: QueueState): Map<string, JobEstimate> {
  const out = new Map<string, JobEstimate>();
  const providers = new Set([...state.running, ...state.waiting].map((j) => j.provider));
  for (const provider of providers) {
    const mid = playQueue(state, provider, "mid");
    const low = playQueue(state, provider, "low");
    const high = playQueue(state, provider, "high");
    for (const [id, m] of mid.result) {
      const l = low.result.get(id);
      const h = high.result.get(id);
      const estimate = mid.estimates.get(id)!;
      out.set(id, {
        position: m.order,
        startAt: m.startAt,
        readyAt: m.readyAt,
        readyLow: Math.min(m.readyAt, l?.readyAt ?? m.readyAt),
        readyHigh: Math.max(m.readyAt, h?.readyAt ?? m.readyAt),
        range: estimate.samples < THIN_HISTORY,
      });
    }
  }
  // Per artist, in the order they queued: no later job ready before an earlier one.
  const all = [
    ...state.running.map((j) => ({ id: j.id, userId: j.userId, at: j.startedAt - 1e15 })),
    ...state.waiting.map((j) => ({ id: j.id, userId: j.userId, at: j.createdAt })),
  ].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const last = new Map<string, JobEstimate>();
  for (const job of all) {
    const e = out.get(job.id);
    if (!e) continue;
    const before = last.get(job.userId);
    if (before) {
      e.readyAt = Math.max(e.readyAt, before.readyAt);
      e.readyLow = Math.max(e.readyLow, before.readyLow);
      e.readyHigh = Math.max(e.readyHigh, before.readyHigh);
    }
    last.set(job.userId, e);
  }
  return out;
}

/** The last 30 days of successful renders, at most 50 of each kind: the history estimates use. */
export async function renderHistory(db: DbOrTx): Promise<RenderSample[]> {
  const rows = await selectRows<{
    provider: string;
    duration_seconds: number;
    resolution: string;
    seconds: number;
  }>(
    db,
    sql`SELECT provider, duration_seconds, resolution, seconds FROM (
          SELECT provider, duration_seconds, resolution::text AS resolution,
                 extract(epoch FROM finished_at - coalesce(dispatched_at, started_at))::float8 AS seconds,
                 row_number() OVER (PARTITION BY provider, duration_seconds, resolution
                                    ORDER BY finished_at DESC) AS n
          FROM generation_jobs
          WHERE status = 'succeeded' AND finished_at > now() - interval '30 days'
            AND coalesce(dispatched_at, started_at) IS NOT NULL
        ) recent
        WHERE n <= 50 AND seconds > 0`,
  );
  return rows.map((r) => ({
    provider: r.provider,
    durationSeconds: r.duration_seconds,
    resolution: r.resolution,
    seconds: r.seconds,
  }));
}

/** Every running and waiting job in the program, and the artists' caps: the queue as it stands. */
export async function queueState(
  db: DbOrTx,
  concurrency: Record<string, number>,
  now = Date.now(),
): Promise<QueueState> {
  const rows = await selectRows<{
    id: string;
    user_id: string;
    provider: string;
    duration_seconds: number;
    resolution: string;
    status: "queued" | "running";
    progress: number;
    created_at: string | Date;
    dispatched_at: string | Date | null;
    cap: number;
  }>(
    db,
    sql`SELECT j.id, j.user_id, j.provider, j.duration_seconds, j.resolution::text AS resolution,
               j.status, j.progress, j.created_at, j.dispatched_at,
               coalesce(s.max_concurrent_jobs, 2) AS cap
        FROM generation_jobs j LEFT JOIN access_settings s ON s.user_id = j.user_id
        WHERE j.status IN ('queued', 'running')`,
  );
  const caps = new Map<string, number>();
  const running: RunningJob[] = [];
  const waiting: WaitingJob[] = [];
  for (const r of rows) {
    caps.set(r.user_id, r.cap);
    const base = {
      id: r.id,
      userId: r.user_id,
      provider: r.provider,
      durationSeconds: r.duration_seconds,
      resolution: r.resolution,
    };
    if (r.status === "running")
      running.push({
        ...base,
        progress: r.progress,
        startedAt: new Date(r.dispatched_at ?? r.created_at).getTime(),
      });
    else waiting.push({ ...base, createdAt: new Date(r.created_at).getTime() });
  }
  return { now, concurrency, caps, running, waiting, history: await renderHistory(db) };
}
