import { and, asc, eq, inArray, isNotNull, isNull, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import { parseAnnotationField } from "~/lib/annotation-schema";
import type { Annotation } from "~/lib/annotations";
import { can } from "~/lib/permissions";
import { clipRate, commentTimecode } from "~/lib/review";
import { formatTimecode, lastFrameOf } from "~/lib/timecode";
import {
  clips,
  reviewComments,
  reviewReplies,
  submissions,
  submissionVersions,
  users,
  type Submission,
} from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { auditActor, type ActingUser } from "../auth/guards";
import type { Db, Tx } from "../db";
import { ForbiddenError, UserError } from "../errors";
import { notify } from "../notifications/notify";
import { assertReviewer } from "./queue";
import { claimRefusal, lock } from "./reviewing";

// Comments at a frame or a range, with drawn notes, and the threads under them. A comment is the
// review itself: only the reviewer holding the claim writes one. A thread is a conversation: the
// artist and any reviewer may answer it, resolve it and reopen it, claim or not (ADR 0019).

/** An emptied field is "not given", not 0. */
const blankIsMissing = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

// No clip is longer than a day at 1000 fps: a bound that keeps the number an integer column holds.
const MAX_FRAME = 86_400_000;

const frameField = (missing: string) =>
  z.preprocess(
    blankIsMissing,
    z.coerce
      .number({ error: missing })
      .int("Pick a whole frame.")
      .min(0, "Pick a frame of the clip.")
      .max(MAX_FRAME, "That frame is past the end of the clip."),
  );

export const commentInput = z
  .object({
    frame: frameField("Pick a frame of the clip."),
    // The range's out point (the loop's out frame); missing for a comment on one frame.
    endFrame: frameField("Pick the range's last frame.").optional(),
    // The drawing as JSON, "" for none: bounded and checked before anything is stored.
    annotation: z
      .unknown()
      .optional()
      .transform((value, ctx): Annotation | null => {
        const parsed = parseAnnotationField(value);
        if (parsed.ok) return parsed.value;
        ctx.addIssue({ code: "custom", message: parsed.message });
        return z.NEVER;
      }),
    body: z
      .string({ error: "Write a comment." })
      .trim()
      .min(1, "Write a comment.")
      .max(2000, "Use at most 2,000 characters."),
    version: z.coerce.number().int(),
    // From the form: a resent comment is stored and emailed once.
    clientKey: z.uuid().optional().catch(undefined),
  })
  .superRefine((c, ctx) => {
    if (c.endFrame !== undefined && c.endFrame < c.frame)
      ctx.addIssue({
        code: "custom",
        path: ["endFrame"],
        message: "A range must end at or after its first frame.",
      });
  })
  // A range of one frame is that frame.
  .transform((c) => ({ ...c, endFrame: c.endFrame === c.frame ? undefined : c.endFrame }));
export type CommentInput = z.infer<typeof commentInput>;

/** The clip of a version, with what frames it has. */
async function versionClip(tx: Tx, submissionId: string, version: number) {
  const [clip] = await tx
    .select({ duration: clips.durationSeconds, frameRate: clips.frameRate })
    .from(submissionVersions)
    .innerJoin(clips, eq(clips.id, submissionVersions.clipId))
    .where(
      and(
        eq(submissionVersions.submissionId, submissionId),
        eq(submissionVersions.number, version),
      ),
    );
  if (!clip) throw new UserError("There is no such version.", 404);
  const rate = clipRate(clip.frameRate);
  return { rate, lastFrame: lastFrameOf(clip.duration, rate) };
}

/**
 * A comment at a frame or a range of the current version, with an optional drawing, by the
 * reviewer holding the claim. The artist is told at once (in-app, and by email unless they turned
 * comments off).
 */
export async function addComment(
  db: Db,
  reviewer: ActingUser,
  submissionId: string,
  input: CommentInput,
  options: { appUrl: string },
) {
  assertReviewer(reviewer);
  return db.transaction(async (tx) => {
    const row = await lock(tx, submissionId);
    const refused = await claimRefusal(tx, row, reviewer, "commenting on");
    if (refused) throw refused;
    if (row.currentVersion !== input.version)
      throw new UserError(
        "The artist sent a new version while you were commenting; nothing was saved. Look again.",
        409,
      );
    const { rate, lastFrame } = await versionClip(tx, submissionId, row.currentVersion);
    const pastTheEnd = `That frame is past the end of the clip (its last frame is ${formatTimecode(lastFrame, rate)}).`;
    if (input.frame > lastFrame) throw new UserError(pastTheEnd, 422, "frame");
    if (input.endFrame !== undefined && input.endFrame > lastFrame)
      throw new UserError(pastTheEnd, 422, "endFrame");
    const [comment] = await tx
      .insert(reviewComments)
      .values({
        submissionId,
        versionNumber: row.currentVersion,
        authorId: reviewer.id,
        frame: input.frame,
        endFrame: input.endFrame ?? null,
        annotation: input.annotation,
        body: input.body,
        clientKey: input.clientKey ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!comment) {
      const [already] = await tx
        .select()
        .from(reviewComments)
        .where(
          and(
            eq(reviewComments.submissionId, submissionId),
            eq(reviewComments.clientKey, input.clientKey!),
          ),
        );
      return { comment: already!, emailIds: [] };
    }
    const at = commentTimecode(comment, rate);
    const emailId = await notify(
      tx,
      {
        userId: row.userId,
        kind: "review_comment",
        title: `Comment at ${at} on ${row.title}`,
        body: input.body,
        link: `/submissions/${submissionId}#comment-${comment.id}`,
        email: {
          template: "review-comment",
          props: {
            submissionTitle: row.title,
            reviewerName: reviewer.displayName || "A reviewer",
            at,
            hasDrawing: input.annotation !== null && input.annotation.shapes.length > 0,
            body: input.body,
          },
        },
      },
      options.appUrl,
    );
    await recordAudit(tx, auditActor(reviewer), {
      action: "submission.commented",
      subjectType: "submission",
      subjectId: submissionId,
      data: {
        version: row.currentVersion,
        frame: input.frame,
        endFrame: input.endFrame ?? null,
        drawing: input.annotation !== null,
        commentId: comment.id,
      },
    });
    return { comment, emailIds: emailId ? [emailId] : [] };
  });
}

/**
 * The submission a thread write is about, as the actor may touch it: the artist their own (and
 * not once withdrawn: its history is closed), reviewers any they can see. Locked against a
 * concurrent withdrawal. Anything else is "not found".
 */
async function threadSubmission(tx: Tx, actor: ActingUser, submissionId: string) {
  const reviewer = can(actor.role, "review:work");
  if (!reviewer && !can(actor.role, "studio:use")) throw new ForbiddenError();
  const [row] = await tx
    .select()
    .from(submissions)
    .where(
      and(
        eq(submissions.id, submissionId),
        reviewer ? undefined : eq(submissions.userId, actor.id),
      ),
    )
    .for("share");
  if (!row || (reviewer && row.state === "withdrawn"))
    throw new UserError("There is no such submission.", 404);
  if (row.state === "withdrawn")
    throw new UserError("This submission was withdrawn: its threads are closed.", 409);
  return row;
}

async function threadComment(tx: Tx, submissionId: string, commentId: number) {
  const [comment] = await tx
    .select()
    .from(reviewComments)
    .where(and(eq(reviewComments.id, commentId), eq(reviewComments.submissionId, submissionId)));
  if (!comment) throw new UserError("There is no such comment.", 404);
  return comment;
}

export const replyInput = z.object({
  commentId: z.coerce.number({ error: "Reply to a comment." }).int().positive(),
  body: z
    .string({ error: "Write a reply." })
    .trim()
    .min(1, "Write a reply.")
    .max(2000, "Use at most 2,000 characters."),
  // From the form: a resent reply is stored and sent once.
  clientKey: z.uuid().optional().catch(undefined),
});
export type ReplyInput = z.infer<typeof replyInput>;

const excerpt = (text: string) => (text.length > 120 ? `${text.slice(0, 119)}…` : text);

/**
 * A reply in a comment's thread, by the artist or a reviewer. Everyone else in the thread is told:
 * the artist of a reviewer's reply, the reviewers who wrote in it of anyone's (in-app, and by
 * email unless they turned that type off).
 */
export async function replyToComment(
  db: Db,
  actor: ActingUser,
  submissionId: string,
  input: ReplyInput,
  options: { appUrl: string },
) {
  return db.transaction(async (tx) => {
    const submission = await threadSubmission(tx, actor, submissionId);
    const comment = await threadComment(tx, submissionId, input.commentId);
    const [reply] = await tx
      .insert(reviewReplies)
      .values({
        commentId: comment.id,
        authorId: actor.id,
        body: input.body,
        clientKey: input.clientKey ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!reply) {
      const [already] = await tx
        .select()
        .from(reviewReplies)
        .where(
          and(
            eq(reviewReplies.commentId, comment.id),
            eq(reviewReplies.clientKey, input.clientKey!),
          ),
        );
      return { reply: already!, emailIds: [] };
    }
    const emailIds = await tellThread(tx, actor, submission, comment, input.body, options.appUrl);
    await recordAudit(tx, auditActor(actor), {
      action: "submission.comment_replied",
      subjectType: "submission",
      subjectId: submissionId,
      data: { commentId: comment.id, replyId: reply.id, version: comment.versionNumber },
    });
    return { reply, emailIds };
  });
}

async function tellThread(
  tx: Tx,
  actor: ActingUser,
  submission: Submission,
  comment: typeof reviewComments.$inferSelect,
  body: string,
  appUrl: string,
) {
  const { rate } = await versionClip(tx, submission.id, comment.versionNumber);
  const at = commentTimecode(comment, rate);
  const byArtist = actor.id === submission.userId;
  const authorName = byArtist
    ? actor.displayName || actor.email
    : actor.displayName || "A reviewer";
  const props = {
    submissionTitle: submission.title,
    authorName,
    at,
    comment: excerpt(comment.body),
    body,
  };
  const title = `${authorName} replied at ${at} on ${submission.title}`;
  const emailIds: (string | null)[] = [];
  if (!byArtist)
    emailIds.push(
      await notify(
        tx,
        {
          userId: submission.userId,
          kind: "review_reply",
          title,
          body,
          link: `/submissions/${submission.id}#comment-${comment.id}`,
          email: { template: "review-reply", props },
        },
        appUrl,
      ),
    );
  // The reviewers who wrote in the thread and still review (not the one replying now).
  const replied = tx
    .select({ id: reviewReplies.authorId })
    .from(reviewReplies)
    .where(eq(reviewReplies.commentId, comment.id));
  const reviewers = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        or(eq(users.id, comment.authorId), inArray(users.id, replied)),
        ne(users.id, actor.id),
        ne(users.id, submission.userId),
        inArray(users.role, ["reviewer", "admin"]),
        eq(users.status, "active"),
      ),
    )
    .orderBy(asc(users.id));
  for (const reviewer of reviewers)
    emailIds.push(
      await notify(
        tx,
        {
          userId: reviewer.id,
          kind: "review_thread_reply",
          title,
          body,
          link: `/review/${submission.id}#comment-${comment.id}`,
          email: { template: "review-reply", props },
        },
        appUrl,
      ),
    );
  return emailIds.filter((id): id is string => id !== null);
}

/**
 * Marks a thread resolved (or open again), by the artist or a reviewer. Doing what is already done
 * changes nothing and is not an error: two people resolving at once make one resolution.
 */
export async function setCommentResolved(
  db: Db,
  actor: ActingUser,
  submissionId: string,
  commentId: number,
  resolved: boolean,
) {
  return db.transaction(async (tx) => {
    await threadSubmission(tx, actor, submissionId);
    await threadComment(tx, submissionId, commentId);
    const changed = await tx
      .update(reviewComments)
      .set(
        resolved
          ? { resolvedAt: sql`now()`, resolvedBy: actor.id }
          : { resolvedAt: null, resolvedBy: null },
      )
      .where(
        and(
          eq(reviewComments.id, commentId),
          resolved ? isNull(reviewComments.resolvedAt) : isNotNull(reviewComments.resolvedAt),
        ),
      )
      .returning({ id: reviewComments.id });
    if (changed.length > 0)
      await recordAudit(tx, auditActor(actor), {
        action: resolved ? "submission.comment_resolved" : "submission.comment_reopened",
        subjectType: "submission",
        subjectId: submissionId,
        data: { commentId },
      });
    return { changed: changed.length > 0 };
  });
}

export const threadInput = z.object({
  commentId: z.coerce.number({ error: "Choose a comment." }).int().positive(),
});
