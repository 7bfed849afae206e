import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addComment, commentInput } from "~/.server/review/comments";
import {
  claimSubmission,
  decide,
  decisionInput,
  releaseClaim,
  renewClaim,
} from "~/.server/review/reviewing";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { DEFAULT_CHECKLIST } from "~/lib/review";
import { auditLog, reviewComments, reviewDecisions, submissions, type User } from "~db/schema";
import {
  action as reviewAction,
  loader as reviewLoader,
} from "~/routes/review.$submissionId/route";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  APP_URL,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";
import { artistWith, createFinishedClip } from "../../support/generation";

// An admin's release holds (issue 18, item 6): the released reviewer's open tab cannot comment,
// decide or renew, is told who holds the item now (or that nobody does), and opening the item does
// not take it back for them until they ask. Before, the audit read claimed → claim_released →
// claimed → rejected.

const t = useTestDatabase();
const CHECKLIST = [...DEFAULT_CHECKLIST];

async function setting() {
  const artist = await artistWith(t.db);
  const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana Reviewer" });
  const ben = await createUser(t.db, { role: "reviewer", displayName: "Ben Reviewer" });
  const admin = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
  const { clip } = await createFinishedClip(t.db, artist);
  const s = await submitClip(
    t.db,
    acting(artist),
    submitInput.parse({
      clipId: clip.id,
      title: "Harbour fog",
      description: "For review.",
      intendedUse: "portfolio",
      channels: ["Vimeo"],
      agreeTerms: "on",
    }),
  );
  return { artist, ana, ben, admin, s };
}

const commentAs = (who: User, id: string) =>
  addComment(
    t.db,
    acting(who),
    id,
    commentInput.parse({ frame: "12", body: "Soft focus.", version: "1" }),
    { appUrl: APP_URL },
  );

const rejectAs = (who: User, id: string, state = "in_review") =>
  decide(
    t.db,
    acting(who),
    id,
    decisionInput.parse({
      decision: "reject",
      reasonCategory: "Quality",
      note: "Out of focus.",
      version: 1,
      state,
    }),
    { checklist: CHECKLIST, appUrl: APP_URL },
  );

async function row(id: string) {
  const [r] = await t.db.select().from(submissions).where(eq(submissions.id, id));
  return r!;
}

async function claimTrail(id: string) {
  const rows = await t.db
    .select({ action: auditLog.action, actorId: auditLog.actorId })
    .from(auditLog)
    .where(eq(auditLog.subjectId, id))
    .orderBy(asc(auditLog.id));
  return rows.filter((r) => r.action !== "submission.created");
}

describe("after an admin releases a claim", () => {
  it("the old holder's comment, decision and renewal are refused, naming who holds it now", async () => {
    const { ana, ben, admin, s } = await setting();
    await claimSubmission(t.db, acting(ana), s.id);
    await releaseClaim(t.db, acting(admin), s.id);
    expect(await row(s.id)).toMatchObject({
      state: "pending",
      claimedBy: null,
      claimReleasedFrom: ana.id,
      claimReleasedBy: admin.id,
    });

    const nobody = /^Ada Admin released your claim; nobody is reviewing this now\./;
    await expect(commentAs(ana, s.id)).rejects.toMatchObject({
      status: 409,
      field: "claim",
      message: expect.stringMatching(nobody),
    });
    // The form said "in review"; the claim is what the reviewer must hear about.
    await expect(rejectAs(ana, s.id)).rejects.toMatchObject({
      status: 409,
      field: "claim",
      message: expect.stringMatching(nobody),
    });
    await expect(renewClaim(t.db, acting(ana), s.id)).rejects.toMatchObject({
      status: 409,
      message:
        "Your claim has ended: Ada Admin released it. Nobody is reviewing this now; claim it again to go on.",
    });
    // The page's own claim as it opens is refused too: the release holds.
    await expect(claimSubmission(t.db, acting(ana), s.id, { onOpen: true })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/does not take it back/),
    });

    // Ben takes it: the release was about Ana's claim, and Ben's claim supersedes it.
    await claimSubmission(t.db, acting(ben), s.id);
    expect((await row(s.id)).claimReleasedFrom).toBeNull();
    await expect(commentAs(ana, s.id)).rejects.toMatchObject({
      status: 409,
      message: "Ben Reviewer is reviewing this now. Nothing was saved.",
    });
    await expect(rejectAs(ana, s.id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/Ben Reviewer is reviewing this now\. Nothing was recorded\./),
    });
    expect(await t.db.select().from(reviewComments)).toEqual([]);
    expect(await t.db.select().from(reviewDecisions)).toEqual([]);
    // Ana never took it back: the trail is hers, the release, then Ben's.
    expect(await claimTrail(s.id)).toEqual([
      { action: "submission.claimed", actorId: ana.id },
      { action: "submission.claim_released", actorId: admin.id },
      { action: "submission.claimed", actorId: ben.id },
    ]);
  });

  it("the old holder may claim again by asking, and then decides", async () => {
    const { ana, admin, s } = await setting();
    await claimSubmission(t.db, acting(ana), s.id);
    await releaseClaim(t.db, acting(admin), s.id);
    await claimSubmission(t.db, acting(ana), s.id);
    expect(await row(s.id)).toMatchObject({ claimedBy: ana.id, claimReleasedFrom: null });
    await rejectAs(ana, s.id);
    expect((await row(s.id)).state).toBe("rejected");
  });

  it("a holder stopping their own review leaves no release behind", async () => {
    const { ana, s } = await setting();
    await claimSubmission(t.db, acting(ana), s.id);
    await releaseClaim(t.db, acting(ana), s.id);
    expect((await row(s.id)).claimReleasedFrom).toBeNull();
    await claimSubmission(t.db, acting(ana), s.id, { onOpen: true });
    expect((await row(s.id)).claimedBy).toBe(ana.id);
  });

  it("a decision needs a live claim held by the decider", async () => {
    const { ana, ben, s } = await setting();
    await expect(rejectAs(ana, s.id, "pending")).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/^Claim this submission before deciding on it/),
    });
    await claimSubmission(t.db, acting(ben), s.id);
    await expect(rejectAs(ana, s.id)).rejects.toMatchObject({
      status: 409,
      message: "Ben Reviewer is reviewing this now. Nothing was recorded.",
    });
    // Ben's claim ran out: nobody holds it, and Ben is told to claim it again.
    await t.db
      .update(submissions)
      .set({ claimExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(submissions.id, s.id));
    await expect(rejectAs(ben, s.id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/^Claim this submission before deciding on it/),
    });
    expect(await t.db.select().from(reviewDecisions)).toEqual([]);
  });
});

describe("the released reviewer's page", () => {
  const page = async (who: User, id: string) =>
    callRoute(
      t.db,
      reviewLoader,
      makeRequest(`/review/${id}`, { cookie: await sessionCookieFor(t.db, who) }),
      { submissionId: id },
    );
  const post = async (who: User, id: string, form: Record<string, string> | FormData) =>
    callRoute(
      t.db,
      reviewAction,
      makeRequest(`/review/${id}`, { cookie: await sessionCookieFor(t.db, who), form }),
      { submissionId: id },
    );

  it("does not claim on opening, says who released it, and its stale forms get a 409 with the reason on the claim", async () => {
    const { ana, admin, s } = await setting();
    await claimSubmission(t.db, acting(ana), s.id);
    expect((await page(ana, s.id)).body).toMatchObject({ mine: true });
    await releaseClaim(t.db, acting(admin), s.id);

    const after = await page(ana, s.id);
    expect(after.body).toMatchObject({
      mine: false,
      claimOnOpen: false,
      released: { by: "Ada Admin" },
      submission: { claimHolder: null },
    });
    // Another reviewer opening it would claim it: the release is only about Ana.
    const { ben } = await setting();
    expect((await page(ben, s.id)).body).toMatchObject({ claimOnOpen: true, released: null });

    // The forms of Ana's stale page, as the browser sends them (with or without JavaScript).
    const form = new FormData();
    for (const [k, v] of Object.entries({
      intent: "decide",
      decision: "reject",
      reasonCategory: "Quality",
      note: "Blurry.",
      version: "1",
      state: "in_review",
    }))
      form.append(k, v);
    const decision = await post(ana, s.id, form);
    expect(decision.status).toBe(409);
    expect(decision.body).toMatchObject({
      form: "decision",
      errors: { claim: expect.stringMatching(/^Ada Admin released your claim/) },
    });
    const comment = await post(ana, s.id, {
      intent: "comment",
      frame: "12",
      body: "Late.",
      version: "1",
    });
    expect(comment.status).toBe(409);
    expect(comment.body).toMatchObject({ errors: { claim: expect.any(String) } });
    const renewal = await post(ana, s.id, { intent: "renew" });
    expect(renewal.status).toBe(409);
    const onOpen = await post(ana, s.id, { intent: "claim", onOpen: "1" });
    expect(onOpen.status).toBe(409);
    expect(onOpen.body).toMatchObject({ form: "claim" });
    expect((await row(s.id)).claimedBy).toBeNull();

    // "Claim it again" asks for it: then it is hers.
    const asked = await post(ana, s.id, { intent: "claim" });
    expect(asked.status).toBe(302);
    expect((await page(ana, s.id)).body).toMatchObject({ mine: true, released: null });
    const trail = await t.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, s.id), eq(auditLog.action, "submission.claimed")));
    expect(trail).toHaveLength(2);
  });
});
