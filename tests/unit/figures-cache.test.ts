import { describe, expect, it } from "vitest";
import { createFiguresCache } from "~/.server/figures-cache";

function setup(options: { maxEntries?: number } = {}) {
  let now = 1_000_000;
  const errors: string[] = [];
  const cache = createFiguresCache({
    freshMs: 60_000,
    maxStaleMs: 3_600_000,
    maxEntries: options.maxEntries,
    clock: () => now,
    onRefreshError: (error, key) => errors.push(`${key}: ${(error as Error).message}`),
  });
  let calls = 0;
  /** A computation that resolves when told to, numbering its results. */
  const pending: (() => void)[] = [];
  const compute = () => {
    const n = ++calls;
    return new Promise<number>((resolve) => pending.push(() => resolve(n)));
  };
  const settle = async () => {
    while (pending.length) pending.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return {
    cache,
    compute,
    settle,
    errors,
    calls: () => calls,
    advance: (ms: number) => (now += ms),
  };
}

describe("figures cache", () => {
  it("computes once for callers arriving together, then serves the value while fresh", async () => {
    const s = setup();
    const a = s.cache.get("k", s.compute);
    const b = s.cache.get("k", s.compute);
    await s.settle();
    expect((await a).value).toBe(1);
    expect((await b).value).toBe(1);
    s.advance(59_000);
    expect((await s.cache.get("k", s.compute)).value).toBe(1);
    expect(s.calls()).toBe(1);
  });

  it("serves a stale value at once and refreshes it once in the background", async () => {
    const s = setup();
    const first = s.cache.get("k", s.compute);
    await s.settle();
    const computedAt = (await first).computedAt;
    s.advance(61_000);
    // Neither waits for the refresh; only one refresh starts.
    const stale = await Promise.all([s.cache.get("k", s.compute), s.cache.get("k", s.compute)]);
    expect(stale.map((r) => r.value)).toEqual([1, 1]);
    expect(stale[0]!.computedAt).toEqual(computedAt);
    expect(s.calls()).toBe(2);
    await s.settle();
    const fresh = await s.cache.get("k", s.compute);
    expect(fresh.value).toBe(2);
    expect(fresh.computedAt.getTime()).toBe(computedAt.getTime() + 61_000);
  });

  it("makes the caller wait for a new value once the old one is too old to show", async () => {
    const s = setup();
    const first = s.cache.get("k", s.compute);
    await s.settle();
    await first;
    s.advance(3_600_000);
    let done = false;
    const waiting = s.cache.get("k", s.compute).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(done).toBe(false);
    await s.settle();
    expect((await waiting).value).toBe(2);
  });

  it("keeps the old value when a background refresh fails, and passes a first failure on", async () => {
    const s = setup();
    const first = s.cache.get("k", s.compute);
    await s.settle();
    await first;
    s.advance(61_000);
    const failing = () => Promise.reject(new Error("database gone"));
    expect((await s.cache.get("k", failing)).value).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(s.errors).toEqual(["k: database gone"]);
    // Still served (stale), and the next request tries again.
    expect((await s.cache.get("k", s.compute)).value).toBe(1);
    await expect(s.cache.get("other", failing)).rejects.toThrow("database gone");
  });

  it("keeps each key apart and forgets the least recently used beyond its size", async () => {
    const s = setup({ maxEntries: 2 });
    for (const key of ["a", "b"]) {
      const p = s.cache.get(key, s.compute);
      await s.settle();
      await p;
    }
    // Touch a, so b is the one forgotten when c arrives.
    expect((await s.cache.get("a", s.compute)).value).toBe(1);
    const c = s.cache.get("c", s.compute);
    await s.settle();
    expect((await c).value).toBe(3);
    expect((await s.cache.get("a", s.compute)).value).toBe(1);
    const b = s.cache.get("b", s.compute);
    await s.settle();
    expect((await b).value).toBe(4);
    expect(s.calls()).toBe(4);
  });

  it("lets one kind of figure be fresher than the cache's default", async () => {
    const s = setup();
    const counts = { freshMs: 5_000, maxStaleMs: 60_000 };
    const first = s.cache.get("counts", s.compute, counts);
    await s.settle();
    await first;
    s.advance(6_000);
    // Past its own five seconds: served stale while one refresh starts.
    expect((await s.cache.get("counts", s.compute, counts)).value).toBe(1);
    expect(s.calls()).toBe(2);
    await s.settle();
    expect((await s.cache.get("counts", s.compute, counts)).value).toBe(2);
    // Past its own minute it is not shown at all.
    s.advance(61_000);
    const waiting = s.cache.get("counts", s.compute, counts);
    await s.settle();
    expect((await waiting).value).toBe(3);
  });
});
