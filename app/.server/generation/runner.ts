import { and, eq, isNull, sql } from "drizzle-orm";
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { frameSize, type AspectRatio, type Resolution, type StylePreset } from "~/lib/generation";
import { clips, generationJobs, generationModels, type GenerationJob } from "~db/schema";
import { recordAudit, SYSTEM_ACTOR } from "../audit/audit-log";
import type { Db, DbOrTx } from "../db";
import { recordJobFinished } from "../metrics";
import { newObjectKey, type ObjectStorage } from "../storage";
import { moveHeldJob } from "./job-states";
import { notifyClipFailed, notifyClipReady } from "./results";
import { MediaError, type ProbeResult } from "./media";
import { clipFrameRate, finishProviderOutput, OutputRejectedError, watermarkText } from "./outputs";
import { hashPrompt, type ProvenanceKeys, type SignedProvenance } from "./provenance";
import { sealOutput, type SealRequest } from "./sealing";
import { runnerFolderName } from "./scratch";
import { ProviderError, type FetchedOutput, type VideoProvider } from "./providers/provider";
import { settleReservation } from "./quota";
import { runNudges } from "./webhooks";

// Runs one try of a generation job on the worker that pg-boss handed it to, in four steps:
//   claim   take the job under this pg-boss job (and find its provider);
//   render  submit to the provider (or resume its run), poll it with heartbeats, fetch the file;
//   finish  make the file the output that was asked: marked and checked (probed once), then
//           sealed: the record and C2PA Content Credentials signed over its final bytes;
//   store   upload it, then in one transaction mark the job succeeded, add the clip, charge.
// A try that throws ends in endFailedTry: handed back, given up, failed or retried. Every write is
// a move of the job state machine (job-states.ts) conditional on still holding the job's current
// pg-boss id, so a worker that was presumed dead, or whose job was cancelled, changes nothing.

export const MAX_ATTEMPTS = 3;

export type RunnerDeps = {
  db: Db;
  providers: Map<string, VideoProvider>;
  storage: ObjectStorage;
  /** Signs outputs: the record's secret and the C2PA identity (sealing.ts). */
  provenance: ProvenanceKeys;
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
  /** Where links in "your clip is ready/failed" emails point (APP_URL). */
  appUrl?: string;
};

const DEFAULT_APP_URL = "http://localhost:3000";

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
 * The webhook nudges about one run while it is polled (webhooks.ts): each wait is the provider's
 * poll interval, cut short by a nudge. A nudge that arrives while a poll is on its way (the
 * provider finished just after answering "running") is kept for the next wait, not lost.
 */
function watchNudges(provider: VideoProvider, providerJobId: string) {
  const event = `${provider.id}:${providerJobId}`;
  let nudged = false;
  let wake: (() => void) | null = null;
  const onNudge = () => {
    nudged = true;
    wake?.();
  };
  runNudges.on(event, onNudge);
  return {
    async wait(signal: AbortSignal) {
      if (!nudged && !signal.aborted) {
        const cut = new AbortController();
        const onStop = () => cut.abort();
        wake = onStop;
        signal.addEventListener("abort", onStop, { once: true });
        try {
          await sleep(provider.pollIntervalMs, cut.signal);
        } finally {
          wake = null;
          signal.removeEventListener("abort", onStop);
        }
      }
      nudged = false;
    },
    stop: () => void runNudges.off(event, onNudge),
  };
}

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
export async function claimJob(db: DbOrTx, jobId: string, bossJobId: string) {
  return moveHeldJob(
    db,
    jobId,
    bossJobId,
    "claim",
    {
      startedAt: sql`coalesce(${generationJobs.startedAt}, now())`,
      heartbeatAt: sql`now()`,
      attempts: sql`${generationJobs.attempts} + 1`,
    },
    // Taken already: pg-boss delivered the same job twice (it retries what it thinks timed
    // out). Every hand-over clears the heartbeat, so a rightful claim always finds it empty.
    isNull(generationJobs.heartbeatAt),
  );
}

/** Marks the job failed and gives its seconds back, if this worker still holds it. */
async function failJob(
  db: Db,
  job: GenerationJob,
  bossJobId: string,
  message: string,
  appUrl = DEFAULT_APP_URL,
) {
  const failed = await db.transaction(async (tx) => {
    const moved = await moveHeldJob(tx, job.id, bossJobId, "fail", {
      error: message,
      finishedAt: sql`now()`,
      heartbeatAt: null,
    });
    if (!moved) return false;
    await settleReservation(tx, job.id, "release");
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: "generation.failed",
      subjectType: "generation_job",
      subjectId: job.id,
      data: { message, attempts: job.attempts },
    });
    await notifyClipFailed(tx, job, message, appUrl);
    return true;
  });
  // Counted after commit, and only by the worker whose write ended the job.
  if (failed) recordJobFinished(job, "failed");
}

/** Fails a job that has used up its tries (from the stale-job sweep). */
export async function failExhaustedJob(
  db: Db,
  jobId: string,
  bossJobId: string,
  message = `The renderer stopped ${MAX_ATTEMPTS} times while making this clip.`,
  appUrl = DEFAULT_APP_URL,
) {
  const [job] = await db.select().from(generationJobs).where(eq(generationJobs.id, jobId));
  if (!job) return;
  await failJob(db, job, bossJobId, message, appUrl);
}

/** One try of a job on this worker: what every step reads, and the little they write back. */
type Attempt = {
  deps: RunnerDeps;
  /** The job as claimed: `attempts` counts this try. */
  job: GenerationJob;
  bossJobId: string;
  provider: VideoProvider;
  /** The model asked of the provider: the catalog entry's, or the provider's own. */
  model: string;
  /** This try's scratch folder (scratch.ts), removed when it ends. */
  dir: string;
  /** Aborted when the job is cancelled or handed to another worker, or this process stops. */
  stop: AbortController;
  /** The latest progress, sent with each heartbeat. */
  progress: number;
  /** The provider's run, once submitted (or resumed). */
  providerJobId: string | null;
};

/** What this try must make: the frame and length asked, the mark, and what its record says. */
type Asked = {
  width: number;
  height: number;
  durationSeconds: number;
  watermark: string;
  record: SealRequest["record"];
};

/** An accepted output, ready to store. */
type Output = {
  videoPath: string;
  posterPath: string;
  /** What the output check read from the file. */
  probe: ProbeResult;
  /** A remote provider's file as received, kept for licensed masters; null for local renders. */
  originalPath: string | null;
  /** The record sealed into the file. */
  provenance: SignedProvenance;
};

export async function runGenerationJob(deps: RunnerDeps, jobId: string, bossJobId: string) {
  const claimed = await claim(deps, jobId, bossJobId);
  // Cancelled, finished, or handed to another worker since this pg-boss job was sent; or failed
  // for want of its provider.
  if (!claimed) return;
  const attempt: Attempt = {
    deps,
    ...claimed,
    bossJobId,
    dir: path.join(deps.workDir, runnerFolderName(jobId, bossJobId)),
    stop: new AbortController(),
    progress: claimed.job.progress,
    providerJobId: null,
  };
  deps.logger.info({ jobId, attempt: claimed.job.attempts }, "render started");
  const onShutdown = () => attempt.stop.abort();
  deps.shutdown?.addEventListener("abort", onShutdown, { once: true });
  const stopHeartbeat = startHeartbeat(attempt);
  try {
    await mkdir(attempt.dir, { recursive: true });
    const asked = askedOutput(attempt);
    const fetched = await render(attempt, asked);
    const output = await finish(attempt, fetched, asked);
    await store(attempt, output);
  } catch (error) {
    stopHeartbeat();
    await endFailedTry(attempt, error);
  } finally {
    stopHeartbeat();
    deps.shutdown?.removeEventListener("abort", onShutdown);
    await rm(attempt.dir, { recursive: true, force: true });
  }
}

/**
 * Claim: takes the job for this try and finds its provider. Null when the job is no longer this
 * pg-boss job's to run, or when its provider is not configured here (the job then fails).
 */
async function claim(deps: RunnerDeps, jobId: string, bossJobId: string) {
  const job = await claimJob(deps.db, jobId, bossJobId);
  if (!job) return null;
  const provider = deps.providers.get(job.provider);
  if (!provider) {
    await failJob(
      deps.db,
      job,
      bossJobId,
      `The provider "${job.provider}" is not configured.`,
      deps.appUrl,
    );
    return null;
  }
  let model = provider.model;
  if (job.modelId) {
    const [entry] = await deps.db
      .select({ model: generationModels.model, provider: generationModels.provider })
      .from(generationModels)
      .where(eq(generationModels.id, job.modelId));
    if (entry?.provider === provider.id) model = entry.model;
  }
  return { job, provider, model };
}

/**
 * Sends a heartbeat with the progress every `heartbeatMs` while the try runs. A heartbeat that
 * finds the job cancelled or handed to another worker stops the try. Returns the stop switch.
 */
function startHeartbeat(attempt: Attempt) {
  const { db, logger, heartbeatMs } = attempt.deps;
  const beat = async () => {
    const alive = await moveHeldJob(db, attempt.job.id, attempt.bossJobId, "heartbeat", {
      heartbeatAt: sql`now()`,
      progress: attempt.progress,
    });
    if (!alive) attempt.stop.abort();
  };
  const timer = setInterval(() => {
    beat().catch((err: unknown) => logger.warn({ err, jobId: attempt.job.id }, "heartbeat failed"));
  }, heartbeatMs);
  return () => clearInterval(timer);
}

/** The output this try must make, under this try's provider and model. */
function askedOutput(attempt: Attempt): Asked {
  const { job } = attempt;
  const { width, height } = frameSize(job.resolution as Resolution, job.aspectRatio as AspectRatio);
  return {
    width,
    height,
    durationSeconds: job.durationSeconds,
    watermark: watermarkText(job.id),
    record: {
      clipId: job.id,
      accountId: job.userId,
      provider: attempt.provider.id,
      model: attempt.model,
      promptSha256: hashPrompt(job.prompt),
      createdAt: new Date().toISOString(),
    },
  };
}

/**
 * Render: submits the job to its provider (or resumes the run a resumable provider kept going),
 * polls it until it settles, keeping the heartbeat's progress, and fetches the file into the
 * try's folder. Throws Cancelled once the try is stopped, and a ProviderError when the provider
 * fails or cancels the run.
 */
async function render(attempt: Attempt, asked: Asked): Promise<FetchedOutput> {
  const { job, provider, stop } = attempt;
  // A resumable provider keeps working while we are gone: poll the prediction we already paid
  // for instead of starting another.
  attempt.providerJobId = provider.resumable ? job.providerJobId : null;
  if (!attempt.providerJobId) {
    const referenceImagePath = await fetchReferenceImage(attempt);
    ({ providerJobId: attempt.providerJobId } = await provider.submit({
      model: attempt.model,
      referenceImagePath,
      jobId: job.id,
      workDir: attempt.dir,
      prompt: job.prompt,
      durationSeconds: job.durationSeconds,
      resolution: job.resolution as Resolution,
      aspectRatio: job.aspectRatio as AspectRatio,
      style: job.style as StylePreset,
      seed: job.seed,
      watermark: asked.watermark,
    }));
    await recordProviderJob(attempt, attempt.providerJobId);
  }
  const providerJobId = attempt.providerJobId;

  const nudges = watchNudges(provider, providerJobId);
  try {
    for (;;) {
      if (stop.signal.aborted) throw new Cancelled();
      const state = await provider.poll(providerJobId);
      attempt.progress = Math.max(attempt.progress, Math.min(0.99, state.progress));
      if (state.status === "succeeded") break;
      if (state.status === "failed")
        throw new ProviderError(state.error ?? "The provider could not make this clip.", false);
      if (state.status === "canceled")
        throw new ProviderError("The provider cancelled this clip.", false);
      await nudges.wait(stop.signal);
    }
  } finally {
    nudges.stop();
  }

  const fetched = await provider.fetchResult(providerJobId, attempt.dir);
  if (stop.signal.aborted) throw new Cancelled();
  return fetched;
}

/** The job's reference image, fetched into the try's folder; null when it has none. */
async function fetchReferenceImage(attempt: Attempt) {
  const key = attempt.job.referenceImageKey;
  if (!key) return null;
  if (!attempt.provider.takesImage)
    throw new ProviderError("This model cannot start from a reference image.", false);
  const file = path.join(attempt.dir, "reference.png");
  await attempt.deps.storage.download(key, file);
  return file;
}

/**
 * Keeps the provider's run id on the job, so a worker that takes over can resume it. Not a move
 * of the job's state: it is written under this pg-boss job whatever the state has become, and the
 * next write that matters checks it.
 */
async function recordProviderJob(attempt: Attempt, providerJobId: string) {
  await attempt.deps.db
    .update(generationJobs)
    .set({ providerJobId })
    .where(
      and(eq(generationJobs.id, attempt.job.id), eq(generationJobs.bossJobId, attempt.bossJobId)),
    );
}

/**
 * Finish: makes the fetched file the output that was asked, probing it exactly once, then seals
 * it. A finished file (the local renderer's: marked and checked in the same pass) is taken with
 * the provider's check; a remote provider's file is fitted, cut, watermarked and checked by
 * finishProviderOutput, and kept as the original: OutputRejectedError when it cannot become the
 * clip that was asked. Sealing comes last: nothing changes the bytes after it.
 */
async function finish(attempt: Attempt, fetched: FetchedOutput, asked: Asked): Promise<Output> {
  const made = fetched.finished
    ? { videoPath: fetched.videoPath, posterPath: fetched.posterPath, probe: fetched.checked }
    : await finishProviderOutput(fetched.videoPath, attempt.dir, asked);
  const sealed = await sealOutput({
    dir: attempt.dir,
    videoPath: made.videoPath,
    posterPath: made.posterPath,
    record: asked.record,
    watermark: asked.watermark,
    comment: fetched.finished ? "Greenroom stand-in renderer (not the model)" : "Greenroom output",
    keys: attempt.deps.provenance,
  });
  return {
    videoPath: sealed.videoPath,
    posterPath: sealed.posterPath!,
    probe: made.probe,
    originalPath: fetched.finished ? null : fetched.videoPath,
    provenance: sealed.provenance,
  };
}

/**
 * Store: uploads the output (and a remote provider's original), then, if this worker still holds
 * the job, marks it succeeded, adds the clip and charges its seconds in one transaction. If the
 * job was cancelled or handed over meanwhile, the uploads are deleted and nothing else changes.
 */
async function store(attempt: Attempt, output: Output) {
  const { deps, job, provider } = attempt;
  const { size } = await stat(output.videoPath);
  const videoKey = newObjectKey("clips", "mp4");
  const posterKey = newObjectKey("posters", "jpg");
  await deps.storage.putFile(videoKey, output.videoPath, "video/mp4");
  await deps.storage.putFile(posterKey, output.posterPath, "image/jpeg");
  // A remote provider's file as received, before our mark: a licensed watermark-free master is
  // made from it later (the local renderer re-renders instead, so it keeps none).
  let originalKey: string | null = null;
  if (output.originalPath) {
    originalKey = newObjectKey("clips", "mp4");
    await deps.storage.putFile(originalKey, output.originalPath, "video/mp4");
  }

  const stored = await deps.db.transaction(async (tx) => {
    const moved = await moveHeldJob(tx, job.id, attempt.bossJobId, "succeed", {
      progress: 1,
      error: null,
      finishedAt: sql`now()`,
    });
    if (!moved) return false;
    await tx.insert(clips).values({
      id: job.id,
      userId: job.userId,
      videoKey,
      posterKey,
      originalKey,
      sizeBytes: size,
      durationSeconds: output.probe.durationSeconds,
      width: output.probe.width,
      height: output.probe.height,
      frameRate: clipFrameRate(output.probe.frameRate),
      provider: provider.id,
      model: attempt.model,
      provenance: output.provenance,
    });
    await settleReservation(tx, job.id, "commit");
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: "generation.succeeded",
      subjectType: "generation_job",
      subjectId: job.id,
      data: { provider: provider.id, seconds: job.durationSeconds, attempts: job.attempts },
    });
    await notifyClipReady(tx, job, deps.appUrl ?? DEFAULT_APP_URL);
    return true;
  });
  if (stored) recordJobFinished(job, "succeeded");
  else {
    // Cancelled while uploading: nothing refers to these objects.
    await Promise.all(
      [videoKey, posterKey, originalKey].flatMap((key) => (key ? [deps.storage.delete(key)] : [])),
    );
  }
}

/**
 * A try that threw: on shutdown the job is handed back; otherwise the provider's run is stopped
 * unless a retry or another worker can still use it, and the job fails or is retried, unless it
 * was cancelled or handed over meanwhile (then it is someone else's, and nothing is written).
 */
async function endFailedTry(attempt: Attempt, error: unknown) {
  const { deps, job, provider, bossJobId, providerJobId } = attempt;
  const { db, logger } = deps;
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
        logger.warn({ err, jobId: job.id }, "provider cancel failed");
      });
  }
  if (cancelled || handedOver || error instanceof Cancelled || attempt.stop.signal.aborted) return;
  if (!(error instanceof ProviderError || error instanceof MediaError))
    logger.error({ err: error, jobId: job.id }, "generation job failed");
  if (!isTransient(error) || job.attempts >= MAX_ATTEMPTS) {
    await failJob(db, job, bossJobId, readable(error), deps.appUrl);
    return;
  }
  await scheduleRetry(deps, job, bossJobId, error);
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
  const moved = await moveHeldJob(deps.db, job.id, bossJobId, "retry", {
    bossJobId: nextBossJobId,
    heartbeatAt: null,
    dispatchedAt: sql`now() + make_interval(secs => ${backoffMs / 1000})`,
    error: `Try ${job.attempts} of ${MAX_ATTEMPTS} failed: ${readable(error)} Trying again in ${seconds} s.`,
  });
  if (!moved) return;
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
  await moveHeldJob(deps.db, job.id, bossJobId, "hand_back", {
    heartbeatAt: null,
    dispatchedAt: sql`'epoch'`,
    attempts: sql`greatest(${generationJobs.attempts} - 1, 0)`,
  });
}
