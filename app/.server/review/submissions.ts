import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { approvalsNeeded, CHANNELS, INTENDED_USES, transition } from "~/lib/review";
import { manyValues } from "~/lib/validation";
import { clips, submissions, submissionVersions } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db, Tx } from "../db";
import { UserError } from "../errors";

// The artist's side of review: submit one of their clips, withdraw before a decision, resubmit
// after changes were requested. Every change names the revision it was made on.

const channelList = manyValues(z.enum(CHANNELS, { error: "Choose channels from the list." })).check(
  z.minLength(1, "Choose at least one channel."),
);

export const submitInput = z.object({
  clipId: z.string({ error: "Choose a clip." }).min(1, "Choose a clip."),
  title: z
    .string({ error: "Give it a title." })
    .trim()
    .min(1, "Give it a title.")
    .max(120, "Use at most 120 characters."),
  description: z
    .string({ error: "Describe it." })
    .trim()
    .min(1, "Describe it.")
    .max(2000, "Use at most 2,000 characters."),
  intendedUse: z.enum(INTENDED_USES, { error: "Choose how you mean to use it." }),
  channels: channelList,
  agreeTerms: z.literal("on", { error: "Agree to the program terms to submit." }),
  // From the form: the same key twice is the same submission.
  submitKey: z.uuid().optional().catch(undefined),
});
export type SubmitInput = z.infer<typeof submitInput>;

async function ownClip(tx: Tx, artist: ActingUser, clipId: string) {
  const [clip] = await tx
    .select({ id: clips.id })
    .from(clips)
    .where(and(eq(clips.id, clipId), eq(clips.userId, artist.id), isNull(clips.deletedAt)))
    // Held until commit: a delete of this clip waits for the submission, then refuses.
    .for("share");
  if (!clip) throw new UserError("There is no such clip.", 404, "clipId");
}

export async function submitClip(db: Db, artist: ActingUser, input: SubmitInput) {
  assertCan(artist, "studio:use");
  return db.transaction(async (tx) => {
    await ownClip(tx, artist, input.clipId);
    const [submission] = await tx
      .insert(submissions)
      .values({
        userId: artist.id,
        title: input.title,
        description: input.description,
        intendedUse: input.intendedUse,
        channels: input.channels,
        approvalsNeeded: approvalsNeeded(input.intendedUse),
        termsAcceptedAt: sql`now()`,
        submitKey: input.submitKey ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!submission) {
      // A resent form (a double click, a retry): the submission it already made, not a second one
      // in the queue. A concurrent twin waits for the first to commit, then lands here.
      const [already] = await tx
        .select()
        .from(submissions)
        .where(and(eq(submissions.submitKey, input.submitKey!), eq(submissions.userId, artist.id)));
      if (!already) throw new UserError("This form was already used. Reload the page.", 409);
      return already;
    }
    await tx
      .insert(submissionVersions)
      .values({ submissionId: submission!.id, number: 1, clipId: input.clipId });
    await recordAudit(tx, auditActor(artist), {
      action: "submission.created",
      subjectType: "submission",
      subjectId: submission!.id,
      data: { clipId: input.clipId, intendedUse: input.intendedUse },
    });
    return submission!;
  });
}

/**
 * Locks the artist's submission and applies a move, or throws: 404 for someone else's, 409 when it
 * changed since the artist looked (`revision`) or the move is not allowed in its state.
 */
async function moveOwn(
  tx: Tx,
  artist: ActingUser,
  submissionId: string,
  revision: number,
  event: Parameters<typeof transition>[1],
) {
  const [current] = await tx
    .select()
    .from(submissions)
    .where(and(eq(submissions.id, submissionId), eq(submissions.userId, artist.id)))
    .for("update");
  if (!current) throw new UserError("There is no such submission.", 404);
  if (current.revision !== revision)
    throw new UserError("This submission changed while you were looking. Here it is now.", 409);
  const result = transition(current.state, event);
  if (!result.ok) throw new UserError(result.reason, 409);
  return { current, to: result.to };
}

export async function withdrawSubmission(
  db: Db,
  artist: ActingUser,
  submissionId: string,
  revision: number,
) {
  assertCan(artist, "studio:use");
  await db.transaction(async (tx) => {
    const { to } = await moveOwn(tx, artist, submissionId, revision, { type: "withdraw" });
    await tx
      .update(submissions)
      .set({
        state: to,
        revision: sql`${submissions.revision} + 1`,
        claimedBy: null,
        claimExpiresAt: null,
      })
      .where(eq(submissions.id, submissionId));
    await recordAudit(tx, auditActor(artist), {
      action: "submission.withdrawn",
      subjectType: "submission",
      subjectId: submissionId,
    });
  });
}

export const resubmitInput = z.object({
  clipId: z.string({ error: "Choose a clip." }).min(1, "Choose a clip."),
  note: z.string().trim().max(2000, "Use at most 2,000 characters.").optional(),
  revision: z.coerce.number().int(),
});

/** After "changes requested": the next version, with another clip or the same one and a note. */
export async function resubmit(
  db: Db,
  artist: ActingUser,
  submissionId: string,
  input: z.infer<typeof resubmitInput>,
) {
  assertCan(artist, "studio:use");
  return db.transaction(async (tx) => {
    const { current, to } = await moveOwn(tx, artist, submissionId, input.revision, {
      type: "resubmit",
    });
    await ownClip(tx, artist, input.clipId);
    const number = current.currentVersion + 1;
    await tx
      .insert(submissionVersions)
      .values({ submissionId, number, clipId: input.clipId, note: input.note || null });
    await tx
      .update(submissions)
      .set({
        state: to,
        currentVersion: number,
        revision: sql`${submissions.revision} + 1`,
        submittedAt: sql`now()`,
        decidedAt: null,
      })
      .where(eq(submissions.id, submissionId));
    await recordAudit(tx, auditActor(artist), {
      action: "submission.resubmitted",
      subjectType: "submission",
      subjectId: submissionId,
      data: { version: number, clipId: input.clipId },
    });
    return number;
  });
}
