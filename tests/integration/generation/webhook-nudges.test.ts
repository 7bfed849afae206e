import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFalProvider } from "~/.server/generation/providers/fal";
import { queueGeneration } from "~/.server/generation/quota";
import { createGenerationQueue, type GenerationQueue } from "~/.server/generation/queue";
import { RUN_NUDGE_CHANNEL } from "~/.server/generation/webhooks";
import { handleWebhook, resetWebhookKeys } from "~/.server/http/webhooks";
import { onPostgres, useTestDatabase } from "../../support/db";
import {
  acting,
  contextFor,
  makeRequest,
  testEnv,
  testProvenance,
  testStorage,
} from "../../support/factories";
import { useFakeFal } from "../../support/fake-fal";
import { useFalSigning } from "../../support/fal-signing";
import { artistWith, jobRow, request, tempDir, waitFor } from "../../support/generation";
import { startProcess, type Started } from "../../support/processes";

// A verified webhook wakes the runner polling that run wherever it runs: it is announced on the
// database's nudge channel, which every process with render workers LISTENs to (ADR 0022). The
// runners here poll fal every ten minutes, longer than any test may take, so a clip that finishes
// was fetched because the webhook woke its runner: no clock decides the outcome.

const t = useTestDatabase();
const fal = useFakeFal();
const MODEL = "fal-ai/test-model/text-to-video";
const TEN_MINUTES = 600_000;

// fal's signing keys, served as a JWKS the way fal publishes them.
const signing = useFalSigning();
beforeEach(() => {
  resetWebhookKeys();
  fal.server.reset();
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const falProvider = () =>
  createFalProvider({
    apiKey: fal.server.apiKey,
    model: MODEL,
    queueUrl: fal.server.queueUrl,
    pollIntervalMs: TEN_MINUTES,
  });

async function queueFalJob() {
  const artist = await artistWith(t.db);
  return queueGeneration(
    t.db,
    acting(artist),
    request({ durationSeconds: 5, resolution: "480p" }),
    { id: "fal", capabilities: falProvider().capabilities },
  );
}

/** fal's request id once the runner has submitted the job and polled it once ("IN_PROGRESS"). */
function firstPolled(jobId: string) {
  return waitFor(async () => {
    // The run id ("{model}|{request id}") is on the job before its first poll (runner.ts).
    const id = (await jobRow(t.db, jobId)).providerJobId?.split("|")[1];
    return id && statusPolls(id) > 0 && id;
  }, "the runner to submit the job and poll it once");
}

const statusPolls = (id: string) =>
  fal.server.requests.filter(
    (r) => r.method === "GET" && r.path.split("?")[0]!.endsWith(`/requests/${id}/status`),
  ).length;

/** fal's delivery for a finished request, signed as fal signs it, taken by the webhook route. */
async function deliver(requestId: string) {
  const body = JSON.stringify({ request_id: requestId, status: "OK" });
  const base = makeRequest("/webhooks/fal", {
    method: "POST",
    headers: { "content-type": "application/json", ...signing.headers(body, { requestId }) },
  });
  const withBody = new Request(base, { body, method: "POST" });
  const context = await contextFor(t.db, withBody);
  context.env = { ...context.env, FAL_JWKS_URL: signing.jwksUrl };
  const response = await handleWebhook("fal", withBody, context);
  return { status: response.status, text: await response.text() };
}

const succeeded = (jobId: string) =>
  waitFor(async () => {
    const job = await jobRow(t.db, jobId);
    if (job.status === "failed") throw new Error(`The job failed: ${job.error}`);
    return job.status === "succeeded" && job;
  }, "the job to succeed");

describe("a verified webhook", () => {
  it("is announced on the nudge channel and wakes a queue's runner through the database", async () => {
    // What the database announces, heard on a listener of its own.
    const announced: string[] = [];
    const stopListening = await t.handle.listen!(RUN_NUDGE_CHANNEL, (p) => announced.push(p));
    cleanups.push(stopListening);
    const queue: GenerationQueue = createGenerationQueue({
      handle: t.handle,
      providers: new Map([["fal", falProvider()]]),
      concurrency: { fal: 1 },
      storage: testStorage,
      provenance: testProvenance,
      logger: pino({ level: "silent" }),
      workDir: tempDir("nudge-work"),
      workers: 1,
      staleSeconds: 50,
      tickMs: 200,
      heartbeatMs: 200,
    });
    await queue.start();
    cleanups.push(() => queue.stop());

    const job = await queueFalJob();
    const requestId = await firstPolled(job.id);
    // This process's queue listens, so the webhook reaches its runner only through the database.
    expect(await deliver(requestId)).toEqual({ status: 202, text: "Picked up." });
    const done = await succeeded(job.id);
    expect(done.providerJobId).toBe(`${MODEL}|${requestId}`);
    expect(announced).toEqual([`fal:${MODEL}|${requestId}`]);
    // Polled once before the webhook and once after it: never at its ten-minute interval.
    expect(statusPolls(requestId)).toBe(2);
  });
});

// PGlite admits one process, so a worker of its own exists only on PostgreSQL (npm test runs
// both); on PGlite the web process's own queue is the one the webhook wakes (above).
if (onPostgres)
  describe("a verified webhook taken by the web process", () => {
    it("wakes `npm run worker` in another process without waiting for its poll", async () => {
      const job = await queueFalJob();
      const worker: Started = startProcess("worker", "scripts/worker.ts", {
        DATABASE_URL: t.url!,
        DATA_DIR: tempDir("nudge-worker"),
        GENERATION_WORKERS: "1",
        GENERATION_PROVIDER: "fal",
        FAL_KEY: fal.server.apiKey,
        FAL_MODEL: MODEL,
        FAL_QUEUE_URL: fal.server.queueUrl,
        FAL_POLL_INTERVAL_MS: String(TEN_MINUTES),
        PROVENANCE_SECRET: testEnv.PROVENANCE_SECRET,
        SESSION_SECRET: testEnv.SESSION_SECRET,
        LOG_LEVEL: "info",
      });
      cleanups.push(async () => {
        worker.child.kill("SIGTERM");
        await worker.exited;
      });
      await worker.waitForLine((l) => l.msg === "generation worker started");
      const requestId = await firstPolled(job.id);
      // The delivery is taken here, in a process with no render workers at all.
      expect(await deliver(requestId)).toEqual({ status: 202, text: "Picked up." });
      await succeeded(job.id);
      expect(statusPolls(requestId)).toBe(2);
    });
  });
