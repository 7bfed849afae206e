import { and, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import {
  CLAIM_MINUTES,
  DECISIONS,
  REASON_CATEGORIES,
  SUBMISSION_STATES,
  transition,
} from "~/lib/review";
import { reviewDecisions, submissions, users } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { auditActor, type ActingUser } from "../auth/guards";
import type { Db, Tx } from "../db";
import { ForbiddenError, UserError } from "../errors";

// The reviewer's side: claims with a lease, and decisions that name the version and state they
// were made on, so nothing is overwritten and two reviewers deciding at once record one decision.

function assertReviewer(user: ActingUser) {
  if (user.role !== "reviewer" && user.role !== "admin")
    throw new ForbiddenError("Only reviewers and admins review submissions.");
}

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
    reasonCategory: z.enum(REASON_CATEGORIES, { error: "Choose a reason." }).optional(),
    note: z.string().trim().max(2000, "Use at most 2,000 characters.").optional(),
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
) {
  assertReviewer(reviewer);
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
    return { state: move.to, approvals: approvals + (input.decision === "approve" ? 1 : 0) };
  });
}
