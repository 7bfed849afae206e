// The generation queue alone: pg-boss delivery, the fair-share dispatcher and the job bookkeeping,
// with no media work. The queue's job runner is replaced (the `runJob` option) by one that claims
// the job, marks it succeeded and commits its quota in one transaction, as the real runner does
// around a render. Runs on PGlite (in memory) and on PostgreSQL (a database created for the run
// and dropped at the end). Figures are printed, never asserted.
//
//   node --import tsx bench/queue.ts [--pglite-only] [--jobs 1000] [--pglite-jobs 1000]
//     [--workers 8] [--concurrency 256] [--samples 100]
//
// PostgreSQL: BENCH_DATABASE_URL (a database the bench may use to create and drop its own),
// by default postgres://postgres@127.0.0.1:5432/postgres.
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadSigningIdentity } from "~/.server/c2pa/certificates";
import pg from "pg";
import { pino } from "pino";
import type { ActingUser } from "~/.server/auth/guards";
import {
  isProcessAlive,
  openDatabase,
  selectRows,
  wrapPglite,
  type DatabaseHandle,
  type Db,
} from "~/.server/db";
import { moveHeldJob } from "~/.server/generation/job-states";
import { createGenerationQueue, type GenerationQueue } from "~/.server/generation/queue";
import { generationRequest, queueGeneration, settleReservation } from "~/.server/generation/quota";
import type { VideoProvider } from "~/.server/generation/providers/provider";
import { claimJob, type RunnerDeps } from "~/.server/generation/runner";
import { createStorage } from "~/.server/storage";
import { ASPECT_RATIOS, DURATIONS, RESOLUTIONS } from "~/lib/generation";
import { accessSettings, users } from "~db/schema";
import { numberArg } from "./args";

const TARGET_JOBS_PER_SECOND = 200;
const TARGET_P95_MS = 200;

const PGLITE_ONLY = process.argv.includes("--pglite-only");
const PG_JOBS = numberArg("jobs", 1000);
const PGLITE_JOBS = numberArg("pglite-jobs", PG_JOBS);
const WORKERS = numberArg("workers", 8);
const CONCURRENCY = numberArg("concurrency", 256);
const SAMPLES = numberArg("samples", 100);
/** A run that has not drained by then is reported as it stands. */
const DRAIN_TIMEOUT_MS = 5 * 60_000;
const ADMIN_URL = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The promise's value, or undefined after `ms`; the timer never outlives it. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

const request = generationRequest.parse({
  prompt: "A lighthouse at dusk",
  durationSeconds: 5,
  resolution: "480p",
  aspectRatio: "16:9",
  style: "none",
  seed: 1,
});

/** An artist whose quota and concurrency never limit the run. */
async function createArtist(db: Db): Promise<ActingUser> {
  const [artist] = await db
    .insert(users)
    .values({
      email: `bench-${process.pid}-${Date.now()}@example.test`,
      displayName: "Bench artist",
      role: "artist",
      status: "active",
    })
    .returning();
  await db.insert(accessSettings).values({
    userId: artist!.id,
    monthlyQuotaSeconds: 1_000_000_000,
    maxDurationSeconds: 20,
    maxResolution: "1080p",
    maxConcurrentJobs: 100_000,
  });
  return {
    id: artist!.id,
    email: artist!.email,
    displayName: artist!.displayName,
    role: artist!.role,
    trustTier: artist!.trustTier,
    ip: null,
    userAgent: "bench",
  };
}

/** What the replaced runner reports to whichever measurement is running. */
type Probe = {
  entered: (jobId: string, at: number) => void;
  finished: (jobId: string, claimed: boolean, ms: number) => void;
};

let probe: Probe = { entered: () => {}, finished: () => {} };

/** The queue's own bookkeeping for a job, without any media work. */
async function noOpRunJob(deps: RunnerDeps, jobId: string, bossJobId: string) {
  const enteredAt = performance.now();
  probe.entered(jobId, enteredAt);
  const claimed = await deps.db.transaction(async (tx) => {
    const job = await claimJob(tx, jobId, bossJobId);
    if (!job) return false;
    await moveHeldJob(tx, jobId, bossJobId, "succeed", {
      progress: 1,
      error: null,
      finishedAt: sql`now()`,
    });
    await settleReservation(tx, jobId, "commit");
    return true;
  });
  probe.finished(jobId, claimed, performance.now() - enteredAt);
}

/**
 * Registers the `local` pg-boss queue and its workers like the local renderer (not resumable:
 * `workers` workers). Never called: the replaced runner does no provider work.
 */
const noOpProvider: VideoProvider = {
  id: "local",
  model: "bench-no-op",
  capabilities: { durations: DURATIONS, resolutions: RESOLUTIONS, aspectRatios: ASPECT_RATIOS },
  resumable: false,
  pollIntervalMs: 250,
  submit: async () => ({ providerJobId: "no-op" }),
  poll: async () => ({ status: "succeeded", progress: 1 }),
  cancel: async () => {},
  fetchResult: async () => {
    throw new Error("The no-op provider makes no files.");
  },
};

async function newQueue(handle: DatabaseHandle, workDir: string): Promise<GenerationQueue> {
  return createGenerationQueue({
    handle,
    providers: new Map([["local", noOpProvider]]),
    runJob: noOpRunJob,
    concurrency: { local: CONCURRENCY },
    storage: createStorage({ driver: "local", root: path.join(workDir, "media") }),
    // The no-op runner seals nothing; the keys are only what the queue's type asks for.
    provenance: {
      secret: "bench-provenance-secret-bench-provenance-0",
      identity: loadSigningIdentity({ dir: path.join(workDir, "c2pa") }),
    },
    logger: pino({ level: "warn" }),
    workDir: path.join(workDir, "work"),
    workers: WORKERS,
    // Long enough that no job waiting in pg-boss is handed over mid-run; the tick and heartbeat
    // intervals are the production defaults.
    staleSeconds: 3600,
  });
}

type Throughput = {
  jobs: number;
  done: number;
  enqueueMs: number;
  firstStartMs: number;
  drainMs: number;
  runJobMeanMs: number;
  maxInFlight: number;
  unclaimed: number;
  /** Jobs finished while others still waited for a slot, and how long that took. */
  head: { jobs: number; ms: number };
  /** Jobs finished after the last dispatch (all remaining jobs were already in pg-boss). */
  tail: { jobs: number; ms: number };
};

async function measureThroughput(
  handle: DatabaseHandle,
  artist: ActingUser,
  jobs: number,
  workDir: string,
): Promise<{ result: Throughput; queue: GenerationQueue }> {
  const enqueueStarted = performance.now();
  for (let i = 0; i < jobs; i++) await queueGeneration(handle.db, artist, request);
  const enqueueMs = performance.now() - enqueueStarted;

  let done = 0;
  let unclaimed = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let runJobTotalMs = 0;
  let firstStart = 0;
  let allDone!: () => void;
  const drained = new Promise<void>((resolve) => (allDone = resolve));
  probe = {
    entered: (_jobId, at) => {
      firstStart ||= at;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
    },
    finished: (_jobId, claimed, ms) => {
      inFlight--;
      runJobTotalMs += ms;
      if (!claimed) return void unclaimed++;
      if (++done === jobs) allDone();
    },
  };

  const queue = await newQueue(handle, workDir);
  const started = performance.now();
  await queue.start();
  await within(drained, DRAIN_TIMEOUT_MS);
  const drainMs = performance.now() - started;
  // Split the run at the last dispatch: before it, finishing jobs freed slots for waiting ones;
  // after it, every remaining job was already sent to pg-boss.
  const [split] = await selectRows<{ head_ms: number; tail_ms: number; head_jobs: number }>(
    handle.db,
    sql`WITH t AS (
          SELECT max(dispatched_at) AS d, min(started_at) AS s, max(finished_at) AS f
          FROM generation_jobs WHERE status = 'succeeded'
        )
        SELECT (extract(epoch FROM t.d - t.s) * 1000)::float8 AS head_ms,
               (extract(epoch FROM t.f - t.d) * 1000)::float8 AS tail_ms,
               (SELECT count(*)::int FROM generation_jobs j
                WHERE j.status = 'succeeded' AND j.finished_at <= t.d) AS head_jobs
        FROM t`,
  );
  return {
    queue,
    result: {
      jobs,
      done,
      enqueueMs,
      firstStartMs: firstStart ? firstStart - started : NaN,
      drainMs,
      runJobMeanMs: runJobTotalMs / Math.max(1, done + unclaimed),
      maxInFlight,
      unclaimed,
      head: { jobs: split?.head_jobs ?? 0, ms: Math.max(0, split?.head_ms ?? 0) },
      tail: { jobs: done - (split?.head_jobs ?? 0), ms: Math.max(0, split?.tail_ms ?? 0) },
    },
  };
}

async function measureLatency(handle: DatabaseHandle, artist: ActingUser, queue: GenerationQueue) {
  // Let the queue settle into idle: workers in their polling wait, no dispatch running.
  await sleep(1500);
  const waiting = new Map<string, { enqueued: number; resolve: (ms: number) => void }>();
  const finishedJobs = new Map<string, () => void>();
  probe = {
    entered: (jobId, at) => {
      const w = waiting.get(jobId);
      if (w) w.resolve(at - w.enqueued);
    },
    finished: (jobId) => finishedJobs.get(jobId)?.(),
  };
  const samples: number[] = [];
  const enqueueMs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const before = performance.now();
    const job = await queueGeneration(handle.db, artist, request);
    const enqueued = performance.now();
    enqueueMs.push(enqueued - before);
    const latency = new Promise<number>((resolve) => waiting.set(job.id, { enqueued, resolve }));
    const finished = new Promise<void>((resolve) => finishedJobs.set(job.id, resolve));
    // What the studio action does after queueing.
    queue.wake();
    const ms = (await within(latency, 30_000)) ?? NaN;
    samples.push(ms);
    await within(finished, 30_000);
    waiting.delete(job.id);
    finishedJobs.delete(job.id);
    // A free worker, caught at a random point of its polling loop and of the dispatch interval.
    await sleep(50 + Math.random() * 450);
  }
  const ok = samples.filter((ms) => Number.isFinite(ms));
  return {
    samples: ok.length,
    lost: samples.length - ok.length,
    p50: percentile(ok, 50),
    p95: percentile(ok, 95),
    max: Math.max(...ok),
    enqueueP50: percentile(enqueueMs, 50),
  };
}

type Report = {
  kind: string;
  throughput: Throughput;
  latency: Awaited<ReturnType<typeof measureLatency>>;
  succeeded: number;
};

async function runOn(kind: string, handle: DatabaseHandle, jobs: number): Promise<Report> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), "greenroom-bench-queue-"));
  let queue: GenerationQueue | undefined;
  try {
    await handle.migrate();
    const artist = await createArtist(handle.db);
    // pg-boss creates its schema on first start: do that (and warm up) before measuring.
    const warm = await newQueue(handle, workDir);
    await warm.start();
    await warm.stop();

    process.stdout.write(`  ${kind}: queueing ${jobs} jobs, then draining… `);
    const throughput = await measureThroughput(handle, artist, jobs, workDir);
    queue = throughput.queue;
    process.stdout.write(`done. Latency, ${SAMPLES} samples… `);
    const latency = await measureLatency(handle, artist, queue);
    process.stdout.write("done.\n");
    await queue.stop();
    queue = undefined;
    const [row] = await selectRows<{ n: number }>(
      handle.db,
      sql`SELECT count(*)::int AS n FROM generation_jobs WHERE status = 'succeeded'`,
    );
    return { kind, throughput: throughput.result, latency, succeeded: row?.n ?? 0 };
  } finally {
    probe = { entered: () => {}, finished: () => {} };
    await queue?.stop().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function onPglite(): Promise<Report> {
  const client = await PGlite.create();
  const handle = wrapPglite(client);
  try {
    return await runOn("PGlite (in memory)", handle, PGLITE_JOBS);
  } finally {
    await handle.close();
  }
}

/** A fresh database for the run, dropped afterwards; null (with a note) if PostgreSQL is away. */
async function onPostgres(): Promise<Report | null> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    console.log(
      `\nPostgreSQL skipped: cannot connect to ${ADMIN_URL} (${(error as Error).message}).`,
    );
    await admin.end().catch(() => undefined);
    return null;
  }
  const name = `greenroom_bench_${process.pid}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let handle: DatabaseHandle | undefined;
  try {
    // Databases left behind by runs that were interrupted (their process is gone).
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'greenroom\\_bench\\_%'",
    );
    for (const { datname } of rows) {
      const pid = Number(datname.slice("greenroom_bench_".length));
      if (pid === process.pid || (Number.isInteger(pid) && !isProcessAlive(pid)))
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${name}`);
    handle = await openDatabase({ databaseUrl: url.toString(), dataDir: "" });
    const [row] = await selectRows<{ v: string }>(
      handle.db,
      sql`SELECT current_setting('server_version') AS v`,
    );
    return await runOn(`PostgreSQL ${row?.v ?? ""}`.trim(), handle, PG_JOBS);
  } finally {
    await handle?.close().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((error: unknown) => {
      console.error(`Could not drop ${name}: ${(error as Error).message}`);
    });
    await admin.end();
  }
}

function table(headers: string[], rows: string[][]) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i < 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ")} |`;
  return [
    line(headers),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

function print(report: Report) {
  const t = report.throughput;
  const l = report.latency;
  const rate = (t.done / t.drainMs) * 1000;
  const drainedAll = t.done === t.jobs;
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log(`\n${report.kind}: ${WORKERS} workers, concurrency ${CONCURRENCY}`);
  console.log(
    table(
      ["measure", "value", "target", ""],
      [
        [
          `enqueue, queueGeneration (${t.jobs} jobs, one after another)`,
          `${((t.jobs / t.enqueueMs) * 1000).toFixed(0)} jobs/s`,
          "",
          "",
        ],
        [
          `throughput, start → ${drainedAll ? "all" : `${t.done} of ${t.jobs}`} succeeded`,
          `${rate.toFixed(1)} jobs/s`,
          `≥ ${TARGET_JOBS_PER_SECOND}`,
          met(drainedAll && rate >= TARGET_JOBS_PER_SECOND),
        ],
        ["  first runJob entered after", ms(t.firstStartMs), "", ""],
        ["  all succeeded after", ms(t.drainMs), "", ""],
        [
          `  while jobs still waited for a slot (${t.head.jobs} jobs)`,
          t.head.jobs > 0 ? `${((t.head.jobs / t.head.ms) * 1000).toFixed(1)} jobs/s` : "–",
          "",
          "",
        ],
        [
          `  after the last dispatch (${t.tail.jobs} jobs)`,
          t.tail.jobs > 0 ? `${((t.tail.jobs / t.tail.ms) * 1000).toFixed(1)} jobs/s` : "–",
          `(${WORKERS} workers × 1 poll / 0.5 s = ${WORKERS * 2})`,
          "",
        ],
        ["  runJob (bookkeeping transaction), mean", `${t.runJobMeanMs.toFixed(1)} ms`, "", ""],
        ["  runJob calls in flight at once, max", String(t.maxInFlight), "", ""],
        [`latency enqueue → runJob, p50 (${l.samples} samples)`, ms(l.p50), "", ""],
        [
          "latency enqueue → runJob, p95",
          ms(l.p95),
          `≤ ${TARGET_P95_MS} ms`,
          met(l.lost === 0 && l.p95 <= TARGET_P95_MS),
        ],
        ["  latency max", ms(l.max), "", ""],
        ["  queueGeneration call, p50", `${l.enqueueP50.toFixed(1)} ms`, "", ""],
      ],
    ),
  );
  const notes = [];
  if (t.unclaimed > 0) notes.push(`${t.unclaimed} deliveries found their job no longer theirs`);
  if (l.lost > 0) notes.push(`${l.lost} latency samples never started within 30 s`);
  const expected = t.jobs + l.samples + l.lost;
  if (report.succeeded !== expected)
    notes.push(`${report.succeeded} jobs succeeded in the database, ${expected} expected`);
  if (notes.length > 0) console.log(`Note: ${notes.join("; ")}.`);
}

async function main() {
  console.log(
    `Queue bench: no-op runner (claim, succeed, commit quota), ${WORKERS} workers, ` +
      `concurrency ${CONCURRENCY}, ${os.cpus().length} CPUs, ${new Date().toISOString()}`,
  );
  print(await onPglite());
  if (PGLITE_ONLY) console.log("\nPostgreSQL skipped (--pglite-only).");
  else {
    const report = await onPostgres();
    if (report) print(report);
  }
}

await main();
