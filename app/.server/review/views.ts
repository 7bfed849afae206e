import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { annotationSchema } from "~/lib/annotation-schema";
import type { Annotation } from "~/lib/annotations";
import type { SubmissionState, TimelineEvent } from "~/lib/review";
import {
  auditLog,
  clips,
  generationJobs,
  reviewComments,
  reviewDecisions,
  reviewReplies,
  submissions,
  submissionVersions,
  users,
} from "~db/schema";
import { assertCan } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db } from "../db";
import type { FiguresCache } from "../figures-cache";
import { UserError } from "../errors";
import { encodeTimeCursor, requireTimeCursor } from "../pagination";
import { assertReviewer } from "./queue";

// What the artist and the reviewers read about one submission: the same history, cut to what
// each may see. Artists see only their own; reviewers never see withdrawn ones.

const NOT_FOUND = "There is no such submission.";
export const SUBMISSIONS_PAGE_SIZE = 20;

const author = alias(users, "author");
const resolver = alias(users, "resolver");

/** A stored drawing as the player takes it; one that no longer parses is left out, not drawn. */
function storedAnnotation(value: unknown): Annotation | null {
  if (value === null || value === undefined) return null;
  const parsed = annotationSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

async function submissionDetail(db: Db, where: ReturnType<typeof and>) {
  const [submission] = await db
    .select({
      id: submissions.id,
      userId: submissions.userId,
      title: submissions.title,
      description: submissions.description,
      intendedUse: submissions.intendedUse,
      channels: submissions.channels,
      state: submissions.state,
      currentVersion: submissions.currentVersion,
      approvalsNeeded: submissions.approvalsNeeded,
      revision: submissions.revision,
      claimedBy: submissions.claimedBy,
      claimExpiresAt: submissions.claimExpiresAt,
      claimReleasedFrom: submissions.claimReleasedFrom,
      claimReleasedBy: submissions.claimReleasedBy,
      claimReleasedAt: submissions.claimReleasedAt,
      submittedAt: submissions.submittedAt,
      decidedAt: submissions.decidedAt,
      createdAt: submissions.createdAt,
      artistName: users.displayName,
      artistEmail: users.email,
      artistSuspended: sql<boolean>`${users.status} = 'suspended'`,
    })
    .from(submissions)
    .innerJoin(users, eq(users.id, submissions.userId))
    .where(where);
  if (!submission) throw new UserError(NOT_FOUND, 404);

  const [versions, decisions, comments, replies, audits, claimHolder, releaser] = await Promise.all(
    [
      db
        .select({
          number: submissionVersions.number,
          clipId: submissionVersions.clipId,
          note: submissionVersions.note,
          createdAt: submissionVersions.createdAt,
          decidedAt: submissionVersions.decidedAt,
          durationSeconds: clips.durationSeconds,
          width: clips.width,
          height: clips.height,
          frameRate: clips.frameRate,
          clipDeleted: sql<boolean>`${clips.deletedAt} is not null`,
          prompt: generationJobs.prompt,
        })
        .from(submissionVersions)
        .innerJoin(clips, eq(clips.id, submissionVersions.clipId))
        .innerJoin(generationJobs, eq(generationJobs.id, clips.id))
        .where(eq(submissionVersions.submissionId, submission.id))
        .orderBy(asc(submissionVersions.number)),
      db
        .select({
          id: reviewDecisions.id,
          version: reviewDecisions.versionNumber,
          decision: reviewDecisions.decision,
          reasonCategory: reviewDecisions.reasonCategory,
          note: reviewDecisions.note,
          checklist: reviewDecisions.checklist,
          createdAt: reviewDecisions.createdAt,
          reviewerId: reviewDecisions.reviewerId,
          reviewerName: author.displayName,
          reviewerEmail: author.email,
        })
        .from(reviewDecisions)
        .innerJoin(author, eq(author.id, reviewDecisions.reviewerId))
        .where(eq(reviewDecisions.submissionId, submission.id))
        .orderBy(asc(reviewDecisions.createdAt), asc(reviewDecisions.id)),
      db
        .select({
          id: reviewComments.id,
          version: reviewComments.versionNumber,
          frame: reviewComments.frame,
          endFrame: reviewComments.endFrame,
          annotation: reviewComments.annotation,
          body: reviewComments.body,
          createdAt: reviewComments.createdAt,
          authorName: author.displayName,
          authorEmail: author.email,
          resolvedAt: reviewComments.resolvedAt,
          resolverId: reviewComments.resolvedBy,
          resolverName: resolver.displayName,
        })
        .from(reviewComments)
        .innerJoin(author, eq(author.id, reviewComments.authorId))
        .leftJoin(resolver, eq(resolver.id, reviewComments.resolvedBy))
        .where(eq(reviewComments.submissionId, submission.id))
        .orderBy(
          asc(reviewComments.versionNumber),
          asc(reviewComments.frame),
          asc(reviewComments.id),
        ),
      db
        .select({
          id: reviewReplies.id,
          commentId: reviewReplies.commentId,
          body: reviewReplies.body,
          createdAt: reviewReplies.createdAt,
          authorId: reviewReplies.authorId,
          authorName: author.displayName,
        })
        .from(reviewReplies)
        .innerJoin(reviewComments, eq(reviewComments.id, reviewReplies.commentId))
        .innerJoin(author, eq(author.id, reviewReplies.authorId))
        .where(eq(reviewComments.submissionId, submission.id))
        .orderBy(asc(reviewReplies.createdAt), asc(reviewReplies.id)),
      // Claims and withdrawals leave no row of their own; the audit log has them.
      db
        .select({
          action: auditLog.action,
          createdAt: auditLog.createdAt,
          data: auditLog.data,
          actorName: author.displayName,
          actorEmail: author.email,
        })
        .from(auditLog)
        .leftJoin(author, eq(author.id, auditLog.actorId))
        .where(
          and(
            eq(auditLog.subjectType, "submission"),
            eq(auditLog.subjectId, submission.id),
            inArray(auditLog.action, ["submission.claimed", "submission.withdrawn"]),
          ),
        )
        .orderBy(asc(auditLog.createdAt), asc(auditLog.id)),
      submission.claimedBy
        ? db
            .select({ name: users.displayName, email: users.email })
            .from(users)
            .where(eq(users.id, submission.claimedBy))
        : Promise.resolve([]),
      submission.claimReleasedBy
        ? db
            .select({ name: users.displayName, email: users.email })
            .from(users)
            .where(eq(users.id, submission.claimReleasedBy))
        : Promise.resolve([]),
    ],
  );

  const nameOf = (name: string | null, email: string | null) => name || email || null;
  // Artists read these: a reviewer without a display name is never shown by email address.
  const reviewerName = (name: string | null) => name || "A reviewer";
  const timeline: TimelineEvent[] = [];
  for (const v of versions)
    timeline.push({
      at: v.createdAt,
      kind: v.number === 1 ? "submitted" : "resubmitted",
      version: v.number,
      by: nameOf(submission.artistName, submission.artistEmail),
      note: v.note,
    });
  // A version's approvals, in order, tell which one was the first of two.
  const approvalsSeen = new Map<number, number>();
  for (const d of decisions) {
    let kind: TimelineEvent["kind"] =
      d.decision === "approve"
        ? "approved"
        : d.decision === "reject"
          ? "rejected"
          : "changes_requested";
    if (d.decision === "approve") {
      const n = (approvalsSeen.get(d.version) ?? 0) + 1;
      approvalsSeen.set(d.version, n);
      if (n < submission.approvalsNeeded) kind = "first_approval";
    }
    timeline.push({
      at: d.createdAt,
      kind,
      version: d.version,
      by: reviewerName(d.reviewerName),
      reasonCategory: d.reasonCategory,
      note: d.note,
      checklist: d.checklist,
    });
  }
  let version = 1;
  for (const a of audits) {
    // The version an audit entry belongs to: the latest one created before it.
    version = versions.filter((v) => v.createdAt <= a.createdAt).at(-1)?.number ?? version;
    timeline.push({
      at: a.createdAt,
      kind: a.action === "submission.claimed" ? "claimed" : "withdrawn",
      version,
      by:
        a.action === "submission.withdrawn"
          ? nameOf(submission.artistName, submission.artistEmail)
          : reviewerName(a.actorName),
    });
  }
  timeline.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());

  const artist = nameOf(submission.artistName, submission.artistEmail)!;
  const currentApprovals = decisions.filter(
    (d) => d.version === submission.currentVersion && d.decision === "approve",
  );
  return {
    submission: {
      ...submission,
      artist,
      approvals: currentApprovals.length,
      approvedBy: currentApprovals.map((d) => d.reviewerId),
      claimHolder: claimHolder[0] ? nameOf(claimHolder[0].name, claimHolder[0].email) : null,
      claimReleaser: releaser[0] ? nameOf(releaser[0].name, releaser[0].email) : null,
    },
    versions,
    decisions: decisions.map(({ reviewerEmail: _, ...d }) => ({
      ...d,
      reviewer: reviewerName(d.reviewerName),
    })),
    comments: comments.map(({ authorEmail: _, authorName, resolverId, resolverName, ...c }) => ({
      ...c,
      annotation: storedAnnotation(c.annotation),
      author: reviewerName(authorName),
      resolvedBy: resolverId
        ? resolverId === submission.userId
          ? artist
          : reviewerName(resolverName)
        : null,
      replies: replies
        .filter((r) => r.commentId === c.id)
        .map(({ authorId, authorName: replier, commentId: _comment, ...r }) => ({
          ...r,
          byArtist: authorId === submission.userId,
          author: authorId === submission.userId ? artist : reviewerName(replier),
        })),
    })),
    timeline,
  };
}

export type SubmissionDetail = Awaited<ReturnType<typeof submissionDetail>>;

/**
 * What the artist is told about the state: "in review" only while a reviewer holds the item. A
 * claim that ran out (nobody looking) reads as waiting, as the queue treats it.
 */
const artistState = sql<SubmissionState>`(case when ${submissions.state} = 'in_review' and not coalesce(${submissions.claimExpiresAt} > now(), false) then 'pending' else ${submissions.state}::text end)`;

/** The artist's own submission, whole. Someone else's is "not found". */
export async function loadOwnSubmission(db: Db, artist: SessionUser, submissionId: string) {
  assertCan(artist, "studio:use");
  const detail = await submissionDetail(
    db,
    and(eq(submissions.id, submissionId), eq(submissions.userId, artist.id)),
  );
  const s = detail.submission;
  const held = s.claimExpiresAt !== null && s.claimExpiresAt > new Date();
  if (s.state === "in_review" && !held) s.state = "pending";
  return detail;
}

/** A submission as a reviewer sees it: anything submitted and not withdrawn. */
export async function loadSubmissionForReview(db: Db, reviewer: SessionUser, submissionId: string) {
  assertReviewer(reviewer);
  const detail = await submissionDetail(db, eq(submissions.id, submissionId));
  if (detail.submission.state === "withdrawn") throw new UserError(NOT_FOUND, 404);
  return detail;
}

/** The artist's submissions, newest first, with keyset pages. */
export async function listOwnSubmissions(
  db: Db,
  artist: SessionUser,
  options: { after?: string | null; state?: SubmissionState },
) {
  assertCan(artist, "studio:use");
  const after = requireTimeCursor(options.after);
  const rows = await db
    .select({
      id: submissions.id,
      title: submissions.title,
      intendedUse: submissions.intendedUse,
      state: artistState,
      currentVersion: submissions.currentVersion,
      approvalsNeeded: submissions.approvalsNeeded,
      submittedAt: submissions.submittedAt,
      decidedAt: submissions.decidedAt,
      createdAt: submissions.createdAt,
      cursorAt: sql<string>`${submissions.createdAt}::text`,
      clipId: submissionVersions.clipId,
      approvals: sql<number>`(select count(*)::int from ${reviewDecisions} where ${reviewDecisions.submissionId} = ${submissions.id} and ${reviewDecisions.versionNumber} = ${submissions.currentVersion} and ${reviewDecisions.decision} = 'approve')`,
    })
    .from(submissions)
    .innerJoin(
      submissionVersions,
      and(
        eq(submissionVersions.submissionId, submissions.id),
        eq(submissionVersions.number, submissions.currentVersion),
      ),
    )
    .where(
      and(
        eq(submissions.userId, artist.id),
        options.state ? sql`${artistState} = ${options.state}` : undefined,
        after
          ? sql`(${submissions.createdAt}, ${submissions.id}) < (${after.at}::timestamptz, ${after.id})`
          : undefined,
      ),
    )
    .orderBy(desc(submissions.createdAt), desc(submissions.id))
    .limit(SUBMISSIONS_PAGE_SIZE + 1);
  const hasMore = rows.length > SUBMISSIONS_PAGE_SIZE;
  const page = rows.slice(0, SUBMISSIONS_PAGE_SIZE);
  const last = page.at(-1);
  return {
    submissions: page.map(({ cursorAt: _, ...row }) => row),
    nextCursor: hasMore && last ? encodeTimeCursor(last.cursorAt, last.id) : null,
  };
}

/** The artist's submissions that include a clip (for the clip's page). */
export async function submissionsOfClip(db: Db, artist: SessionUser, clipId: string) {
  assertCan(artist, "studio:use");
  return db
    .selectDistinct({
      id: submissions.id,
      title: submissions.title,
      state: artistState,
      createdAt: submissions.createdAt,
    })
    .from(submissions)
    .innerJoin(submissionVersions, eq(submissionVersions.submissionId, submissions.id))
    .where(and(eq(submissions.userId, artist.id), eq(submissionVersions.clipId, clipId)))
    .orderBy(desc(submissions.createdAt));
}

/** The artist's clips to choose from when resubmitting, newest first. */
export async function clipChoices(db: Db, artist: SessionUser) {
  assertCan(artist, "studio:use");
  return db
    .select({ id: clips.id, createdAt: clips.createdAt, prompt: generationJobs.prompt })
    .from(clips)
    .innerJoin(generationJobs, eq(generationJobs.id, clips.id))
    .where(and(eq(clips.userId, artist.id), isNull(clips.deletedAt)))
    .orderBy(desc(clips.createdAt))
    .limit(100);
}

/**
 * The published review times as this process last computed them (at most a minute old): every
 * artist's submissions pages show them, and over a large program they aggregate thousands of
 * decided versions.
 */
export async function publishedReviewTimes(db: Db, figures: FiguresCache) {
  const { value } = await figures.get("review-times", () => reviewTimes(db, new Date()));
  return value;
}

/**
 * The published review times: from a version entering the queue to its final decision, over the
 * versions decided in the 30 days before `now`. Everyone sees the same figures.
 */
export async function reviewTimes(db: Db, now: Date) {
  const since = new Date(now.getTime() - 30 * 24 * 3_600_000);
  const hours = sql`extract(epoch from (${submissionVersions.decidedAt} - ${submissionVersions.createdAt})) / 3600.0`;
  const [row] = await db
    .select({
      decided: sql<number>`count(*)::int`,
      medianHours: sql<number | null>`percentile_cont(0.5) within group (order by ${hours})`,
      p90Hours: sql<number | null>`percentile_cont(0.9) within group (order by ${hours})`,
    })
    .from(submissionVersions)
    .where(
      and(
        isNotNull(submissionVersions.decidedAt),
        gte(submissionVersions.decidedAt, since),
        sql`${submissionVersions.decidedAt} <= ${now.toISOString()}::timestamptz`,
      ),
    );
  return {
    decided: Number(row?.decided ?? 0),
    medianHours: row?.medianHours == null ? null : Number(row.medianHours),
    p90Hours: row?.p90Hours == null ? null : Number(row.p90Hours),
  };
}

/** The versions as both review pages show them, each with its clip and its comment threads. */
export function versionsForPage(detail: SubmissionDetail) {
  return detail.versions.map((v) => ({
    number: v.number,
    clipId: v.clipId,
    clipDeleted: v.clipDeleted,
    note: v.note,
    createdAt: v.createdAt,
    prompt: v.prompt,
    durationSeconds: v.durationSeconds,
    width: v.width,
    height: v.height,
    frameRate: v.frameRate,
    comments: detail.comments.filter((c) => c.version === v.number),
  }));
}

/** The versions a compare page asks for: ?b= (the later) against ?a= (an earlier one). */
export const compareQuery = z.object({
  a: z.coerce.number().int().positive().max(10_000).optional().catch(undefined),
  b: z.coerce.number().int().positive().max(10_000).optional().catch(undefined),
});

/**
 * Which two versions to compare: `b` (the latest unless asked) against `a` (the one before `b`
 * unless asked). An address naming versions that do not exist, or `a` not earlier than `b`, falls
 * back to those defaults; a submission with one version has nothing to compare (earlier: null).
 */
export function pickComparison<V extends { number: number }>(
  versions: V[],
  query: z.infer<typeof compareQuery>,
) {
  const sorted = [...versions].sort((x, y) => x.number - y.number);
  const later =
    sorted.find((v) => v.number === query.b && v.number !== sorted[0]!.number) ?? sorted.at(-1)!;
  const before = sorted.filter((v) => v.number < later.number);
  const earlier = before.find((v) => v.number === query.a) ?? before.at(-1) ?? null;
  return { earlier, later, choices: sorted.map((v) => v.number) };
}
