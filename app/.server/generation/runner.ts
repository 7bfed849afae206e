import { and, eq, isNull, sql } from "drizzle-orm";
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { frameSize, type AspectRatio, type Resolution, type StylePreset } from "~/lib/generation";
import { clips, generationJobs, type GenerationJob } from "~db/schema";
import { recordAudit, SYSTEM_ACTOR } from "../audit/audit-log";
import { selectRows, type Db } from "../db";
import { recordJobFinished } from "../metrics";
import { newObjectKey, type ObjectStorage } from "../storage";
import { MediaError } from "./media";
import {
  checkClip,
  finishProviderOutput,
  makePoster,
  OutputRejectedError,
  watermarkText,
} from "./outputs";
import { encodeProvenance, hashPrompt, signProvenance, type SignedProvenance } from "./provenance";
import { runnerFolderName } from "./scratch";
import { ProviderError, type VideoProvider } from "./providers/provider";
import { settleReservation } from "./quota";

// Runs one generation job on the worker that pg-boss handed it to: claims it, drives the provider
// (submit, poll with heartbeats, fetch), finishes and checks the output, stores it, and settles the
// quota. Every write is conditional on still holding the job's current pg-boss id, so a worker that
// was presumed dead, or whose job was cancelled, changes nothing.

export const MAX_ATTEMPTS = 3;

export type RunnerDeps = {
  db: Db;
  providers: Map<string, VideoProvider>;
  storage: ObjectStorage;
  provenanceSecret: string;
  logger: Logger;
  /** Scratch space for renders and downloads; cleaned after each job. */
  workDir: string;
  heartbeatMs: number;
  /** The first retry waits this long; each further one four times longer. */
  retryBaseMs: number;
  /** Sends the pg-boss job that carries a retry (startAfter in seconds). */
  sendRetry: (
    jobId: string,
    bossJobId: string,
    provider: string,
    startAfterSeconds: number,
  ) => Promise<void>;
  /** Aborted when this process shuts down: running jobs are handed back at once. */
  shutdown?: AbortSignal;
};

class Cancelled extends Error {}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * Worth another try: what the provider calls transient, ffmpeg trouble and our own hiccups; not an
 * output that failed its check (the same request would fail it again) nor a permanent refusal.
 */
function isTransient(error: unknown) {
  if (error instanceof ProviderError) return error.transient;
  if (error instanceof OutputRejectedError) return false;
  return true;
}

/** A message an artist can read, whatever went wrong. */
function readable(error: unknown) {
  if (error instanceof ProviderError || error instanceof MediaError) return error.message;
  return "Something went wrong on our side while making this clip.";
}

/** Takes the job for this try, if it is still running under this pg-boss job. */
export async function claimJob(db: Db, jobId: string, bossJobId: string) {
  const [job] = await db
    .update(generationJobs)
    .set({
      startedAt: sql`coalesce(${generationJobs.startedAt}, now())`,
      heartbeatAt: sql`now()`,
      attempts: sql`${generationJobs.attempts} + 1`,
    })
    .where(
      and(
        eq(generationJobs.id, jobId),
        eq(generationJobs.status, "running"),
        eq(generationJobs.bossJobId, bossJobId),
        // Taken already: pg-boss delivered the same job twice (it retries what it thinks timed
        // out). Every hand-over clears the heartbeat, so a rightful claim always finds it empty.
        isNull(generationJobs.heartbeatAt),
      ),
    )
    .returning();
  return job;
}

/** Marks the job failed and gives its seconds back, if this worker still holds it. */
async function failJob(db: Db, job: GenerationJob, bossJobId: string, message: string) {
  const failed = await db.transaction(async (tx) => {
    const updated = await tx
      .update(generationJobs)
      .set({ status: "failed", error: message, finishedAt: sql`now()`, heartbeatAt: null })
      .where(
        and(
          eq(generationJobs.id, job.id),
          eq(generationJobs.status, "running"),
          eq(generationJobs.bossJobId, bossJobId),
        ),
      )
      .returning({ id: generationJobs.id });
    if (updated.length === 0) return false;
    await settleReservation(tx, job.id, "release");
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: "generation.failed",
      subjectType: "generation_job",
      subjectId: job.id,
      data: { message, attempts: job.attempts },
    });
    return true;
  });
  // Counted after commit, and only by the worker whose write ended the job.
  if (failed) recordJobFinished(job, "failed");
}

/** Fails a job that has used up its tries (from the stale-job sweep). */
export async function failExhaustedJob(db: Db, jobId: string, bossJobId: string) {
  const [job] = await db.select().from(generationJobs).where(eq(generationJobs.id, jobId));
  if (!job) return;
  await failJob(
    db,
    job,
    bossJobId,
    `The renderer stopped ${MAX_ATTEMPTS} times while making this clip. Your seconds were returned.`,
  );
}

export async function runGenerationJob(deps: RunnerDeps, jobId: string, bossJobId: string) {
  const { db, logger } = deps;
  const job = await claimJob(db, jobId, bossJobId);
  // Cancelled, finished, or handed to another worker since this pg-boss job was sent.
  if (!job) return;
  const provider = deps.providers.get(job.provider);
  if (!provider) {
    await failJob(db, job, bossJobId, `The provider "${job.provider}" is not configured.`);
    return;
  }

  const dir = path.join(deps.workDir, runnerFolderName(job.id, bossJobId));
  const stop = new AbortController();
  let progress = job.progress;
  let providerJobId: string | null = null;

  // The heartbeat also carries progress, and notices a cancel or a reassignment.
  const beat = async () => {
    const rows = await selectRows<{ id: string }>(
      db,
      sql`UPDATE generation_jobs SET heartbeat_at = now(), progress = ${progress}
          WHERE id = ${job.id} AND boss_job_id = ${bossJobId} AND status = 'running'
          RETURNING id`,
    );
    // Cancelled, or handed to another worker: stop.
    if (rows.length === 0) stop.abort();
  };
  const onShutdown = () => stop.abort();
  deps.shutdown?.addEventListener("abort", onShutdown, { once: true });
  const timer = setInterval(() => {
    beat().catch((err: unknown) => logger.warn({ err, jobId }, "heartbeat failed"));
  }, deps.heartbeatMs);

  try {
    await mkdir(dir, { recursive: true });
    const { width, height } = frameSize(
      job.resolution as Resolution,
      job.aspectRatio as AspectRatio,
    );
    const provenance = signProvenance(
      {
        clipId: job.id,
        accountId: job.userId,
        provider: provider.id,
        model: provider.model,
        promptSha256: hashPrompt(job.prompt),
        createdAt: new Date().toISOString(),
      },
      deps.provenanceSecret,
    );
    const watermark = watermarkText(job.id);

    // A resumable provider keeps working while we are gone: poll the prediction we already paid
    // for instead of starting another.
    providerJobId = provider.resumable ? job.providerJobId : null;
    if (!providerJobId) {
      ({ providerJobId } = await provider.submit({
        jobId: job.id,
        workDir: dir,
        prompt: job.prompt,
        durationSeconds: job.durationSeconds,
        resolution: job.resolution as Resolution,
        aspectRatio: job.aspectRatio as AspectRatio,
        style: job.style as StylePreset,
        seed: job.seed,
        watermark,
        provenanceTag: encodeProvenance(provenance),
      }));
      await db
        .update(generationJobs)
        .set({ providerJobId })
        .where(and(eq(generationJobs.id, job.id), eq(generationJobs.bossJobId, bossJobId)));
    }

    for (;;) {
      if (stop.signal.aborted) throw new Cancelled();
      const state = await provider.poll(providerJobId);
      progress = Math.max(progress, Math.min(0.99, state.progress));
      if (state.status === "succeeded") break;
      if (state.status === "failed")
        throw new ProviderError(state.error ?? "The provider could not make this clip.", false);
      if (state.status === "canceled")
        throw new ProviderError("The provider cancelled this clip.", false);
      await sleep(provider.pollIntervalMs, stop.signal);
    }

    const fetched = await provider.fetchResult(providerJobId, dir);
    if (stop.signal.aborted) throw new Cancelled();
    const expected = { width, height, durationSeconds: job.durationSeconds };
    let output: { videoPath: string; posterPath: string; provenance: SignedProvenance };
    if (fetched.finished) {
      await checkClip(fetched.videoPath, expected);
      output = {
        videoPath: fetched.videoPath,
        posterPath:
          fetched.posterPath ?? (await makePoster(fetched.videoPath, job.durationSeconds, dir)),
        provenance,
      };
    } else {
      const finished = await finishProviderOutput(fetched.videoPath, dir, {
        ...expected,
        watermark,
        provenance,
      });
      output = { ...finished, provenance };
    }
    const probed = await checkClip(output.videoPath, expected);
    const { size } = await stat(output.videoPath);

    const videoKey = newObjectKey("clips", "mp4");
    const posterKey = newObjectKey("posters", "jpg");
    await deps.storage.putFile(videoKey, output.videoPath, "video/mp4");
    await deps.storage.putFile(posterKey, output.posterPath, "image/jpeg");
    // A remote provider's file as received, before our mark: a licensed watermark-free master is
    // made from it later (the local renderer re-renders instead, so it keeps none).
    const originalKey = fetched.finished ? null : newObjectKey("clips", "mp4");
    if (originalKey) await deps.storage.putFile(originalKey, fetched.videoPath, "video/mp4");

    const stored = await db.transaction(async (tx) => {
      const updated = await tx
        .update(generationJobs)
        .set({ status: "succeeded", progress: 1, error: null, finishedAt: sql`now()` })
        .where(
          and(
            eq(generationJobs.id, job.id),
            eq(generationJobs.status, "running"),
            eq(generationJobs.bossJobId, bossJobId),
          ),
        )
        .returning({ id: generationJobs.id });
      if (updated.length === 0) return false;
      await tx.insert(clips).values({
        id: job.id,
        userId: job.userId,
        videoKey,
        posterKey,
        originalKey,
        sizeBytes: size,
        durationSeconds: probed.durationSeconds,
        width: probed.width,
        height: probed.height,
        provider: provider.id,
        model: provider.model,
        provenance: output.provenance,
      });
      await settleReservation(tx, job.id, "commit");
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: "generation.succeeded",
        subjectType: "generation_job",
        subjectId: job.id,
        data: { provider: provider.id, seconds: job.durationSeconds, attempts: job.attempts },
      });
      return true;
    });
    if (stored) recordJobFinished(job, "succeeded");
    else {
      // Cancelled while uploading: nothing refers to these objects.
      await Promise.all(
        [videoKey, posterKey, originalKey].flatMap((key) =>
          key ? [deps.storage.delete(key)] : [],
        ),
      );
    }
  } catch (error) {
    clearInterval(timer);
    if (deps.shutdown?.aborted) {
      await handBack(deps, job, bossJobId, provider, providerJobId);
      return;
    }
    const [now] = await db
      .select({ status: generationJobs.status, bossJobId: generationJobs.bossJobId })
      .from(generationJobs)
      .where(eq(generationJobs.id, job.id));
    const cancelled = now?.status === "canceled";
    const handedOver = !cancelled && now?.bossJobId !== bossJobId;
    // Stop the provider's work unless another worker has taken over a run it can resume.
    if (providerJobId && (cancelled || !provider.resumable || !handedOver)) {
      // A resumable run is kept for the retry, which polls it again instead of paying twice.
      const transientRetry =
        !cancelled &&
        !handedOver &&
        provider.resumable &&
        isTransient(error) &&
        job.attempts < MAX_ATTEMPTS;
      if (!transientRetry)
        await provider.cancel(providerJobId).catch((err: unknown) => {
          logger.warn({ err, jobId }, "provider cancel failed");
        });
    }
    if (cancelled || handedOver || error instanceof Cancelled || stop.signal.aborted) return;
    if (!(error instanceof ProviderError || error instanceof MediaError))
      logger.error({ err: error, jobId }, "generation job failed");
    if (!isTransient(error) || job.attempts >= MAX_ATTEMPTS) {
      await failJob(db, job, bossJobId, readable(error));
      return;
    }
    await scheduleRetry(deps, job, bossJobId, error);
  } finally {
    clearInterval(timer);
    deps.shutdown?.removeEventListener("abort", onShutdown);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Hands the job to a new pg-boss job that starts after the backoff (or the provider's wish). */
async function scheduleRetry(
  deps: RunnerDeps,
  job: GenerationJob,
  bossJobId: string,
  error: unknown,
) {
  const backoffMs = Math.max(
    deps.retryBaseMs * 4 ** (job.attempts - 1),
    error instanceof ProviderError ? (error.retryAfterMs ?? 0) : 0,
  );
  const nextBossJobId = crypto.randomUUID();
  const seconds = Math.ceil(backoffMs / 1000);
  const rows = await selectRows<{ id: string }>(
    deps.db,
    sql`UPDATE generation_jobs
        SET boss_job_id = ${nextBossJobId}, heartbeat_at = NULL,
            dispatched_at = now() + make_interval(secs => ${backoffMs / 1000}),
            error = ${`Try ${job.attempts} of ${MAX_ATTEMPTS} failed: ${readable(error)} Trying again in ${seconds} s.`}
        WHERE id = ${job.id} AND status = 'running' AND boss_job_id = ${bossJobId}
        RETURNING id`,
  );
  if (rows.length === 0) return;
  await deps.sendRetry(job.id, nextBossJobId, job.provider, backoffMs / 1000);
}

/**
 * On shutdown: marks the job stale at once so the next sweep (in any process) gives it to another
 * worker, without counting this interrupted try. A resumable provider keeps working meanwhile.
 */
async function handBack(
  deps: RunnerDeps,
  job: GenerationJob,
  bossJobId: string,
  provider: VideoProvider,
  providerJobId: string | null,
) {
  if (providerJobId && !provider.resumable) await provider.cancel(providerJobId).catch(() => {});
  await deps.db.execute(
    sql`UPDATE generation_jobs
        SET heartbeat_at = NULL, dispatched_at = 'epoch', attempts = greatest(attempts - 1, 0)
        WHERE id = ${job.id} AND status = 'running' AND boss_job_id = ${bossJobId}`,
  );
}
