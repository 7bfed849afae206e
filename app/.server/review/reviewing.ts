import { and, count, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import {
  CLAIM_MINUTES,
  CLAIM_RENEW_MINUTES,
  DECISIONS,
  REASON_CATEGORIES,
  SUBMISSION_STATES,
  transition,
  type ChecklistEntry,
} from "~/lib/review";
import { manyValues } from "~/lib/validation";
import {
  reviewDecisions,
  submissions,
  submissionVersions,
  users,
  type Submission,
} from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { auditActor, type ActingUser } from "../auth/guards";
import type { Db, DbOrTx, Tx } from "../db";
import { UserError } from "../errors";
import { notify } from "../notifications/notify";
import { assertReviewer } from "./queue";

// The reviewer's side: claims with a lease, and decisions that name the version and state they
// were made on, so nothing is overwritten and two reviewers deciding at once record one decision.
// An admin's release holds (ADR 0019): the released reviewer's open tab cannot write, is told who
// holds the item now, and opening the item does not take it back for them until they ask.

export async function lock(tx: Tx, submissionId: string) {
  const [row] = await tx
    .select()
    .from(submissions)
    .where(eq(submissions.id, submissionId))
    .for("update");
  // Withdrawn submissions are the artist's business only.
  if (!row || row.state === "withdrawn") throw new UserError("There is no such submission.", 404);
  return row;
}

export const claimActive = (
  row: { claimedBy: string | null; claimExpiresAt: Date | null },
  now: Date,
) => row.claimedBy !== null && row.claimExpiresAt !== null && row.claimExpiresAt > now;

/** The field a lost claim is refused on: the page shows it in its claim banner (ADR 0019). */
export const CLAIM_FIELD = "claim";

async function nameOf(db: DbOrTx, userId: string | null, fallback: string) {
  if (!userId) return fallback;
  const [person] = await db
    .select({ name: users.displayName, email: users.email })
    .from(users)
    .where(eq(users.id, userId));
  return person?.name || person?.email || fallback;
}

type ClaimRow = Pick<
  Submission,
  "claimedBy" | "claimExpiresAt" | "claimReleasedFrom" | "claimReleasedBy"
>;

/**
 * Why `reviewer` may not write on this item now, in words that say who holds it: someone else, or
 * nobody (after an admin released the reviewer's claim, naming who did). Null while the reviewer
 * holds a live claim. Any claim clears a release, so "released" and "someone holds it" never
 * meet: the holder is what the reviewer needs to hear then.
 */
export async function claimRefusal(
  db: DbOrTx,
  row: ClaimRow,
  reviewer: { id: string },
  doing: "commenting on" | "deciding on" | "renewing",
) {
  const now = new Date();
  if (row.claimedBy === reviewer.id && claimActive(row, now)) return null;
  const holder = claimActive(row, now) ? await nameOf(db, row.claimedBy, "Another reviewer") : null;
  const released =
    !holder && row.claimReleasedFrom === reviewer.id
      ? await nameOf(db, row.claimReleasedBy, "An admin")
      : null;
  const nothing = doing === "deciding on" ? "Nothing was recorded." : "Nothing was saved.";
  let message: string;
  if (doing === "renewing")
    message = holder
      ? `Your claim has ended. ${holder} is reviewing this now.`
      : released
        ? `Your claim has ended: ${released} released it. Nobody is reviewing this now; claim it again to go on.`
        : "Your claim has ended. Nobody is reviewing this now; claim it again to go on.";
  else if (holder) message = `${holder} is reviewing this now. ${nothing}`;
  else if (released)
    message = `${released} released your claim; nobody is reviewing this now. ${nothing} Claim it again if you mean to go on.`;
  else message = `Claim this submission before ${doing} it: nobody is reviewing it now. ${nothing}`;
  return new UserError(message, 409, CLAIM_FIELD);
}

/**
 * Whether opening the review page should claim the item for `reviewerId` (the page then posts the
 * claim; a GET never changes anything): it is open, nobody else holds it, the viewer has not
 * already approved this version (the second approval is someone else's), an admin did not release
 * the viewer's claim (that holds until they ask again), and the viewer's own claim is not fresh
 * (reloading renews it only once it is older than the renewal interval).
 */
export function shouldClaimOnOpen(
  submission: {
    state: string;
    claimedBy: string | null;
    claimExpiresAt: Date | null;
    claimReleasedFrom: string | null;
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
  return (
    open &&
    !heldByOther &&
    !renewedLately &&
    submission.claimReleasedFrom !== reviewerId &&
    !submission.approvedBy.includes(reviewerId)
  );
}

/**
 * Claims the submission for 15 minutes, or renews the caller's claim. Someone else's live claim
 * is a 409 naming them; an expired one is free. `onOpen` is the page claiming by itself as it
 * opens: refused for a reviewer whose claim an admin released (they claim again by asking).
 */
export async function claimSubmission(
  db: Db,
  reviewer: ActingUser,
  submissionId: string,
  options: { onOpen?: boolean } = {},
) {
  assertReviewer(reviewer);
  return db.transaction(async (tx) => {
    const row = await lock(tx, submissionId);
    const now = new Date();
    if (claimActive(row, now) && row.claimedBy !== reviewer.id) {
      const holder = await nameOf(tx, row.claimedBy, "Another reviewer");
      throw new UserError(`${holder} is reviewing this now.`, 409);
    }
    if (options.onOpen && row.claimReleasedFrom === reviewer.id) {
      const releaser = await nameOf(tx, row.claimReleasedBy, "An admin");
      throw new UserError(
        `${releaser} released your claim; opening the page does not take it back. Claim it again if you mean to go on.`,
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
      .set({
        state: move.to,
        claimedBy: reviewer.id,
        claimExpiresAt: expiresAt,
        claimReleasedFrom: null,
        claimReleasedBy: null,
        claimReleasedAt: null,
      })
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
 * not taken again behind anyone's back (an open tab renews; it never re-claims). The refusal says
 * who holds the item now.
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
    const [row] = await db.select().from(submissions).where(eq(submissions.id, submissionId));
    if (!row || row.state === "withdrawn") throw new UserError("There is no such submission.", 404);
    throw (
      (await claimRefusal(db, row, reviewer, "renewing")) ??
      new UserError("Your claim has ended.", 409, CLAIM_FIELD)
    );
  }
  return { expiresAt };
}

/**
 * Gives the claim up (its holder, or an admin for anyone's); the item waits in the queue again.
 * An admin releasing someone else's claim is remembered, so that reviewer's tab is told and does
 * not take it back (ADR 0019).
 */
export async function releaseClaim(db: Db, reviewer: ActingUser, submissionId: string) {
  assertReviewer(reviewer);
  await db.transaction(async (tx) => {
    const row = await lock(tx, submissionId);
    if (row.claimedBy !== reviewer.id && reviewer.role !== "admin")
      throw new UserError("Only its reviewer or an admin can release this claim.", 403);
    const move = transition(row.state, { type: "release" });
    if (!move.ok) throw new UserError(move.reason, 409);
    const fromSomeoneElse = row.claimedBy !== null && row.claimedBy !== reviewer.id;
    await tx
      .update(submissions)
      .set({
        state: move.to,
        claimedBy: null,
        claimExpiresAt: null,
        claimReleasedFrom: fromSomeoneElse ? row.claimedBy : null,
        claimReleasedBy: fromSomeoneElse ? reviewer.id : null,
        claimReleasedAt: fromSomeoneElse ? sql`now()` : null,
      })
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
    // The checklist items the reviewer ticked as holding.
    checklist: manyValues(z.string().max(300)).check(z.maxLength(50)),
    // The items a request for changes or a rejection points at as failed.
    failed: manyValues(z.string().max(300)).check(z.maxLength(50)),
    // What the reviewer saw when deciding.
    version: z.coerce.number().int(),
    state: z.enum(SUBMISSION_STATES),
  })
  .superRefine((d, ctx) => {
    if (d.decision === "approve") {
      if (d.failed.length > 0)
        ctx.addIssue({
          code: "custom",
          path: ["failed"],
          message: "An approval cannot point at failed items: untick them, or request changes.",
        });
      return;
    }
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
 * The checklist as the decision records it: every configured item, whether the reviewer ticked it
 * as holding, and whether they pointed at it as failed. Anything else is refused next to the list.
 */
function checklistOf(items: readonly string[], input: DecisionInput): ChecklistEntry[] {
  const failed = new Set(input.failed);
  for (const item of failed)
    if (!items.includes(item))
      throw new UserError("Point only at items of the checklist.", 422, "failed");
  const entries: ChecklistEntry[] = items.map((item) => ({
    item,
    checked: input.checklist.includes(item),
    // Only where it failed: checklists recorded before failed items existed have no such key.
    ...(failed.has(item) ? { failed: true } : {}),
  }));
  if (entries.some((e) => e.checked && e.failed))
    throw new UserError(
      "An item cannot both hold and fail: untick it in the checklist or here.",
      422,
      "failed",
    );
  if (input.decision === "approve" && entries.some((c) => !c.checked))
    throw new UserError(
      "Tick every item of the content-policy checklist before approving.",
      422,
      "checklist",
    );
  return entries;
}

/**
 * Records a decision on the current version. It must be made by the holder of a live claim, on
 * the version and state the submission still has; otherwise nothing is written and the reviewer
 * is told why (and who holds it now).
 */
export async function decide(
  db: Db,
  reviewer: ActingUser,
  submissionId: string,
  input: DecisionInput,
  options: { checklist: readonly string[]; appUrl: string },
) {
  assertReviewer(reviewer);
  const checklist = checklistOf(options.checklist, input);
  const failedItems = checklist.filter((c) => c.failed).map((c) => c.item);
  return db.transaction(async (tx) => {
    const row = await lock(tx, submissionId);
    // The claim first: a released reviewer's stale form must hear who holds it now, not only
    // that the state moved.
    const refused = await claimRefusal(tx, row, reviewer, "deciding on");
    if (refused) throw refused;
    if (row.currentVersion !== input.version || row.state !== input.state)
      throw new UserError(
        "This submission changed while you were reviewing it; nothing was recorded. Look again.",
        409,
      );
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
          [
            input.reasonCategory,
            input.note,
            failedItems.length ? `Not met: ${failedItems.join("; ")}` : null,
          ]
            .filter(Boolean)
            .join(" — ") ||
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
            failedItems,
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
        checklist,
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
