import { and, count, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import {
  CLAIM_MINUTES,
  CLAIM_RENEW_MINUTES,
  formatTimecode,
  DECISIONS,
  REASON_CATEGORIES,
  SUBMISSION_STATES,
  transition,
} from "~/lib/review";
import { manyValues } from "~/lib/validation";
import {
  clips,
  reviewComments,
  reviewDecisions,
  submissions,
  submissionVersions,
  users,
} from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { auditActor, type ActingUser } from "../auth/guards";
import type { Db, Tx } from "../db";
import { UserError } from "../errors";
import { notify } from "../notifications/notify";
import { assertReviewer } from "./queue";

// The reviewer's side: claims with a lease, and decisions that name the version and state they
// were made on, so nothing is overwritten and two reviewers deciding at once record one decision.

async function lock(tx: Tx, submissionId: string) {
  const [row] = await tx
    .select()
    .from(submissions)
    .where(eq(submissions.id, submissionId))
    .for("update");
  // Withdrawn submissions are the artist's business only.
  if (!row || row.state === "withdrawn") throw new UserError("There is no such submission.", 404);
  return row;
}

const claimActive = (row: { claimedBy: string | null; claimExpiresAt: Date | null }, now: Date) =>
  row.claimedBy !== null && row.claimExpiresAt !== null && row.claimExpiresAt > now;

/**
 * Whether opening the review page should claim the item for `reviewerId` (the page then posts the
 * claim; a GET never changes anything): it is open, nobody else holds it, the viewer has not
 * already approved this version (the second approval is someone else's), and the viewer's own
 * claim is not fresh (reloading renews it only once it is older than the renewal interval).
 */
export function shouldClaimOnOpen(
  submission: {
    state: string;
    claimedBy: string | null;
    claimExpiresAt: Date | null;
    approvedBy: string[];
  },
  reviewerId: string,
  now = new Date(),
) {
  const open = submission.state === "pending" || submission.state === "in_review";
  const heldByOther = claimActive(submission, now) && submission.claimedBy !== reviewerId;
  const renewedLately =
    submission.claimedBy === reviewerId &&
    submission.claimExpiresAt !== null &&
    submission.claimExpiresAt.getTime() - now.getTime() >
      (CLAIM_MINUTES - CLAIM_RENEW_MINUTES) * 60_000;
  return open && !heldByOther && !renewedLately && !submission.approvedBy.includes(reviewerId);
}

/**
 * Claims the submission for 15 minutes, or renews the caller's claim. Someone else's live claim
 * is a 409 naming them; an expired one is free.
 */
export async function claimSubmission(db: Db, reviewer: ActingUser, submissionId: string) {
  assertReviewer(reviewer);
  return db.transaction(async (tx) => {
    const row = await lock(tx, submissionId);
    const now = new Date();
    if (claimActive(row, now) && row.claimedBy !== reviewer.id) {
      const [holder] = await tx
        .select({ name: users.displayName, email: users.email })
        .from(users)
        .where(eq(users.id, row.claimedBy!));
      throw new UserError(
        `${holder?.name || holder?.email || "Another reviewer"} is reviewing this now.`,
        409,
      );
    }
    const move = transition(row.state, { type: "claim" });
    if (!move.ok) throw new UserError(move.reason, 409);
    // The second of two approvals must be someone else's: the first approver does not hold it.
    const [approved] = await tx
      .select({ id: reviewDecisions.id })
      .from(reviewDecisions)
      .where(
        and(
          eq(reviewDecisions.submissionId, submissionId),
          eq(reviewDecisions.versionNumber, row.currentVersion),
          eq(reviewDecisions.reviewerId, reviewer.id),
        ),
      );
    if (approved)
      throw new UserError(
        "You have already decided on this version; the second approval must come from another reviewer.",
        409,
      );
    const expiresAt = new Date(now.getTime() + CLAIM_MINUTES * 60_000);
    await tx
      .update(submissions)
      .set({ state: move.to, claimedBy: reviewer.id, claimExpiresAt: expiresAt })
      .where(eq(submissions.id, submissionId));
    const renewal = row.claimedBy === reviewer.id && claimActive(row, now);
    if (!renewal)
      await recordAudit(tx, auditActor(reviewer), {
        action: "submission.claimed",
        subjectType: "submission",
        subjectId: submissionId,
      });
    return { expiresAt };
  });
}

/**
 * Extends the caller's own live claim, and nothing else: a claim that was released or ran out is
 * not taken again behind anyone's back (an open tab renews; it never re-claims).
 */
export async function renewClaim(db: Db, reviewer: ActingUser, submissionId: string) {
  assertReviewer(reviewer);
  const expiresAt = new Date(Date.now() + CLAIM_MINUTES * 60_000);
  const renewed = await db
    .update(submissions)
    .set({ claimExpiresAt: expiresAt })
    .where(
      and(
        eq(submissions.id, submissionId),
        eq(submissions.claimedBy, reviewer.id),
        eq(submissions.state, "in_review"),
        gt(submissions.claimExpiresAt, sql`now()`),
      ),
    )
    .returning({ id: submissions.id });
  if (renewed.length === 0) {
    const [exists] = await db
      .select({ state: submissions.state })
      .from(submissions)
      .where(eq(submissions.id, submissionId));
    if (!exists || exists.state === "withdrawn")
      throw new UserError("There is no such submission.", 404);
    throw new UserError("Your claim on this submission has ended. Open it again to review.", 409);
  }
  return { expiresAt };
}

/** Gives the claim up (its holder, or an admin for anyone's); the item waits in the queue again. */
export async function releaseClaim(db: Db, reviewer: ActingUser, submissionId: string) {
  assertReviewer(reviewer);
  await db.transaction(async (tx) => {
    const row = await lock(tx, submissionId);
    if (row.claimedBy !== reviewer.id && reviewer.role !== "admin")
      throw new UserError("Only its reviewer or an admin can release this claim.", 403);
    const move = transition(row.state, { type: "release" });
    if (!move.ok) throw new UserError(move.reason, 409);
    await tx
      .update(submissions)
      .set({ state: move.to, claimedBy: null, claimExpiresAt: null })
      .where(eq(submissions.id, submissionId));
    await recordAudit(tx, auditActor(reviewer), {
      action: "submission.claim_released",
      subjectType: "submission",
      subjectId: submissionId,
      data: { holder: row.claimedBy },
    });
  });
}

export const decisionInput = z
  .object({
    decision: z.enum(DECISIONS, { error: "Choose a decision." }),
    // The form's select sends "" while no reason is chosen, as it is when approving.
    reasonCategory: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.enum(REASON_CATEGORIES, { error: "Choose a reason." }).optional(),
    ),
    note: z.string().trim().max(2000, "Use at most 2,000 characters.").optional(),
    // The checklist items the reviewer ticked.
    checklist: manyValues(z.string().max(300)).check(z.maxLength(50)),
    // What the reviewer saw when deciding.
    version: z.coerce.number().int(),
    state: z.enum(SUBMISSION_STATES),
  })
  .superRefine((d, ctx) => {
    if (d.decision === "approve") return;
    if (!d.reasonCategory)
      ctx.addIssue({ code: "custom", path: ["reasonCategory"], message: "Choose a reason." });
    if (!d.note)
      ctx.addIssue({
        code: "custom",
        path: ["note"],
        message: "Tell the artist why, in a note they will read.",
      });
  });
export type DecisionInput = z.infer<typeof decisionInput>;

/**
 * Records a decision on the current version. It must be made by the claim's holder on the version
 * and state the submission still has; otherwise nothing is written and the reviewer is told.
 */
export async function decide(
  db: Db,
  reviewer: ActingUser,
  submissionId: string,
  input: DecisionInput,
  options: { checklist: readonly string[]; appUrl: string },
) {
  assertReviewer(reviewer);
  const checklist = options.checklist.map((item) => ({
    item,
    checked: input.checklist.includes(item),
  }));
  if (input.decision === "approve" && checklist.some((c) => !c.checked))
    throw new UserError(
      "Tick every item of the content-policy checklist before approving.",
      422,
      "checklist",
    );
  return db.transaction(async (tx) => {
    const row = await lock(tx, submissionId);
    if (row.currentVersion !== input.version || row.state !== input.state)
      throw new UserError(
        "This submission changed while you were reviewing it; nothing was recorded. Look again.",
        409,
      );
    if (row.claimedBy !== reviewer.id || !claimActive(row, new Date()))
      throw new UserError("Claim this submission before deciding on it.", 409);
    const [{ approvals }] = (await tx
      .select({ approvals: count() })
      .from(reviewDecisions)
      .where(
        and(
          eq(reviewDecisions.submissionId, submissionId),
          eq(reviewDecisions.versionNumber, row.currentVersion),
          eq(reviewDecisions.decision, "approve"),
        ),
      )) as [{ approvals: number }];
    const move = transition(row.state, {
      type: "decide",
      decision: input.decision,
      approvalsSoFar: approvals,
      approvalsNeeded: row.approvalsNeeded,
    });
    if (!move.ok) throw new UserError(move.reason, 409);
    const inserted = await tx
      .insert(reviewDecisions)
      .values({
        submissionId,
        versionNumber: row.currentVersion,
        reviewerId: reviewer.id,
        decision: input.decision,
        reasonCategory: input.reasonCategory ?? null,
        note: input.note || null,
        checklist,
      })
      .onConflictDoNothing()
      .returning({ id: reviewDecisions.id });
    if (inserted.length === 0)
      throw new UserError(
        "You have already decided on this version; the second approval must come from another reviewer.",
        409,
      );
    const final = move.to !== "in_review";
    await tx
      .update(submissions)
      .set({
        state: move.to,
        revision: sql`${submissions.revision} + 1`,
        // After a first of two approvals the claim ends, so another reviewer can take it.
        claimedBy: null,
        claimExpiresAt: null,
        decidedAt: final ? sql`now()` : null,
      })
      .where(eq(submissions.id, submissionId));
    if (final)
      await tx
        .update(submissionVersions)
        .set({ decidedAt: sql`now()` })
        .where(
          and(
            eq(submissionVersions.submissionId, submissionId),
            eq(submissionVersions.number, row.currentVersion),
          ),
        );
    const outcome =
      input.decision === "approve"
        ? final
          ? ("approved" as const)
          : ("first_approval" as const)
        : input.decision === "reject"
          ? ("rejected" as const)
          : ("changes_requested" as const);
    const emailId = await notify(
      tx,
      {
        userId: row.userId,
        kind: `submission_${outcome}`,
        title: `${OUTCOME_TITLES[outcome]}: ${row.title}`,
        body:
          [input.reasonCategory, input.note].filter(Boolean).join(" — ") ||
          (outcome === "first_approval"
            ? "1 of 2 approvals. Commercial use needs a second reviewer's approval."
            : `Version ${row.currentVersion} is approved.`),
        link: `/submissions/${submissionId}`,
        email: {
          template: "review-decision",
          props: {
            submissionTitle: row.title,
            outcome,
            version: row.currentVersion,
            reasonCategory: input.reasonCategory ?? null,
            note: input.note || null,
          },
        },
      },
      options.appUrl,
    );
    await recordAudit(tx, auditActor(reviewer), {
      action: `submission.${input.decision === "approve" ? "approved" : input.decision === "reject" ? "rejected" : "changes_requested"}`,
      subjectType: "submission",
      subjectId: submissionId,
      data: {
        version: row.currentVersion,
        reasonCategory: input.reasonCategory ?? null,
        state: move.to,
      },
    });
    return {
      state: move.to,
      approvals: approvals + (input.decision === "approve" ? 1 : 0),
      emailIds: emailId ? [emailId] : [],
    };
  });
}

const OUTCOME_TITLES = {
  approved: "Approved",
  first_approval: "1 of 2 approvals",
  changes_requested: "Changes requested",
  rejected: "Rejected",
} as const;

export const commentInput = z.object({
  // An emptied field is "no moment", not second 0.
  atSeconds: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce
      .number({ error: "Pick a moment in the clip." })
      .min(0, "Pick a moment in the clip.")
      .max(24 * 3600, "That moment is past the end of the clip."),
  ),
  body: z
    .string({ error: "Write a comment." })
    .trim()
    .min(1, "Write a comment.")
    .max(2000, "Use at most 2,000 characters."),
  version: z.coerce.number().int(),
  // From the form: a resent comment is stored and emailed once.
  clientKey: z.uuid().optional().catch(undefined),
});
export type CommentInput = z.infer<typeof commentInput>;

/**
 * A timecoded comment on the current version, by the reviewer holding the claim. The artist is
 * told at once (in-app and by email).
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
    if (row.currentVersion !== input.version)
      throw new UserError(
        "The artist sent a new version while you were commenting; nothing was saved. Look again.",
        409,
      );
    if (row.state !== "in_review" || row.claimedBy !== reviewer.id || !claimActive(row, new Date()))
      throw new UserError("Claim this submission before commenting on it.", 409);
    const [clip] = await tx
      .select({ duration: clips.durationSeconds })
      .from(submissionVersions)
      .innerJoin(clips, eq(clips.id, submissionVersions.clipId))
      .where(
        and(
          eq(submissionVersions.submissionId, submissionId),
          eq(submissionVersions.number, row.currentVersion),
        ),
      );
    if (clip && input.atSeconds > clip.duration + 0.05)
      throw new UserError("That moment is past the end of the clip.", 422, "atSeconds");
    const [comment] = await tx
      .insert(reviewComments)
      .values({
        submissionId,
        versionNumber: row.currentVersion,
        authorId: reviewer.id,
        atSeconds: input.atSeconds,
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
    const at = formatTimecode(input.atSeconds);
    const emailId = await notify(
      tx,
      {
        userId: row.userId,
        kind: "review_comment",
        title: `Comment at ${at} on ${row.title}`,
        body: input.body,
        link: `/submissions/${submissionId}#comment-${comment!.id}`,
        email: {
          template: "review-comment",
          props: {
            submissionTitle: row.title,
            reviewerName: reviewer.displayName || "A reviewer",
            at,
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
      data: { version: row.currentVersion, atSeconds: input.atSeconds, commentId: comment!.id },
    });
    return { comment: comment!, emailIds: emailId ? [emailId] : [] };
  });
}
