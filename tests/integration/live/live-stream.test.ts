import { execFile } from "node:child_process";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { afterEach, describe, expect, inject, it } from "vitest";
import { suspendAccount } from "~/.server/access/people";
import { auditActor } from "~/.server/auth/guards";
import { endSession, startSession } from "~/.server/auth/session";
import { selectRows } from "~/.server/db";
import { dispatchQueued } from "~/.server/generation/dispatcher";
import { moveJob } from "~/.server/generation/job-states";
import { cancelJob } from "~/.server/generation/studio";
import { createLiveService, type LiveService } from "~/.server/live/live-service";
import { loader as eventsLoader } from "~/routes/studio.events/route";
import type { User } from "~db/schema";
import { onPostgres, useTestDatabase } from "../../support/db";
import {
  acting,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";
import { artistWith, queueJob } from "../../support/generation";
import { reader, type StreamEvent } from "../../support/event-stream";

// The studio's event stream (ADR 0020): driven by the database's own notifications (LISTEN on
// PostgreSQL, in-process on PGlite), one artist's events only, closed on sign-out and suspension,
// resumed after a reconnect. Every wait is for an event; nothing is timed.

const t = useTestDatabase();
const services: LiveService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

async function listeningService() {
  const live = createLiveService({
    db: t.db,
    logger: pino({ level: "silent" }),
    concurrency: { local: 2 },
    listen: t.handle.listen,
    debounceMs: 10,
  });
  services.push(live);
  await live.start();
  expect(live.listening).toBe(true);
  return live;
}

type Job = { id: string; status: string; progress: number; position: number | null };

const jobsOf = (e: StreamEvent) => (e.data as { jobs: Job[] }).jobs;
const jobsEvent = (predicate: (jobs: Job[]) => boolean) => (e: StreamEvent) =>
  e.event === "jobs" && predicate(jobsOf(e));

async function openStream(live: LiveService, artist: User, lastEventId: string | null = null) {
  const { session } = await startSession(t.db, artist.id, { secure: false });
  const sessionId = session.id;
  const response = live.stream({ user: acting(artist), sessionId, lastEventId });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  return { stream: reader(response), sessionId };
}

describe("the studio's event stream", () => {
  it("is for signed-in artists only, through the route", async () => {
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const refused = await callRoute(
      t.db,
      eventsLoader as never,
      makeRequest("/studio/events", { cookie: await sessionCookieFor(t.db, reviewer) }),
    );
    expect(refused.status).toBe(403);
    const anonymous = await callRoute(t.db, eventsLoader as never, makeRequest("/studio/events"));
    expect(anonymous.status).toBe(302);
    const artist = await artistWith(t.db);
    const ok = await callRoute(
      t.db,
      eventsLoader as never,
      makeRequest("/studio/events", { cookie: await sessionCookieFor(t.db, artist) }),
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/event-stream");
  });

  it("sends place and progress as the database changes them, and one artist's only", async () => {
    const live = await listeningService();
    const me = await artistWith(t.db);
    const other = await artistWith(t.db);
    const mine = await openStream(live, me);
    const theirs = await openStream(live, other);
    await mine.stream.next(jobsEvent((jobs) => jobs.length === 0));

    const job = await queueJob(t.db, me);
    const queued = await mine.stream.next(jobsEvent((jobs) => jobs[0]?.status === "queued"));
    expect(jobsOf(queued)[0]).toMatchObject({ id: job.id, position: 1 });

    await dispatchQueued(t.db, { local: 2 });
    await mine.stream.next(jobsEvent((jobs) => jobs[0]?.status === "running"));
    await moveJob(t.db, job.id, "heartbeat", { progress: 0.5 });
    await mine.stream.next(jobsEvent((jobs) => jobs[0]?.progress === 0.5));

    // The other artist's stream: its own job arrives, and nothing of mine ever did.
    const theirJob = await queueJob(t.db, other);
    await theirs.stream.next(jobsEvent((jobs) => jobs.some((j) => j.id === theirJob.id)));
    for (const e of theirs.stream.seen.filter((e) => e.event === "jobs"))
      expect(jobsOf(e).map((j) => j.id)).not.toContain(job.id);
  });

  it("ends when the session is signed out or the account suspended", async () => {
    const live = await listeningService();
    const artist = await artistWith(t.db);
    const admin = await createUser(t.db, { role: "admin" });
    const first = await openStream(live, artist);
    const second = await openStream(live, artist);
    await first.stream.next((e) => e.event === "jobs");
    await second.stream.next((e) => e.event === "jobs");

    await endSession(t.db, first.sessionId, { secure: false });
    await first.stream.next((e) => e.event === "bye");
    await first.stream.ended();

    await t.db.transaction((tx) =>
      suspendAccount(tx, auditActor(acting(admin)), artist.id, "Testing the stream."),
    );
    await second.stream.next((e) => e.event === "bye");
    await second.stream.ended();
    expect(live.size).toBe(0);
  });

  it("resumes after a reconnect: what finished meanwhile is sent with Last-Event-ID", async () => {
    const live = await listeningService();
    const artist = await artistWith(t.db);
    const { stream } = await openStream(live, artist);
    const job = await queueJob(t.db, artist);
    const seen = await stream.next(jobsEvent((jobs) => jobs.length === 1));
    await stream.cancel();

    // While the tab was away, the job ran and failed.
    await dispatchQueued(t.db, { local: 2 });
    await moveJob(t.db, job.id, "fail", { error: "The model timed out.", finishedAt: sql`now()` });

    const again = await openStream(live, artist, seen.id!);
    const result = await again.stream.next((e) => e.event === "result");
    expect(result.data).toMatchObject({
      id: job.id,
      status: "failed",
      error: "The model timed out.",
    });
    await again.stream.next(jobsEvent((jobs) => jobs[0]?.status === "failed"));
  });

  it("stops every stream on close, and refuses new ones", async () => {
    const live = await listeningService();
    const artist = await artistWith(t.db);
    const { stream } = await openStream(live, artist);
    await stream.next((e) => e.event === "jobs");
    await live.close();
    await stream.ended();
    expect(live.listening).toBe(false);
    const refused = live.stream({ user: acting(artist), sessionId: null, lastEventId: null });
    expect(refused.status).toBe(503);
  });

  it("moves a waiting job's place when a job ahead of it is cancelled", async () => {
    const live = await listeningService();
    const busy = await artistWith(t.db);
    const me = await artistWith(t.db);
    const ahead = await queueJob(t.db, busy);
    const { stream } = await openStream(live, me);
    const mine = await queueJob(t.db, me);
    await stream.next(jobsEvent((jobs) => jobs[0]?.id === mine.id && jobs[0]?.position === 2));
    await cancelJob(t.db, acting(busy), ahead.id);
    await stream.next(jobsEvent((jobs) => jobs[0]?.position === 1));
  });
});

// PGlite admits one process, so this part exists only on PostgreSQL (npm test runs both); the
// topology test (tests/topology) also streams two web processes' changes made by workers.
if (onPostgres)
  describe("across processes on PostgreSQL", () => {
    it("hears a worker in another process change a job", async () => {
      const live = await listeningService();
      const artist = await artistWith(t.db);
      const job = await queueJob(t.db, artist);
      await dispatchQueued(t.db, { local: 2 });
      const { stream } = await openStream(live, artist);
      await stream.next(jobsEvent((jobs) => jobs[0]?.status === "running"));

      const [{ db: name }] = (await selectRows<{ db: string }>(
        t.db,
        sql`SELECT current_database() AS db`,
      )) as [{ db: string }];
      const url = new URL(inject("pgTemplateUrl")!);
      url.pathname = `/${name}`;
      // A separate Node process, as `npm run worker` would be: a heartbeat with progress.
      const script = `
      const pg = require("pg");
      const c = new pg.Client({ connectionString: process.argv[1] });
      c.connect()
        .then(() => c.query("UPDATE generation_jobs SET progress = 0.4, heartbeat_at = now() WHERE id = $1", [process.argv[2]]))
        .then(() => c.end(), (e) => { console.error(e); process.exit(1); });`;
      await new Promise<void>((resolve, reject) =>
        execFile(process.execPath, ["-e", script, url.toString(), job.id], (error) =>
          error ? reject(error) : resolve(),
        ),
      );
      await stream.next(jobsEvent((jobs) => jobs[0]?.progress === 0.4));
    });
  });
