import { eq, inArray } from "drizzle-orm";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateIdentityFiles } from "~/.server/c2pa/certificates";
import { openDatabase, type DatabaseHandle } from "~/.server/db";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { DEFAULT_CHECKLIST } from "~/lib/review";
import { clips, generationJobs, quotaMovements, submissions, type User } from "~db/schema";
import { startFakeS3, type FakeS3 } from "../support/fake-s3";
import { acting, createUser, sessionCookieFor, testEnv } from "../support/factories";
import { artistWith } from "../support/generation";
import { reader, type StreamEvent } from "../support/event-stream";
import { freePort, startProcess, stopIfRunning, type Started } from "../support/processes";

// The deployment recipe of docs/deploy.md, run as written on one machine: migrations as a release
// step, two web processes (GENERATION_WORKERS=0) and two render workers on one PostgreSQL, media
// in an S3 bucket (the SigV4-checking fake), the same secrets and signing identity everywhere.
// An artist queues clips on web 1; a reviewer decides on web 2; one worker is sent SIGTERM and
// the other SIGKILL mid-render, and a replacement worker is started, as an orchestrator would.

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl)
  throw new Error("The topology test runs on PostgreSQL: set TEST_DATABASE_URL (npm test does).");
if (!existsSync("build/server/index.js"))
  throw new Error("The topology test serves the production build: run `npm run build` first.");

const CLIPS = 4;
let admin: pg.Client;
let dbName: string;
let handle: DatabaseHandle;
let s3: FakeS3;
let shared: Record<string, string>;
const processes: Started[] = [];
const folders: string[] = [];

function databaseUrl(name: string) {
  const url = new URL(baseUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

beforeAll(async () => {
  dbName = `greenroom_topology_${process.pid}_${Date.now()}`;
  admin = new pg.Client({ connectionString: databaseUrl("postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  s3 = await startFakeS3();
  const identity = generateIdentityFiles();
  shared = {
    DATABASE_URL: databaseUrl(dbName),
    SESSION_SECRET: testEnv.SESSION_SECRET,
    PROVENANCE_SECRET: testEnv.PROVENANCE_SECRET,
    C2PA_SIGNING_CERT: identity.chainPem,
    C2PA_SIGNING_KEY: identity.keyPem,
    STORAGE_DRIVER: "s3",
    S3_BUCKET: s3.bucket,
    S3_REGION: s3.region,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
    GENERATION_PROVIDER: "local",
    // A killed worker's job is given to another after this long without a heartbeat.
    GENERATION_STALE_SECONDS: "5",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    RESEND_API_KEY: "",
  };
});

afterAll(async () => {
  for (const started of processes) await stopIfRunning(started);
  await handle?.close();
  await s3?.stop();
  await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin?.end();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Each process has its own machine, as far as files go: its own DATA_DIR. */
function start(name: string, entry: string, env: Record<string, string>) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `greenroom-${name}-`));
  folders.push(dataDir);
  const started = startProcess(name, entry, { ...shared, DATA_DIR: dataDir, ...env });
  processes.push(started);
  return started;
}

async function startWeb(name: string) {
  const port = await freePort();
  const web = start(name, "server/index.ts", {
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    GENERATION_WORKERS: "0",
  });
  await web.waitForLine((line) => typeof line.msg === "string" && line.msg.includes("listening"));
  return { process: web, url: `http://127.0.0.1:${port}` };
}

async function startWorker(name: string) {
  const port = await freePort();
  const worker = start(name, "scripts/worker.ts", {
    GENERATION_WORKERS: "1",
    WORKER_PORT: String(port),
  });
  await worker.waitForLine((line) => line.msg === "generation worker started");
  return { process: worker, url: `http://127.0.0.1:${port}` };
}

async function post(
  base: string,
  pathname: string,
  cookie: string,
  form: Record<string, string | string[]>,
) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form))
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  return fetch(`${base}${pathname}`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, origin: base, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

/** Re-reads until `check` holds: the workers' progress is recorded only in the database. */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean) {
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (processes.every((p) => p.child.exitCode !== null)) throw new Error(`Stuck: ${what}`);
  }
}

it("two web processes and render workers on PostgreSQL and S3 work as one portal", async () => {
  // Release step: migrations, once, before any process starts.
  const migrate = start("migrate", "scripts/migrate.ts", {});
  expect(await migrate.exited).toBe(0);

  handle = await openDatabase({ databaseUrl: shared.DATABASE_URL!, dataDir: "" });
  const artist: User = await artistWith(handle.db, {
    monthlyQuotaSeconds: 600,
    maxConcurrentJobs: CLIPS,
  });
  const reviewer = await createUser(handle.db, { role: "reviewer" });
  const artistCookie = await sessionCookieFor(handle.db, artist);
  const reviewerCookie = await sessionCookieFor(handle.db, reviewer);

  const [web1, web2] = await Promise.all([startWeb("web-1"), startWeb("web-2")]);
  for (const web of [web1, web2]) expect((await fetch(`${web.url}/readyz`)).status).toBe(200);
  const workerA = await startWorker("worker-a");
  const workerB = await startWorker("worker-b");
  expect((await fetch(`${workerA.url}/readyz`)).status).toBe(200);

  // The artist watches the studio live on both web processes: each has its own stream, fed by
  // the database's notifications whoever made the change (web 1's queueing, the workers).
  const streams = await Promise.all(
    [web1, web2].map(async (web) => {
      // (a stream per web process, as two tabs behind a load balancer would have)
      const response = await fetch(`${web.url}/studio/events`, {
        headers: { cookie: artistCookie, accept: "text/event-stream" },
      });
      expect(response.status, `the event stream of ${web.url}`).toBe(200);
      return { web: web.url, stream: reader(response) };
    }),
  );

  // The artist queues clips on web 1.
  for (let i = 0; i < CLIPS; i++) {
    const queued = await post(web1.url, "/studio", artistCookie, {
      prompt: `A paper boat on a canal, take ${i + 1}`,
      durationSeconds: "10",
      resolution: "720p",
      aspectRatio: "16:9",
      style: "none",
    });
    expect(queued.status, `queueing clip ${i + 1}: ${await queued.clone().text()}`).toBeLessThan(
      400,
    );
  }
  const jobs = await handle.db
    .select({ id: generationJobs.id })
    .from(generationJobs)
    .where(eq(generationJobs.userId, artist.id));
  expect(jobs).toHaveLength(CLIPS);
  const jobIds = jobs.map((j) => j.id);

  // Mid-render, worker A is told to stop and worker B dies.
  await workerA.process.waitForLine((line) => line.msg === "render started");
  workerA.process.child.kill("SIGTERM");
  await workerB.process.waitForLine((line) => line.msg === "render started");
  workerB.process.child.kill("SIGKILL");
  expect(await workerA.process.exited).toBe(0);
  expect(await workerB.process.exited).toBe("SIGKILL");
  // The orchestrator starts a replacement.
  const workerC = await startWorker("worker-c");

  const finished = await until(
    "every job to finish",
    () =>
      handle.db
        .select({ id: generationJobs.id, status: generationJobs.status })
        .from(generationJobs)
        .where(inArray(generationJobs.id, jobIds)),
    (rows) => rows.every((r) => r.status === "succeeded" || r.status === "failed"),
  );
  expect(finished.map((r) => r.status)).toEqual(jobIds.map(() => "succeeded"));

  // Both streams told every change, whoever made it: each stream reaches every job ready, and
  // on the way showed each one rendering (they render for seconds, so no coalescing hides it).
  type Listed = { id: string; status: string; position: number | null };
  const listed = (e: StreamEvent) =>
    e.event === "jobs" ? (e.data as { jobs: Listed[] }).jobs : [];
  for (const { web, stream } of streams) {
    await stream.next((e) =>
      jobIds.every((id) => listed(e).some((j) => j.id === id && j.status === "succeeded")),
    );
    const history = (id: string) =>
      stream.seen.flatMap((e) =>
        listed(e)
          .filter((j) => j.id === id)
          .map((j) => j.status),
      );
    for (const jobId of jobIds)
      expect(history(jobId), `${web}'s stream of ${jobId}`).toContain("running");
    // Jobs beyond the two workers' slots waited, and the stream gave their place in line.
    expect(stream.seen.some((e) => listed(e).some((j) => j.position !== null))).toBe(true);
  }

  // Every job finished once: one clip each, its seconds reserved once and charged once.
  const made = await handle.db
    .select({ id: clips.id })
    .from(clips)
    .where(inArray(clips.id, jobIds));
  // A clip's id is its job's: one clip per job, however many workers touched it.
  expect(made.map((c) => c.id).sort()).toEqual([...jobIds].sort());
  const settled = await handle.db
    .select({ jobId: quotaMovements.jobId, kind: quotaMovements.kind })
    .from(quotaMovements)
    .where(inArray(quotaMovements.jobId, jobIds))
    .orderBy(quotaMovements.id);
  for (const jobId of jobIds)
    expect(settled.filter((m) => m.jobId === jobId).map((m) => m.kind)).toEqual([
      "reserve",
      "commit",
    ]);

  // Every stored object is in the bucket and served by both web processes.
  for (const clip of made)
    for (const web of [web1, web2])
      for (const kind of ["video", "poster"]) {
        const media = await fetch(`${web.url}/media/clips/${clip.id}/${kind}`, {
          headers: { cookie: artistCookie },
        });
        expect(media.status, `${kind} of ${clip.id} from ${web.url}`).toBe(200);
        expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(0);
      }

  // The artist submits a clip; a reviewer claims and approves it on web 2.
  const submission = await submitClip(
    handle.db,
    acting(artist),
    submitInput.parse({
      clipId: made[0]!.id,
      title: "Paper boat",
      description: "A boat drifting down a canal at dusk.",
      intendedUse: "portfolio",
      channels: ["Vimeo"],
      agreeTerms: "on",
    }),
  );
  const claimed = await post(web2.url, `/review/${submission.id}`, reviewerCookie, {
    intent: "claim",
  });
  expect(claimed.status).toBeLessThan(400);
  const [current] = await handle.db
    .select({ state: submissions.state, version: submissions.currentVersion })
    .from(submissions)
    .where(eq(submissions.id, submission.id));
  const decided = await post(web2.url, `/review/${submission.id}`, reviewerCookie, {
    intent: "decide",
    decision: "approve",
    checklist: [...DEFAULT_CHECKLIST],
    note: "",
    version: String(current!.version),
    state: current!.state,
  });
  expect(decided.status).toBeLessThan(400);
  const [after] = await handle.db
    .select({ state: submissions.state })
    .from(submissions)
    .where(eq(submissions.id, submission.id));
  expect(after!.state).toBe("approved");

  // Everything stops cleanly on SIGTERM; the web processes end their open event streams.
  for (const started of [web1.process, web2.process, workerC.process]) {
    started.child.kill("SIGTERM");
    expect(await started.exited, started.name).toBe(0);
    const stopped = await started.waitForLine((line) => line.msg === "stopped");
    console.info(`${started.name} stopped ${String(stopped.ms)} ms after SIGTERM`);
  }
  for (const { stream } of streams) await stream.ended();
});
