import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addComment, commentInput } from "~/.server/review/comments";
import { claimSubmission, decide, decisionInput, releaseClaim } from "~/.server/review/reviewing";
import { resubmit, submitClip, submitInput } from "~/.server/review/submissions";
import { DEFAULT_CHECKLIST } from "~/lib/review";
import {
  auditLog,
  emailOutbox,
  notifications,
  reviewComments,
  reviewDecisions,
  submissions,
  submissionVersions,
  type User,
} from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, APP_URL, createUser } from "../../support/factories";
import { artistWith, createFinishedClip } from "../../support/generation";

const t = useTestDatabase();

const CHECKLIST = [...DEFAULT_CHECKLIST];

async function submitted(artist: User, use = "portfolio") {
  const { clip } = await createFinishedClip(t.db, artist); // 5 seconds long
  return submitClip(
    t.db,
    acting(artist),
    submitInput.parse({
      clipId: clip.id,
      title: "Salt flats",
      description: "Wide shots at noon.",
      intendedUse: use,
      channels: ["YouTube"],
      agreeTerms: "on",
    }),
  );
}

async function row(id: string) {
  const [s] = await t.db.select().from(submissions).where(eq(submissions.id, id));
  return s!;
}

// Comments name frames; the test clips are 5 seconds at 24 fps (frames 0..119).
const comment = (frame: number | string, body: string, version = 1) =>
  commentInput.parse({ frame, body, version });

const commentAs = (reviewer: User, id: string, frame: number, body: string, version = 1) =>
  addComment(t.db, acting(reviewer), id, comment(frame, body, version), { appUrl: APP_URL });

const decideAs = (
  reviewer: User,
  id: string,
  input: Record<string, unknown>,
  checklist: readonly string[] = CHECKLIST,
) =>
  decide(
    t.db,
    acting(reviewer),
    id,
    decisionInput.parse({ version: "1", state: "in_review", ...input }),
    { checklist, appUrl: APP_URL },
  );

/** Everything a comment or decision writes, to show that a refusal wrote none of it. */
async function written() {
  const [c, d, n, e, a] = await Promise.all([
    t.db.select().from(reviewComments),
    t.db.select().from(reviewDecisions),
    t.db.select().from(notifications),
    t.db.select().from(emailOutbox),
    t.db.select().from(auditLog),
  ]);
  return {
    comments: c.length,
    decisions: d.length,
    notes: n.length,
    emails: e.length,
    audit: a.length,
  };
}

async function notificationsOf(user: User) {
  return t.db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, user.id))
    .orderBy(asc(notifications.createdAt));
}

async function emailsTo(user: User) {
  return t.db
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.recipient, user.email))
    .orderBy(asc(emailOutbox.createdAt));
}

describe("comments at a frame", () => {
  it("need the reviewer's live claim on the current version; otherwise 409 and nothing saved", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const ben = await createUser(t.db, { role: "reviewer" });
    const s = await submitted(artist);
    const before = await written();

    // Nobody holds it.
    await expect(commentAs(ana, s.id, 1, "Too dark here.")).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/Claim this submission/),
    });
    await claimSubmission(t.db, acting(ana), s.id);
    const claimed = await written();
    // Someone else holds it.
    await expect(commentAs(ben, s.id, 1, "Too dark here.")).rejects.toMatchObject({
      status: 409,
    });
    // A version that is not the current one.
    await expect(commentAs(ana, s.id, 1, "Too dark here.", 2)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/new version/),
    });
    // The holder's claim ran out.
    await t.db
      .update(submissions)
      .set({ claimExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(submissions.id, s.id));
    await expect(commentAs(ana, s.id, 1, "Too dark here.")).rejects.toMatchObject({
      status: 409,
    });
    // Artists never comment as reviewers.
    await expect(commentAs(artist, s.id, 1, "Me too.")).rejects.toMatchObject({ status: 403 });
    expect(await written()).toEqual({ ...before, audit: claimed.audit });
    expect(claimed.audit).toBe(before.audit + 1);
  });

  it("must fall inside the clip: past its last frame is a 422 on frame", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    const before = await written();
    await expect(commentAs(ana, s.id, 120, "After the end.")).rejects.toMatchObject({
      status: 422,
      field: "frame",
      message: expect.stringMatching(/its last frame is 00:00:04:23/),
    });
    expect(await written()).toEqual(before);
    // The last frame is allowed, and so is the first.
    await commentAs(ana, s.id, 119, "The final frame flickers.");
    await commentAs(ana, s.id, 0, "The first frame is black.");
    expect(await t.db.select().from(reviewComments)).toHaveLength(2);
    // Input the form can never send is refused by the schema.
    for (const frame of ["-1", "1.5", "x"])
      expect(commentInput.safeParse({ frame, body: "x", version: "1" }).success, frame).toBe(false);
    expect(commentInput.safeParse({ frame: "1", body: "   ", version: "1" }).success).toBe(false);
  });

  it("are stored on the version, notify the artist in-app and by email, and are audited", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana Reviewer" });
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    const text = "The shop sign at this moment shows a real brand";
    const { comment: saved, emailIds } = await commentAs(ana, s.id, 77, text);
    expect(saved).toMatchObject({
      submissionId: s.id,
      versionNumber: 1,
      authorId: ana.id,
      body: text,
      frame: 77,
      endFrame: null,
      annotation: null,
    });

    const [note] = await notificationsOf(artist);
    expect(note).toMatchObject({
      kind: "review_comment",
      title: "Comment at 00:00:03:05 on Salt flats",
      body: text,
      link: `/submissions/${s.id}#comment-${saved.id}`,
      readAt: null,
    });
    const emails = await emailsTo(artist);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.id).toBe(emailIds[0]);
    expect(emails[0]).toMatchObject({
      template: "review-comment",
      subject: 'New comment at 00:00:03:05 on "Salt flats"',
      status: "queued",
    });
    expect(emails[0]!.text).toContain(text);
    expect(emails[0]!.text).toContain("Ana Reviewer");
    expect(emails[0]!.html).toContain(`${APP_URL}/submissions/${s.id}#comment-${saved.id}`);
    // The reviewer is not notified of their own comment.
    expect(await notificationsOf(ana)).toEqual([]);

    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, s.id), eq(auditLog.action, "submission.commented")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: ana.id,
      subjectType: "submission",
      ip: "203.0.113.7",
      data: { version: 1, frame: 77, endFrame: null, drawing: false, commentId: saved.id },
    });
  });
});

describe("decisions", () => {
  it("approving with an unticked checklist item is a 422 on checklist, and nothing is written", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    const before = await written();
    const rowBefore = await row(s.id);
    for (const ticked of [[], CHECKLIST.slice(1), [...CHECKLIST.slice(0, 4), "Something else"]]) {
      await expect(
        decideAs(ana, s.id, { decision: "approve", checklist: ticked }),
      ).rejects.toMatchObject({ status: 422, field: "checklist" });
    }
    expect(await written()).toEqual(before);
    expect(await row(s.id)).toEqual(rowBefore);
    // A configured checklist is the one that counts.
    await expect(
      decideAs(ana, s.id, { decision: "approve", checklist: CHECKLIST }, ["Own list item"]),
    ).rejects.toMatchObject({ status: 422, field: "checklist" });
  });

  it("store the checklist as the reviewer left it", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const approvedOne = await submitted(artist);
    const changedOne = await submitted(artist);
    await claimSubmission(t.db, acting(ana), approvedOne.id);
    await decideAs(ana, approvedOne.id, { decision: "approve", checklist: CHECKLIST });
    await claimSubmission(t.db, acting(ana), changedOne.id);
    // Asking for changes does not need every item ticked; what was left unticked is kept.
    await decideAs(ana, changedOne.id, {
      decision: "request_changes",
      reasonCategory: "Audio rights",
      note: "The music is a commercial track.",
      checklist: CHECKLIST.filter((item) => item !== "Audio rights cleared"),
    });
    const [approved] = await t.db
      .select()
      .from(reviewDecisions)
      .where(eq(reviewDecisions.submissionId, approvedOne.id));
    expect(approved!.checklist).toEqual(CHECKLIST.map((item) => ({ item, checked: true })));
    const [changes] = await t.db
      .select()
      .from(reviewDecisions)
      .where(eq(reviewDecisions.submissionId, changedOne.id));
    expect(changes!.checklist).toEqual(
      CHECKLIST.map((item) => ({ item, checked: item !== "Audio rights cleared" })),
    );
    expect(changes).toMatchObject({
      decision: "request_changes",
      reasonCategory: "Audio rights",
      note: "The music is a commercial track.",
      reviewerId: ana.id,
      versionNumber: 1,
    });
  });

  it("request changes: the version is decided, and the artist is told in-app and by email", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    const note = "Please remove the logo on the truck";
    const result = await decideAs(ana, s.id, {
      decision: "request_changes",
      reasonCategory: "Third-party marks or logos",
      note,
    });
    expect(result).toMatchObject({ state: "changes_requested", approvals: 0 });
    expect(await row(s.id)).toMatchObject({
      state: "changes_requested",
      claimedBy: null,
      claimExpiresAt: null,
      revision: 2,
    });
    expect((await row(s.id)).decidedAt).not.toBeNull();
    const [version] = await t.db
      .select()
      .from(submissionVersions)
      .where(eq(submissionVersions.submissionId, s.id));
    expect(version!.decidedAt).not.toBeNull();

    const [n] = await notificationsOf(artist);
    expect(n).toMatchObject({
      kind: "submission_changes_requested",
      title: "Changes requested: Salt flats",
      body: `Third-party marks or logos — ${note}`,
      link: `/submissions/${s.id}`,
    });
    const emails = await emailsTo(artist);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.id).toBe(result.emailIds[0]);
    expect(emails[0]).toMatchObject({
      template: "review-decision",
      subject: "Changes requested on your submission: Salt flats",
    });
    expect(emails[0]!.text).toContain(note);
    expect(emails[0]!.text).toContain("Third-party marks or logos");

    // A resubmission is a new version with no decision yet, and it can be decided again.
    const { clip } = await createFinishedClip(t.db, artist);
    await resubmit(t.db, acting(artist), s.id, { clipId: clip.id, revision: 2 });
    expect((await row(s.id)).decidedAt).toBeNull();
    await claimSubmission(t.db, acting(ana), s.id);
    await decide(
      t.db,
      acting(ana),
      s.id,
      decisionInput.parse({
        decision: "approve",
        version: 2,
        state: "in_review",
        checklist: CHECKLIST,
      }),
      { checklist: CHECKLIST, appUrl: APP_URL },
    );
    expect((await row(s.id)).state).toBe("approved");
    const versions = await t.db
      .select()
      .from(submissionVersions)
      .where(eq(submissionVersions.submissionId, s.id))
      .orderBy(asc(submissionVersions.number));
    expect(versions.map((v) => v.decidedAt !== null)).toEqual([true, true]);
  });

  it("reject: the artist reads the reason and the note", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    await decideAs(ana, s.id, {
      decision: "reject",
      reasonCategory: "Likeness or consent",
      note: "This is a recognisable public figure",
    });
    expect((await row(s.id)).state).toBe("rejected");
    const [n] = await notificationsOf(artist);
    expect(n).toMatchObject({ kind: "submission_rejected", title: "Rejected: Salt flats" });
    const [email] = await emailsTo(artist);
    expect(email!.subject).toBe("Your submission was not approved: Salt flats");
    expect(email!.text).toContain("This is a recognisable public figure");
  });

  it("commercial use: a first approval keeps it in review without a claim; the same reviewer cannot give the second", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const ben = await createUser(t.db, { role: "admin" });
    const s = await submitted(artist, "commercial");
    await claimSubmission(t.db, acting(ana), s.id);
    const first = await decideAs(ana, s.id, { decision: "approve", checklist: CHECKLIST });
    expect(first).toMatchObject({ state: "in_review", approvals: 1 });
    expect(await row(s.id)).toMatchObject({
      state: "in_review",
      claimedBy: null,
      claimExpiresAt: null,
      decidedAt: null,
    });
    const [version] = await t.db
      .select()
      .from(submissionVersions)
      .where(eq(submissionVersions.submissionId, s.id));
    expect(version!.decidedAt).toBeNull();
    expect(await notificationsOf(artist)).toMatchObject([
      { kind: "submission_first_approval", title: "1 of 2 approvals: Salt flats" },
    ]);
    expect((await emailsTo(artist)).map((e) => e.subject)).toEqual([
      "Your submission has 1 of 2 approvals: Salt flats",
    ]);

    // Without a claim, and then with one, Ana's second approval is refused and nothing changes.
    await expect(
      decideAs(ana, s.id, { decision: "approve", checklist: CHECKLIST }),
    ).rejects.toMatchObject({ status: 409 });
    // She cannot claim it again, so it stays free for someone else…
    await expect(claimSubmission(t.db, acting(ana), s.id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/another reviewer/),
    });
    // …and even holding a claim (set behind the domain's back) her second approval is refused.
    await t.db
      .update(submissions)
      .set({ claimedBy: ana.id, claimExpiresAt: sql`now() + interval '10 minutes'` })
      .where(eq(submissions.id, s.id));
    const before = await written();
    await expect(
      decideAs(ana, s.id, { decision: "approve", checklist: CHECKLIST }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/another reviewer/) });
    expect(await written()).toEqual(before);
    expect((await row(s.id)).state).toBe("in_review");
    await releaseClaim(t.db, acting(ana), s.id);

    await claimSubmission(t.db, acting(ben), s.id);
    const second = await decideAs(ben, s.id, { decision: "approve", checklist: CHECKLIST });
    expect(second).toMatchObject({ state: "approved", approvals: 2 });
    expect(await row(s.id)).toMatchObject({ state: "approved", claimedBy: null });
    const [decided] = await t.db
      .select()
      .from(submissionVersions)
      .where(eq(submissionVersions.submissionId, s.id));
    expect(decided!.decidedAt).not.toBeNull();
    expect((await notificationsOf(artist)).map((n) => n.kind)).toEqual([
      "submission_first_approval",
      "submission_approved",
    ]);
    const decisions = await t.db
      .select()
      .from(reviewDecisions)
      .where(eq(reviewDecisions.submissionId, s.id))
      .orderBy(asc(reviewDecisions.id));
    expect(decisions.map((d) => [d.reviewerId, d.decision])).toEqual([
      [ana.id, "approve"],
      [ben.id, "approve"],
    ]);
  });

  it("every claim, comment and decision is in the audit log with who and where", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    await claimSubmission(t.db, acting(ana), s.id); // a renewal is not a new claim
    await commentAs(ana, s.id, 2, "Soft focus here.");
    await decideAs(ana, s.id, {
      decision: "reject",
      reasonCategory: "Quality",
      note: "Out of focus throughout.",
    });
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, s.id))
      .orderBy(asc(auditLog.id));
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["submission.created", artist.id],
      ["submission.claimed", ana.id],
      ["submission.commented", ana.id],
      ["submission.rejected", ana.id],
    ]);
    expect(audit.every((a) => a.ip === "203.0.113.7" && a.userAgent === "vitest")).toBe(true);
    // The checklist as the reviewer left it is in the audit details too (nothing ticked here).
    expect(audit.at(-1)!.data).toEqual({
      version: 1,
      reasonCategory: "Quality",
      state: "rejected",
      checklist: CHECKLIST.map((item) => ({ item, checked: false })),
    });
  });
});
