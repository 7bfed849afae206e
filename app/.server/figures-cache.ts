// Figures that take real work to compute over a large program and are fine to show a minute late:
// the oversight dashboard's charts and the published review times. Recomputing them per request
// made those pages the slowest in the benchmark at scale (bench/pages.ts; docs/decisions/0015).
//
// A value younger than `freshMs` is served as it is. An older one is still served at once while a
// single refresh runs in the background, so no request waits on the recomputation and many
// arriving together start only one. A value older than `maxStaleMs` is not served: that request
// waits for a new one (and so does everyone asking meanwhile, on the same computation). Each
// process keeps its own; pages show when their figures were computed.

export type CachedFigures<V> = { value: V; computedAt: Date };

type Entry<V> = {
  value?: V;
  computedAt?: number;
  refreshing?: Promise<CachedFigures<V>>;
};

/** How long a value counts as fresh and how long it may be shown at all, for one kind of figure. */
export type Freshness = { freshMs: number; maxStaleMs: number };

/** Counts shown beside a live list (the review queue's, the pending contributions'). */
export const COUNTS_BESIDE_A_LIVE_LIST: Freshness = { freshMs: 5_000, maxStaleMs: 60_000 };

export type FiguresCache = {
  get<V>(key: string, compute: () => Promise<V>, freshness?: Freshness): Promise<CachedFigures<V>>;
};

export function createFiguresCache(
  options: {
    freshMs?: number;
    maxStaleMs?: number;
    maxEntries?: number;
    clock?: () => number;
    /** A background refresh that failed: the old value stays until maxStaleMs. */
    onRefreshError?: (error: unknown, key: string) => void;
  } = {},
): FiguresCache {
  const freshMs = options.freshMs ?? 60_000;
  const maxStaleMs = options.maxStaleMs ?? 60 * 60_000;
  const maxEntries = options.maxEntries ?? 100;
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, Entry<unknown>>();

  function refresh<V>(key: string, entry: Entry<V>, compute: () => Promise<V>) {
    entry.refreshing ??= compute()
      .then((value) => {
        entry.value = value;
        entry.computedAt = clock();
        return { value, computedAt: new Date(entry.computedAt) };
      })
      .finally(() => {
        entry.refreshing = undefined;
      });
    return entry.refreshing;
  }

  return {
    async get<V>(key: string, compute: () => Promise<V>, freshness?: Freshness) {
      let entry = entries.get(key) as Entry<V> | undefined;
      if (entry) {
        // Most recently used last, so the first key is the one to forget when full.
        entries.delete(key);
        entries.set(key, entry);
      } else {
        entry = {};
        entries.set(key, entry);
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      const age = entry.computedAt === undefined ? Infinity : clock() - entry.computedAt;
      if (age < (freshness?.freshMs ?? freshMs))
        return { value: entry.value as V, computedAt: new Date(entry.computedAt!) };
      if (age < (freshness?.maxStaleMs ?? maxStaleMs)) {
        refresh(key, entry, compute).catch((error: unknown) =>
          options.onRefreshError?.(error, key),
        );
        return { value: entry.value as V, computedAt: new Date(entry.computedAt!) };
      }
      return refresh(key, entry, compute);
    },
  };
}

/** For tests and scripts: every call computes, as if nothing were ever cached. */
export const uncachedFigures: FiguresCache = {
  async get(_key, compute) {
    return { value: await compute(), computedAt: new Date() };
  },
};
