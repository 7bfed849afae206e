import type { ServerBuild } from "@remix-run/node";
import { matchRoutes } from "@remix-run/react";
import { sql } from "drizzle-orm";
import { createHash, timingSafeEqual } from "node:crypto";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { selectRows, type Db } from "./db";

// Prometheus metrics for /metrics: request latency by route, the generation queue, how jobs end,
// and the email outbox. Instruments live on a registry of our own (not prom-client's global
// one), created once per process by processMetrics(); tests create their own with createMetrics().
//
// Label values are always drawn from small fixed sets (route patterns, status classes, known
// states): a label fed from raw paths or ids would grow a new series per clip and never stop.

export type JobOutcome = "succeeded" | "failed";

const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const QUEUE_STATES = ["queued", "running"] as const;
const EMAIL_STATES = ["queued", "sent", "failed"] as const;

export type Metrics = {
  readonly registry: Registry;
  observeRequest(input: { method: string; route: string; status: number; seconds: number }): void;
  observeJobFinished(input: { provider: string; outcome: JobOutcome; seconds: number }): void;
  /**
   * From now on, the scrape-time gauges (queue depth, emails by state) read this database.
   * `providers` always get a queue-depth series, 0 when idle, so a graph shows zero rather than
   * a gap.
   */
  collectFrom(db: Db, options?: { providers?: readonly string[] }): void;
  /** The exposition text and its content type. Reads the database (two small GROUP BYs). */
  render(): Promise<{ contentType: string; body: string }>;
};

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  let source: { db: Db; providers: readonly string[] } | null = null;

  const httpDuration = new Histogram({
    name: "greenroom_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method, route pattern and status class.",
    labelNames: ["method", "route", "status_class"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: "greenroom_generation_job_duration_seconds",
    help: "Time from a worker first starting a generation job to its end, retries included.",
    labelNames: ["provider", "outcome"] as const,
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });
  const jobsFinished = new Counter({
    name: "greenroom_generation_jobs_finished_total",
    help: "Generation jobs finished by a worker of this process, by provider and outcome.",
    labelNames: ["provider", "outcome"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "greenroom_generation_queue_depth",
    help: "Generation jobs waiting (queued) or rendering (running), by provider, read at scrape time.",
    labelNames: ["provider", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!source) return;
      for (const provider of source.providers)
        for (const state of QUEUE_STATES) this.set({ provider, state }, 0);
      // Served by the partial index on unfinished jobs (generation_jobs_active_idx).
      const rows = await selectRows<{ provider: string; state: string; n: number }>(
        source.db,
        sql`SELECT provider, status::text AS state, count(*)::int AS n FROM generation_jobs
            WHERE status IN ('queued', 'running') GROUP BY provider, status`,
      );
      for (const row of rows) this.set({ provider: row.provider, state: row.state }, row.n);
    },
  });
  new Gauge({
    name: "greenroom_email_outbox_messages",
    help: "Messages in the email outbox by state (queued, sent, failed), read at scrape time.",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!source) return;
      for (const state of EMAIL_STATES) this.set({ state }, 0);
      // An index-only scan of email_outbox_due_idx (status, next_attempt_at).
      const rows = await selectRows<{ state: string; n: number }>(
        source.db,
        sql`SELECT status::text AS state, count(*)::int AS n FROM email_outbox GROUP BY status`,
      );
      for (const row of rows) this.set({ state: row.state }, row.n);
    },
  });

  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      httpDuration.observe(
        { method: normaliseMethod(method), route, status_class: statusClass(status) },
        seconds,
      );
    },
    observeJobFinished({ provider, outcome, seconds }) {
      jobDuration.observe({ provider, outcome }, Math.max(0, seconds));
      jobsFinished.inc({ provider, outcome });
    },
    collectFrom(db, collectOptions = {}) {
      source = { db, providers: collectOptions.providers ?? [] };
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

// Kept on globalThis so that two copies of this module (the server's and a bundle's) still share
// one registry: a second registry would silently split the counts.
const PROCESS_KEY = Symbol.for("greenroom.metrics");

/** This process's metrics, created on first use. */
export function processMetrics(): Metrics {
  const holder = globalThis as { [PROCESS_KEY]?: Metrics };
  return (holder[PROCESS_KEY] ??= createMetrics());
}

/**
 * Called by the generation runner when a job ends. `startedAt` is when a worker first took it
 * (retries keep it), so the duration is what the artist waited after the queue.
 */
export function recordJobFinished(
  job: { provider: string; startedAt: Date | null; createdAt: Date },
  outcome: JobOutcome,
  metrics: Metrics = processMetrics(),
) {
  const since = (job.startedAt ?? job.createdAt).getTime();
  metrics.observeJobFinished({
    provider: job.provider,
    outcome,
    seconds: (Date.now() - since) / 1000,
  });
}

export function statusClass(status: number) {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}

/** Node accepts a few dozen methods; anything unusual is one label, not one each. */
export function normaliseMethod(method: string) {
  const upper = method.toUpperCase();
  return HTTP_METHODS.has(upper) ? upper : "OTHER";
}

// The shape matchRoutes takes: index routes have no children.
type RouteNode =
  | { id: string; path?: string; index: true; children?: undefined }
  | { id: string; path?: string; index?: false; children: RouteNode[] };
const routeTrees = new WeakMap<ServerBuild["routes"], RouteNode[]>();

function routeTree(manifest: ServerBuild["routes"]): RouteNode[] {
  let tree = routeTrees.get(manifest);
  if (tree) return tree;
  const nodes = new Map<string, RouteNode>();
  for (const { id, path, index } of Object.values(manifest))
    nodes.set(id, index ? { id, path, index: true } : { id, path, children: [] });
  tree = [];
  for (const route of Object.values(manifest)) {
    const parent = route.parentId ? nodes.get(route.parentId) : undefined;
    (parent?.children ?? tree).push(nodes.get(route.id)!);
  }
  routeTrees.set(manifest, tree);
  return tree;
}

/**
 * A request path's shape: each segment that is a static segment of some route as it is, any other
 * segment as ":" (it can only match a parameter or a splat). Two paths of one shape match the same
 * route pattern, so matching (which flattens and ranks the whole route tree, a large share of a
 * small page's time) runs once per shape, not once per request.
 */
type LabelCache = { statics: Set<string>; patterns: Map<string, string | null> };
const labelCaches = new WeakMap<ServerBuild["routes"], LabelCache>();
/** Shapes are few (one per route, give or take); this only bounds what odd paths could add. */
const MAX_CACHED_SHAPES = 2000;

function labelCache(manifest: ServerBuild["routes"]): LabelCache {
  let cache = labelCaches.get(manifest);
  if (!cache) {
    const statics = new Set<string>();
    for (const { path } of Object.values(manifest))
      for (const segment of path?.split("/") ?? [])
        if (segment && !segment.startsWith(":") && segment !== "*")
          statics.add(segment.toLowerCase());
    cache = { statics, patterns: new Map() };
    labelCaches.set(manifest, cache);
  }
  return cache;
}

function decodeSegment(segment: string) {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/** The matched route pattern, e.g. /review/:submissionId, or null when only the 404 route matches. */
function routePattern(manifest: ServerBuild["routes"], path: string): string | null {
  const cache = labelCache(manifest);
  const shape = path
    .split("/")
    .map((segment) => {
      const decoded = decodeSegment(segment);
      return decoded === "" || cache.statics.has(decoded) ? decoded : ":";
    })
    .join("/");
  const cached = cache.patterns.get(shape);
  if (cached !== undefined) return cached;
  const matches = matchRoutes(routeTree(manifest), path);
  const last = matches?.at(-1);
  const pattern =
    !matches || !last || last.route.path === "*"
      ? null
      : `/${matches
          .map((m) => m.route.path)
          .filter((p): p is string => Boolean(p))
          .join("/")}`;
  if (cache.patterns.size >= MAX_CACHED_SHAPES) cache.patterns.clear();
  cache.patterns.set(shape, pattern);
  return pattern;
}

/**
 * The route pattern a request path belongs to, e.g. /review/:submissionId, matched against the
 * app's own Remix routes so ids never become labels. Remix's data requests (/studio.data,
 * /_root.data) count as their page. A path only the catch-all 404 route ($.tsx) matches is
 * "(unmatched)"; if it was answered with a success anyway, a static file from public/ served it:
 * "(static)".
 */
export function routeLabel(manifest: ServerBuild["routes"], pathname: string, status: number) {
  if (pathname.startsWith("/assets/")) return "/assets/*";
  let path = pathname;
  if (path === "/_root.data") path = "/";
  else if (path.endsWith(".data")) path = path.slice(0, -".data".length);
  return routePattern(manifest, path) ?? (status < 400 ? "(static)" : "(unmatched)");
}

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/**
 * Whether an Authorization header carries `Bearer <expected>`. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or the first wrong character.
 */
export function bearerTokenMatches(header: string | undefined, expected: string) {
  const given = /^Bearer +(\S+) *$/i.exec(header ?? "")?.[1];
  const same = timingSafeEqual(sha256(given ?? ""), sha256(expected));
  return given !== undefined && same;
}
