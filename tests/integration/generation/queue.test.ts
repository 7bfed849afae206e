import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { dispatchQueued, pickFairShare } from "~/.server/generation/dispatcher";
import { accountRefFor, readProvenance } from "~/.server/generation/provenance";
import { claimJob } from "~/.server/generation/runner";
import { cancelJob } from "~/.server/generation/studio";
import { ProviderError } from "~/.server/generation/providers/provider";
import { auditLog, clips, generationJobs } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, testEnv, testProvenance, testStorage } from "../../support/factories";
import {
  artistWith,
  jobRow,
  localProvider,
  movements,
  queueJob,
  scriptedProvider,
  startQueue,
  tempDir,
  transient,
  waitFor,
  type TestQueue,
} from "../../support/generation";
import path from "node:path";

const t = useTestDatabase();
let queue: TestQueue | null = null;
afterEach(async () => {
  await queue?.stop();
  queue = null;
});

const finished = (id: string) => async () => {
  const job = await jobRow(t.db, id);
  return ["succeeded", "failed", "canceled"].includes(job.status) ? job : null;
};

async function running(userId?: string) {
  const rows = await t.db
    .select({ id: generationJobs.id })
    .from(generationJobs)
    .where(
      userId
        ? and(eq(generationJobs.status, "running"), eq(generationJobs.userId, userId))
        : eq(generationJobs.status, "running"),
    );
  return rows.length;
}

describe("fair share", () => {
  it("picks the oldest job of the artist with the fewest running, within each cap", () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 1, 0, 0, s));
    const a = Array.from({ length: 20 }, (_, i) => ({
      id: `a${i}`,
      userId: "A",
      createdAt: at(i),
    }));
    const b = [{ id: "b0", userId: "B", createdAt: at(30) }];
    const queued = new Map([
      ["A", a],
      ["B", b],
    ]);
    const caps = new Map([
      ["A", 2],
      ["B", 2],
    ]);
    // A already has one running: B, with none, goes first although A's jobs are older.
    expect(pickFairShare(queued, new Map([["A", 1]]), caps, 1).map((j) => j.id)).toEqual(["b0"]);
    // With three slots: B, then A's oldest; A's cap of 2 stops a third.
    expect(pickFairShare(queued, new Map([["A", 1]]), caps, 3).map((j) => j.id)).toEqual([
      "b0",
      "a0",
    ]);
    // Nobody running: turns alternate, oldest first on ties.
    expect(pickFairShare(queued, new Map(), caps, 4).map((j) => j.id)).toEqual(["a0", "b0", "a1"]);
  });

  it("artist A queues 20, artist B then 1: B's job takes the next free slot, caps hold", async () => {
    const a = await artistWith(t.db, { maxConcurrentJobs: 2 });
    const b = await artistWith(t.db, { maxConcurrentJobs: 2 });
    const aJobs = [];
    for (let i = 0; i < 20; i++) aJobs.push(await queueJob(t.db, a));
    const limits = { local: 3 };
    await dispatchQueued(t.db, limits);
    // A may run only 2, though the provider has room for 3.
    expect(await running(a.id)).toBe(2);
    expect(await running()).toBe(2);

    const bJob = await queueJob(t.db, b);
    await dispatchQueued(t.db, limits);
    expect((await jobRow(t.db, bJob.id)).status).toBe("running");
    expect(await running()).toBe(3);

    // A slot frees up: A's next oldest job takes it (B has nothing else waiting).
    await t.db
      .update(generationJobs)
      .set({ status: "succeeded" })
      .where(eq(generationJobs.id, aJobs[0]!.id));
    await dispatchQueued(t.db, limits);
    expect((await jobRow(t.db, aJobs[2]!.id)).status).toBe("running");
    expect(await running(a.id)).toBe(2);
    expect(await running()).toBe(3);
  });

  it("many dispatchers at once never exceed the provider's limit", async () => {
    const artists = await Promise.all([1, 2, 3, 4].map(() => artistWith(t.db)));
    for (const artist of artists) for (let i = 0; i < 3; i++) await queueJob(t.db, artist);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => dispatchQueued(t.db, { local: 5 })),
    );
    expect(results.flat()).toHaveLength(5);
    expect(await running()).toBe(5);
    // Everyone got a turn before anyone got a second.
    for (const artist of artists) expect(await running(artist.id)).toBeGreaterThanOrEqual(1);
  });
});

// Each test waits on the queue's own events (waitFor with queue.changes), never on a clock. The
// timeout only ends a test whose awaited event never comes, so it is a hang detector, generous
// enough that a loaded machine rendering slowly is never taken for a broken queue.
describe("the queue, end to end", { timeout: 180_000 }, () => {
  it("renders a job, stores a signed clip, and charges its seconds exactly once", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist, { durationSeconds: 5, resolution: "480p" });
    queue = await startQueue(t.handle, localProvider());
    const done = await waitFor(finished(job.id), "the job to finish", queue.changes);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toBe(1);
    expect(done.attempts).toBe(1);
    expect(await movements(t.db, job.id)).toEqual(["reserve", "commit"]);

    const [clip] = await t.db.select().from(clips).where(eq(clips.id, job.id));
    expect(clip).toMatchObject({ userId: artist.id, width: 854, height: 480, provider: "local" });
    expect(clip!.videoKey).toMatch(/^clips\/[0-9a-f]{32}\.mp4$/);
    const file = path.join(tempDir("check"), "clip.mp4");
    await testStorage.download(clip!.videoKey, file);
    const check = await readProvenance(file, testEnv.PROVENANCE_SECRET);
    expect(check.status).toBe("valid");
    if (check.status === "valid") {
      expect(check.provenance).toMatchObject({
        clipId: job.id,
        accountRef: accountRefFor(artist.id, testProvenance.secret),
      });
    }
    expect(await testStorage.head(clip!.posterKey)).toMatchObject({ contentType: "image/jpeg" });
  });

  it("a provider failure fails the job with a readable message and releases the seconds", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    const { provider } = scriptedProvider({ failWith: "The model refused this prompt." });
    queue = await startQueue(t.handle, provider);
    const done = await waitFor(finished(job.id), "the job to fail", queue.changes);
    expect(done).toMatchObject({ status: "failed", error: "The model refused this prompt." });
    expect(await movements(t.db, job.id)).toEqual(["reserve", "release"]);
  });

  it("transient errors are retried with backoff and the job is charged once", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    const { provider, calls } = scriptedProvider({ submitErrors: [transient(), transient()] });
    queue = await startQueue(t.handle, provider);
    const done = await waitFor(finished(job.id), "the job to finish", queue.changes);
    expect(done.status).toBe("succeeded");
    expect(done.attempts).toBe(3);
    expect(calls.submit).toBe(3);
    expect(await movements(t.db, job.id)).toEqual(["reserve", "commit"]);
  });

  it("gives up after three tries and says why", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    const { provider, calls } = scriptedProvider({
      submitErrors: [transient(), transient(), transient("The provider timed out.")],
    });
    queue = await startQueue(t.handle, provider);
    const done = await waitFor(finished(job.id), "the job to fail", queue.changes);
    expect(done).toMatchObject({ status: "failed", error: "The provider timed out.", attempts: 3 });
    expect(calls.submit).toBe(3);
    expect(await movements(t.db, job.id)).toEqual(["reserve", "release"]);
  });

  it("a non-transient error is not retried", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    const { provider, calls } = scriptedProvider({
      submitErrors: [new ProviderError("The prompt is too long for this model.", false)],
    });
    queue = await startQueue(t.handle, provider);
    const done = await waitFor(finished(job.id), "the job to fail", queue.changes);
    expect(done).toMatchObject({ status: "failed", attempts: 1 });
    expect(calls.submit).toBe(1);
  });

  it("cancelling a running job stops the render and releases the seconds once", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    const { provider, calls } = scriptedProvider({ slowPollMs: 100 });
    queue = await startQueue(t.handle, provider);
    await waitFor(
      async () => (await jobRow(t.db, job.id)).startedAt,
      "the render to start",
      queue.changes,
    );
    await cancelJob(t.db, acting(artist), job.id);
    await waitFor(async () => calls.cancel > 0, "the provider to be told", queue.changes);
    await expect(cancelJob(t.db, acting(artist), job.id)).rejects.toMatchObject({ status: 409 });
    expect((await jobRow(t.db, job.id)).status).toBe("canceled");
    expect(await movements(t.db, job.id)).toEqual(["reserve", "release"]);
    expect(await t.db.select().from(clips).where(eq(clips.id, job.id))).toHaveLength(0);
  });

  it("a pg-boss job delivered twice is claimed once", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    const [dispatched] = await dispatchQueued(t.db, { local: 1 });
    expect(await claimJob(t.db, job.id, dispatched!.bossJobId)).toMatchObject({ attempts: 1 });
    expect(await claimJob(t.db, job.id, dispatched!.bossJobId)).toBeUndefined();
    expect(await claimJob(t.db, job.id, crypto.randomUUID())).toBeUndefined();
  });

  it("another artist cannot cancel someone else's job", async () => {
    const owner = await artistWith(t.db);
    const other = await artistWith(t.db);
    const job = await queueJob(t.db, owner);
    await expect(cancelJob(t.db, acting(other), job.id)).rejects.toMatchObject({ status: 404 });
    expect((await jobRow(t.db, job.id)).status).toBe("queued");
  });

  it("a job whose worker died is handed to another worker and charged once", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    // As a worker that died mid-render leaves it: running, one try used, heartbeat gone quiet.
    await t.db
      .update(generationJobs)
      .set({
        status: "running",
        attempts: 1,
        bossJobId: crypto.randomUUID(),
        dispatchedAt: sql`now() - interval '1 minute'`,
        startedAt: sql`now() - interval '1 minute'`,
        heartbeatAt: sql`now() - interval '1 minute'`,
        progress: 0.4,
      })
      .where(eq(generationJobs.id, job.id));
    queue = await startQueue(t.handle, localProvider());
    const done = await waitFor(finished(job.id), "the job to finish", queue.changes);
    expect(done).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(await movements(t.db, job.id)).toEqual(["reserve", "commit"]);
    const succeeded = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "generation.succeeded"), eq(auditLog.subjectId, job.id)));
    expect(succeeded).toHaveLength(1);
  });

  it("a running job of a provider no process serves is failed once, not handed over forever", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    // As the scale seed left it: running on Replicate, which nothing here renders.
    await t.db
      .update(generationJobs)
      .set({
        status: "running",
        provider: "replicate",
        attempts: 1,
        bossJobId: crypto.randomUUID(),
        dispatchedAt: sql`now() - interval '1 minute'`,
        startedAt: sql`now() - interval '1 minute'`,
        heartbeatAt: sql`now() - interval '1 minute'`,
      })
      .where(eq(generationJobs.id, job.id));
    queue = await startQueue(t.handle, localProvider(), { workers: 0 });
    const done = await waitFor(finished(job.id), "the job to end", queue.changes);
    expect(done).toMatchObject({ status: "failed", attempts: 1 });
    expect(done.error).toBe(
      'No renderer for "replicate" runs on this program, so this clip could not be made.',
    );
    expect(await movements(t.db, job.id)).toEqual(["reserve", "release"]);
  });

  it("a dispatched job waiting in pg-boss for a free worker stays in line, however long it waits", async () => {
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    // No workers: the first dispatch gives it a slot and sends it; nobody takes it.
    queue = await startQueue(t.handle, localProvider(), { workers: 0 });
    const sent = await jobRow(t.db, job.id);
    expect(sent).toMatchObject({ status: "running", heartbeatAt: null });
    // Longer than the stale interval ago: before, every sweep handed it over again.
    await t.db
      .update(generationJobs)
      .set({ dispatchedAt: sql`now() - interval '10 minutes'` })
      .where(eq(generationJobs.id, job.id));
    await queue.tick();
    await queue.tick();
    const after = await jobRow(t.db, job.id);
    expect(after).toMatchObject({ status: "running", bossJobId: sent.bossJobId, attempts: 0 });
    // One pg-boss job for it, the first one, still waiting: no twin was sent behind it.
    const inBoss = await t.handle.executeSql(
      `SELECT id::text AS id, state FROM pgboss.job
       WHERE name = 'generation-render-local' AND data->>'jobId' = $1`,
      [job.id],
    );
    expect(inBoss.rows).toEqual([{ id: sent.bossJobId, state: "created" }]);
  });
});
