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
import { selectRows, type Db, type DbOrTx } from "../db";
import { UserError } from "../errors";
import { decodeTimeCursor, encodeTimeCursor, type TimeCursor } from "../pagination";
import { moveLockedJob, statusAllows, type JobChanges } from "./job-states";
import { quotaUsage, settleReservation } from "./quota";

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
  | "progress"
  | "error"
  | "createdAt"
  | "startedAt"
  | "finishedAt"
> & {
  /** 1 = next to start, for queued jobs. */
  position: number | null;
  /** Seconds until the clip should be ready, from recent render times; null when unknown. */
  etaSeconds: number | null;
};

/** Seconds of rendering per second of clip, from the provider's last 20 successes. */
async function renderRate(db: Db, provider: string) {
  const [row] = await selectRows<{ rate: number | null }>(
    db,
    sql`SELECT avg(extract(epoch FROM finished_at - started_at) / duration_seconds)::float8 AS rate
        FROM (SELECT finished_at, started_at, duration_seconds FROM generation_jobs
              WHERE provider = ${provider} AND status = 'succeeded' AND started_at IS NOT NULL
              ORDER BY finished_at DESC LIMIT 20) recent`,
  );
  return row?.rate ?? null;
}

/**
 * Where each of the artist's waiting jobs stands. Fair share serves artists in turns, so a job's
 * place is its turn (its rank among its artist's waiting jobs), then its age, among every waiting
 * job of the same provider.
 */
async function queuePositions(db: Db, userId: string) {
  const rows = await selectRows<{ id: string; position: number; provider: string }>(
    db,
    sql`WITH waiting AS (
          SELECT id, user_id, provider, created_at,
                 row_number() OVER (PARTITION BY user_id, provider ORDER BY created_at, id) AS turn
          FROM generation_jobs WHERE status = 'queued'
        )
        SELECT id, provider, position::int FROM (
          SELECT id, user_id, provider,
                 row_number() OVER (PARTITION BY provider ORDER BY turn, created_at, id) AS position
          FROM waiting
        ) ranked
        WHERE user_id = ${userId}`,
  );
  return new Map(rows.map((r) => [r.id, r.position]));
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

  // Unfinished jobs, and the last day's failures and cancels so their reasons stay visible.
  const jobs = await db
    .select()
    .from(generationJobs)
    .where(
      and(
        eq(generationJobs.userId, artist.id),
        // Names the partial index of an artist's unsettled jobs: without it the planner combined
        // the artist's jobs with every failed job in the program (18 ms at scale, now 0.1 ms).
        inArray(generationJobs.status, ["queued", "running", "failed", "canceled"]),
        or(
          inArray(generationJobs.status, ["queued", "running"]),
          and(
            inArray(generationJobs.status, ["failed", "canceled"]),
            sql`${generationJobs.finishedAt} > now() - interval '1 day'`,
          ),
        ),
      ),
    )
    .orderBy(desc(generationJobs.createdAt))
    .limit(50);

  const waiting = jobs.filter((j) => j.status === "queued" || j.status === "running");
  const positions = waiting.some((j) => j.status === "queued")
    ? await queuePositions(db, artist.id)
    : new Map<string, number>();
  const rates = new Map<string, number | null>();
  for (const provider of new Set(waiting.map((j) => j.provider))) {
    rates.set(provider, await renderRate(db, provider));
  }
  const studioJobs: StudioJob[] = jobs.map((job) => {
    const rate = rates.get(job.provider) ?? null;
    const position = positions.get(job.id) ?? null;
    let etaSeconds: number | null = null;
    if (rate !== null && job.status === "running") {
      etaSeconds = Math.max(1, Math.round(rate * job.durationSeconds * (1 - job.progress)));
    } else if (rate !== null && job.status === "queued" && position !== null) {
      // Rounds of `concurrency` renders ahead of it, each about as long as this one.
      const slots = options.concurrency[job.provider] ?? 1;
      const each = rate * job.durationSeconds;
      etaSeconds = Math.round(Math.ceil(position / slots) * each + each);
    }
    return {
      id: job.id,
      status: job.status,
      prompt: job.prompt,
      durationSeconds: job.durationSeconds,
      resolution: job.resolution,
      aspectRatio: job.aspectRatio,
      style: job.style,
      progress: job.progress,
      error: job.error,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      position,
      etaSeconds,
    };
  });

  const outputs = await listOutputs(db, artist.id, options.before ?? null);
  return { settings: settings ?? null, usage, jobs: studioJobs, ...outputs };
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
