import { and, desc, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import { jobTransition } from "~/lib/generation";
import { can } from "~/lib/permissions";
import {
  accessSettings,
  clips,
  generationJobs,
  submissions,
  submissionVersions,
  type Clip,
  type GenerationJob,
} from "~db/schema";
import { recordAudit, type Actor } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db, DbOrTx } from "../db";
import { UserError } from "../errors";
import { decodeTimeCursor, encodeTimeCursor, type TimeCursor } from "../pagination";
import { moveLockedJob, statusAllows, type JobChanges } from "./job-states";
import { estimateQueue, queueState, type JobEstimate, type QueueState } from "./eta";
import type { ProviderCapabilities } from "./providers/provider";
import { generationRequest, queueGeneration, quotaUsage, settleReservation } from "./quota";

// What the studio reads and the artist's own actions on jobs and clips. Every function takes the
// artist and only ever touches their rows: another artist's job or clip is "not found".

export const OUTPUTS_PAGE_SIZE = 24;
const NOT_FOUND = "There is no such clip.";

export type StudioJob = Pick<
  GenerationJob,
  | "id"
  | "status"
  | "prompt"
  | "durationSeconds"
  | "resolution"
  | "aspectRatio"
  | "style"
  | "seed"
  | "progress"
  | "error"
  | "createdAt"
  | "startedAt"
  | "finishedAt"
> & {
  /** 1 = next to start, for queued jobs. */
  position: number | null;
  /** The estimate for unfinished jobs (eta.ts): absolute times in ms, so the page counts down. */
  eta: {
    startAt: number | null;
    readyAt: number;
    readyLow: number;
    readyHigh: number;
    range: boolean;
  } | null;
};

/** How long finished, failed and cancelled jobs stay in the Jobs panel unless dismissed. */
export const RECENT_JOBS_HOURS = 24;

/**
 * The studio's Jobs panel: the artist's unfinished jobs with their place and estimate, and the
 * last day's finished, failed and cancelled jobs they have not dismissed, newest first. What the
 * page loads and what the live stream sends are this same value.
 */
export async function studioJobs(
  db: Db,
  artistId: string,
  concurrency: Record<string, number>,
  options: { queue?: QueueState } = {},
): Promise<StudioJob[]> {
  const recent = sql`${generationJobs.finishedAt} > now() - make_interval(hours => ${RECENT_JOBS_HOURS})
    AND ${generationJobs.dismissedAt} IS NULL`;
  const [unsettled, succeeded] = await Promise.all([
    db
      .select()
      .from(generationJobs)
      .where(
        and(
          eq(generationJobs.userId, artistId),
          // Names the partial index of an artist's unsettled jobs: without it the planner
          // combined the artist's jobs with every failed job in the program.
          inArray(generationJobs.status, ["queued", "running", "failed", "canceled"]),
          or(
            inArray(generationJobs.status, ["queued", "running"]),
            and(inArray(generationJobs.status, ["failed", "canceled"]), recent),
          ),
        ),
      )
      .orderBy(desc(generationJobs.createdAt))
      .limit(50),
    // Succeeded jobs number in the hundreds per artist: only the last day's, by creation time.
    db
      .select()
      .from(generationJobs)
      .where(
        and(
          eq(generationJobs.userId, artistId),
          sql`${generationJobs.createdAt} > now() - make_interval(hours => ${RECENT_JOBS_HOURS * 2})`,
          eq(generationJobs.status, "succeeded"),
          recent,
        ),
      )
      .orderBy(desc(generationJobs.createdAt))
      .limit(20),
  ]);
  const jobs = [...unsettled, ...succeeded].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
  );
  const active = jobs.some((j) => j.status === "queued" || j.status === "running");
  const estimates = active
    ? estimateQueue(options.queue ?? (await queueState(db, concurrency)))
    : new Map<string, JobEstimate>();
  return jobs.map((job) => {
    const e = estimates.get(job.id);
    return {
      id: job.id,
      status: job.status,
      prompt: job.prompt,
      durationSeconds: job.durationSeconds,
      resolution: job.resolution,
      aspectRatio: job.aspectRatio,
      style: job.style,
      seed: job.seed,
      progress: job.progress,
      error: job.error,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      position: job.status === "queued" ? (e?.position ?? null) : null,
      eta:
        e && (job.status === "queued" || job.status === "running")
          ? {
              startAt: e.startAt,
              readyAt: e.readyAt,
              readyLow: e.readyLow,
              readyHigh: e.readyHigh,
              range: e.range,
            }
          : null,
    };
  });
}

export async function loadStudio(
  db: Db,
  artist: SessionUser,
  options: { concurrency: Record<string, number>; before?: OutputsCursor | null },
) {
  assertCan(artist, "studio:use");
  const [settings] = await db
    .select()
    .from(accessSettings)
    .where(eq(accessSettings.userId, artist.id));
  const usage = await quotaUsage(db, artist.id, settings?.monthlyQuotaSeconds ?? 0);
  const jobs = await studioJobs(db, artist.id, options.concurrency);
  const outputs = await listOutputs(db, artist.id, options.before ?? null);
  return { settings: settings ?? null, usage, jobs, ...outputs };
}

/** The artist's clips, newest first, in keyset pages. */
export async function listOutputs(db: Db, userId: string, before: OutputsCursor | null) {
  const rows = await db
    .select({
      id: clips.id,
      createdAt: clips.createdAt,
      // The cursor keeps PostgreSQL's own text of the time: microseconds survive the round trip.
      cursorAt: sql<string>`${clips.createdAt}::text`,
      durationSeconds: clips.durationSeconds,
      width: clips.width,
      height: clips.height,
      prompt: generationJobs.prompt,
      style: generationJobs.style,
    })
    .from(clips)
    .innerJoin(generationJobs, eq(generationJobs.id, clips.id))
    .where(
      and(
        eq(clips.userId, userId),
        isNull(clips.deletedAt),
        before
          ? sql`(${clips.createdAt}, ${clips.id}) < (${before.at}::timestamptz, ${before.id})`
          : undefined,
      ),
    )
    .orderBy(desc(clips.createdAt), desc(clips.id))
    .limit(OUTPUTS_PAGE_SIZE + 1);
  const hasMore = rows.length > OUTPUTS_PAGE_SIZE;
  const page = rows.slice(0, OUTPUTS_PAGE_SIZE).map(({ cursorAt: _, ...row }) => row);
  const last = rows[OUTPUTS_PAGE_SIZE - 1];
  return {
    outputs: page,
    nextCursor: hasMore && last ? encodeTimeCursor(last.cursorAt, last.id) : null,
  };
}

export type OutputsCursor = TimeCursor;

/** A cursor from the address bar; anything malformed means the first page. */
export const decodeOutputsCursor = decodeTimeCursor;

/** What a cancel writes besides the status: the job is over and no worker holds it. */
const CANCELED = { finishedAt: sql`now()`, heartbeatAt: null } satisfies JobChanges;

/**
 * Cancels a waiting or running job and gives its seconds back, once. A running render notices at
 * its next heartbeat and stops.
 */
export async function cancelJob(db: Db, artist: ActingUser, jobId: string) {
  assertCan(artist, "studio:use");
  return db.transaction(async (tx) => {
    const [job] = await tx
      .select({ status: generationJobs.status })
      .from(generationJobs)
      .where(and(eq(generationJobs.id, jobId), eq(generationJobs.userId, artist.id)))
      .for("update");
    if (!job) throw new UserError("There is no such job.", 404);
    const cancel = jobTransition(job.status, "cancel");
    if (!cancel.ok) throw new UserError(cancel.reason, 409);
    await moveLockedJob(tx, { id: jobId, status: job.status }, "cancel", CANCELED);
    await settleReservation(tx, jobId, "release");
    await recordAudit(tx, auditActor(artist), {
      action: "generation.canceled",
      subjectType: "generation_job",
      subjectId: jobId,
      data: { was: job.status },
    });
  });
}

/**
 * Cancels every waiting or running job of an account, giving each one's seconds back, inside the
 * caller's transaction (a suspension). The same steps as cancelJob, for all of them at once: the
 * rows are locked first, so a worker finishing one of them either committed before (it is no
 * longer running and keeps its clip) or finds it cancelled and stores nothing.
 */
export async function cancelUnfinishedJobs(
  tx: DbOrTx,
  userId: string,
  actor: Actor,
  why: string,
): Promise<number> {
  const jobs = await tx
    .select({ id: generationJobs.id, status: generationJobs.status })
    .from(generationJobs)
    .where(and(eq(generationJobs.userId, userId), statusAllows("cancel")))
    .orderBy(generationJobs.id)
    .for("update");
  for (const job of jobs) {
    await moveLockedJob(tx, job, "cancel", CANCELED);
    await settleReservation(tx, job.id, "release");
    await recordAudit(tx, actor, {
      action: "generation.canceled",
      subjectType: "generation_job",
      subjectId: job.id,
      data: { was: job.status, why },
    });
  }
  return jobs.length;
}

export type ClipDetail = Clip & { job: GenerationJob };

/** One of the artist's own clips with the job that made it; deleted clips are gone. */
export async function getOwnClip(db: Db, artist: SessionUser, clipId: string): Promise<ClipDetail> {
  assertCan(artist, "studio:use");
  const [row] = await db
    .select({ clip: clips, job: generationJobs })
    .from(clips)
    .innerJoin(generationJobs, eq(generationJobs.id, clips.id))
    .where(and(eq(clips.id, clipId), eq(clips.userId, artist.id), isNull(clips.deletedAt)));
  if (!row) throw new UserError(NOT_FOUND, 404);
  return { ...row.clip, job: row.job };
}

/** Soft delete: the clip leaves the studio; the row and the files stay for the audit trail. */
export async function deleteClip(db: Db, artist: ActingUser, clipId: string) {
  assertCan(artist, "studio:use");
  await db.transaction(async (tx) => {
    // Ownership first, so someone else's clip is "not found" whatever its state; the lock makes
    // a submit of this clip (which takes a share lock on it) wait, or see it deleted.
    const [own] = await tx
      .select({ id: clips.id })
      .from(clips)
      .where(and(eq(clips.id, clipId), eq(clips.userId, artist.id), isNull(clips.deletedAt)))
      .for("update");
    if (!own) throw new UserError(NOT_FOUND, 404);
    // A clip reviewers are looking at, or one that was approved, stays: the review's history
    // and any license point at it.
    const [inUse] = await tx
      .select({ id: submissionVersions.id })
      .from(submissionVersions)
      .innerJoin(submissions, eq(submissions.id, submissionVersions.submissionId))
      .where(
        and(
          eq(submissionVersions.clipId, clipId),
          inArray(submissions.state, ["pending", "in_review", "approved"]),
        ),
      )
      .limit(1);
    if (inUse)
      throw new UserError(
        "This clip is part of a submission that is waiting or approved. Withdraw the submission first.",
        409,
        "delete",
      );
    const updated = await tx
      .update(clips)
      .set({ deletedAt: sql`now()`, deletedBy: artist.id })
      .where(and(eq(clips.id, clipId), eq(clips.userId, artist.id), isNull(clips.deletedAt)))
      .returning({ id: clips.id });
    if (updated.length === 0) throw new UserError(NOT_FOUND, 404);
    await recordAudit(tx, auditActor(artist), {
      action: "clip.deleted",
      subjectType: "clip",
      subjectId: clipId,
    });
  });
}

/**
 * The clip whose media `user` may fetch: its owner; reviewers and admins only once it is a version
 * of a submission the artist has not withdrawn. Anything else is "not found", so a clip's
 * existence is never revealed.
 */
export async function clipForMedia(db: Db, user: SessionUser, clipId: string) {
  const [clip] = await db
    .select()
    .from(clips)
    .where(and(eq(clips.id, clipId), isNull(clips.deletedAt)));
  if (!clip) throw new UserError(NOT_FOUND, 404);
  if (clip.userId === user.id) return clip;
  if (!can(user.role, "review:work")) throw new UserError(NOT_FOUND, 404);
  const [submitted] = await db
    .select({ id: submissionVersions.id })
    .from(submissionVersions)
    .innerJoin(submissions, eq(submissions.id, submissionVersions.submissionId))
    .where(and(eq(submissionVersions.clipId, clipId), ne(submissions.state, "withdrawn")))
    .limit(1);
  if (!submitted) throw new UserError(NOT_FOUND, 404);
  return clip;
}

/**
 * Clears a finished, failed or cancelled job from the Jobs panel. The job, its clip and its
 * history stay; an unfinished job cannot be dismissed (cancel it instead).
 */
export async function dismissJob(db: Db, artist: ActingUser, jobId: string) {
  assertCan(artist, "studio:use");
  const [job] = await db
    .select({ status: generationJobs.status, dismissedAt: generationJobs.dismissedAt })
    .from(generationJobs)
    .where(and(eq(generationJobs.id, jobId), eq(generationJobs.userId, artist.id)));
  if (!job) throw new UserError("There is no such job.", 404);
  if (job.status === "queued" || job.status === "running")
    throw new UserError("This job has not finished yet: cancel it instead.", 409);
  await db
    .update(generationJobs)
    .set({ dismissedAt: sql`coalesce(${generationJobs.dismissedAt}, now())` })
    .where(and(eq(generationJobs.id, jobId), eq(generationJobs.userId, artist.id)));
}

/**
 * "Try again": queues a failed or cancelled job's exact settings (its seed too) as a new job,
 * with the same checks as the form, and clears the old one from the panel.
 */
export async function retryJob(
  db: Db,
  artist: ActingUser,
  jobId: string,
  provider: { id: string; capabilities?: ProviderCapabilities },
) {
  assertCan(artist, "studio:use");
  const [job] = await db
    .select()
    .from(generationJobs)
    .where(and(eq(generationJobs.id, jobId), eq(generationJobs.userId, artist.id)));
  if (!job) throw new UserError("There is no such job.", 404);
  if (job.status !== "failed" && job.status !== "canceled")
    throw new UserError("Only a failed or cancelled job can be tried again.", 409);
  const input = generationRequest.parse({
    prompt: job.prompt,
    durationSeconds: job.durationSeconds,
    resolution: job.resolution,
    aspectRatio: job.aspectRatio,
    style: job.style,
    seed: job.seed,
  });
  const queued = await queueGeneration(db, artist, input, provider);
  await dismissJob(db, artist, jobId);
  return queued;
}
