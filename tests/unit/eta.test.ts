import { describe, expect, it } from "vitest";
import {
  estimateQueue,
  estimateRender,
  THIN_HISTORY,
  type QueueState,
  type RenderSample,
  type RunningJob,
  type WaitingJob,
} from "~/.server/generation/eta";
import { pickFairShare, type QueuedCandidate } from "~/.server/generation/dispatcher";

// The ETA model against simulated queues: a queue is written down, estimated, then played forward
// the way the dispatcher and the workers would, and the estimate is held to what happened.

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const s = (seconds: number) => seconds * 1000;

/** `n` renders of `seconds` each for a kind: a thick history. */
function history(n: number, seconds: number, durationSeconds = 10, resolution = "720p") {
  return Array.from({ length: n }, (): RenderSample => ({
    provider: "local",
    durationSeconds,
    resolution,
    seconds,
  }));
}

function waiting(id: string, userId: string, createdAt: number, durationSeconds = 10): WaitingJob {
  return { id, userId, provider: "local", durationSeconds, resolution: "720p", createdAt };
}

function running(id: string, userId: string, startedAt: number, progress = 0): RunningJob {
  return {
    id,
    userId,
    provider: "local",
    durationSeconds: 10,
    resolution: "720p",
    progress,
    startedAt,
  };
}

function state(partial: Partial<QueueState>): QueueState {
  return {
    now: T0,
    concurrency: { local: 1 },
    caps: new Map(),
    running: [],
    waiting: [],
    history: history(20, 30),
    ...partial,
  };
}

/**
 * Plays the queue forward with the dispatcher's own pick and every render taking exactly
 * `renderSeconds`: when each job really starts and finishes.
 */
function simulate(q: QueueState, renderSeconds: (id: string) => number) {
  const slots = q.concurrency.local ?? 1;
  const ends = q.running.map((r) => ({
    id: r.id,
    userId: r.userId,
    at: r.startedAt + s(renderSeconds(r.id)),
  }));
  const queued = new Map<string, QueuedCandidate[]>();
  for (const job of [...q.waiting].sort((a, b) => a.createdAt - b.createdAt)) {
    const list = queued.get(job.userId) ?? [];
    list.push({ id: job.id, userId: job.userId, createdAt: new Date(job.createdAt) });
    queued.set(job.userId, list);
  }
  const started = new Map<string, number>();
  let t = q.now;
  while ([...queued.values()].some((l) => l.length > 0)) {
    const live = ends.filter((e) => e.at > t);
    const free = slots - live.length;
    const runningBy = new Map<string, number>();
    for (const e of live) runningBy.set(e.userId, (runningBy.get(e.userId) ?? 0) + 1);
    const caps = new Map([...queued.keys()].map((u) => [u, q.caps.get(u) ?? 2]));
    const picks = free > 0 ? pickFairShare(queued, runningBy, caps, free) : [];
    for (const pick of picks) {
      queued.get(pick.userId)!.splice(queued.get(pick.userId)!.indexOf(pick), 1);
      started.set(pick.id, t);
      ends.push({ id: pick.id, userId: pick.userId, at: t + s(renderSeconds(pick.id)) });
    }
    const next = ends.filter((e) => e.at > t).map((e) => e.at);
    if (next.length === 0) break;
    t = Math.min(...next);
  }
  return { started, finished: new Map(ends.map((e) => [e.id, e.at])) };
}

describe("ETA: render time from the provider's history", () => {
  it("uses renders of the same duration and resolution when there are enough", () => {
    const e = estimateRender([...history(10, 30), ...history(10, 90, 20)], waiting("a", "u", T0));
    expect(e.mid).toBe(30);
    expect(e.samples).toBe(10);
  });

  it("is a range when the history is thin, and narrows as renders of the kind arrive", () => {
    const none = estimateRender([], waiting("a", "u", T0));
    const scaled = estimateRender(history(10, 60, 20), waiting("a", "u", T0));
    const few = estimateRender(history(THIN_HISTORY - 1, 30), waiting("a", "u", T0));
    expect(none.high / none.low).toBeGreaterThan(scaled.high / scaled.low);
    expect(scaled.mid).toBe(30);
    expect(scaled.high / scaled.low).toBeGreaterThan(few.high / few.low);
    expect(few.low).toBeLessThan(few.mid);
    expect(few.high).toBeGreaterThan(few.mid);
  });
});

describe("ETA against a simulated queue", () => {
  it("orders one artist's jobs and matches the simulated finish with an exact history", () => {
    const q = state({
      running: [running("r", "other", T0 - s(10))],
      waiting: [waiting("a", "me", T0 + 1), waiting("b", "me", T0 + 2), waiting("c", "me", T0 + 3)],
    });
    const estimates = estimateQueue(q);
    const truth = simulate(q, () => 30);
    for (const id of ["r", "a", "b", "c"]) {
      expect(estimates.get(id)!.readyAt).toBe(truth.finished.get(id));
    }
    expect(["a", "b", "c"].map((id) => estimates.get(id)!.position)).toEqual([1, 2, 3]);
    expect(estimates.get("a")!.startAt).toBe(T0 + s(20));
    expect(estimates.get("a")!.range).toBe(false);
  });

  it("follows fair share: a newcomer's first job goes ahead of a busy artist's backlog", () => {
    const q = state({
      concurrency: { local: 2 },
      running: [running("r1", "busy", T0 - s(5)), running("r2", "busy", T0 - s(25))],
      waiting: [
        waiting("b1", "busy", T0 - s(60)),
        waiting("b2", "busy", T0 - s(59)),
        waiting("n1", "new", T0 - s(1)),
      ],
    });
    const estimates = estimateQueue(q);
    const truth = simulate(q, () => 30);
    expect(estimates.get("n1")!.position).toBe(1);
    for (const id of ["n1", "b1", "b2"]) {
      expect(estimates.get(id)!.startAt).toBe(truth.started.get(id));
      expect(estimates.get(id)!.readyAt).toBe(truth.finished.get(id));
    }
  });

  it("respects an artist's cap: their second job waits for their first, not for a free slot", () => {
    const q = state({
      concurrency: { local: 3 },
      caps: new Map([["me", 1]]),
      running: [running("r", "me", T0)],
      waiting: [waiting("a", "me", T0 + 1)],
    });
    const estimates = estimateQueue(q);
    expect(estimates.get("a")!.startAt).toBe(T0 + s(30));
    expect(estimates.get("a")!.readyAt).toBe(simulate(q, () => 30).finished.get("a"));
  });

  it("counts down: the same queue later promises the same moment, so less time is left", () => {
    const q = state({
      running: [running("r", "x", T0)],
      waiting: [waiting("a", "me", T0 + 1)],
    });
    const first = estimateQueue(q).get("a")!;
    const later = estimateQueue({ ...q, now: T0 + s(10) }).get("a")!;
    expect(later.readyAt).toBe(first.readyAt);
    expect(later.readyAt - (T0 + s(10))).toBe(first.readyAt - T0 - s(10));
  });

  it("never promises a late job as ready now, and uses its progress when it runs over", () => {
    const q = state({ now: T0 + s(60), running: [running("r", "x", T0, 0.75)] });
    // 60 s in at 75%: about 20 s more, not "ready" 30 s ago.
    expect(estimateQueue(q).get("r")!.readyAt).toBe(T0 + s(80));
  });

  it("never promises a later job of the same artist sooner than an earlier one", () => {
    const q = state({
      concurrency: { local: 2 },
      history: [...history(20, 60, 20), ...history(20, 10, 5)],
      waiting: [waiting("long", "me", T0, 20), waiting("short", "me", T0 + 1, 5)],
    });
    const estimates = estimateQueue(q);
    expect(estimates.get("short")!.readyAt).toBeGreaterThanOrEqual(estimates.get("long")!.readyAt);
  });

  it("gives a range with thin history that contains the simulated outcome", () => {
    const q = state({
      history: history(2, 30),
      running: [running("r", "x", T0)],
      waiting: [waiting("a", "me", T0 + 1)],
    });
    const a = estimateQueue(q).get("a")!;
    expect(a.range).toBe(true);
    const truth = simulate(q, () => 30).finished.get("a")!;
    expect(a.readyLow).toBeLessThanOrEqual(truth);
    expect(a.readyHigh).toBeGreaterThanOrEqual(truth);
    expect(a.readyHigh).toBeGreaterThan(a.readyLow);
  });
});
