import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  claimSubmission,
  decide as decideWith,
  decisionInput,
  releaseClaim,
  renewClaim,
} from "~/.server/review/reviewing";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { reviewDecisions, submissions, type User } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import { artistWith, createFinishedClip } from "../../support/generation";

const t = useTestDatabase();

// These tests are about claims and races; the checklist has its own tests (review-pages).
const decide = (...args: Parameters<typeof decideWith> extends [...infer A, unknown] ? A : never) =>
  decideWith(...args, { checklist: [], appUrl: "http://localhost:3000" });

async function submitted(use = "portfolio") {
  const artist = await artistWith(t.db);
  const { clip } = await createFinishedClip(t.db, artist);
  return submitClip(
    t.db,
    acting(artist),
    submitInput.parse({
      clipId: clip.id,
      title: "Harbour fog",
      description: "For review.",
      intendedUse: use,
      channels: ["Vimeo"],
      agreeTerms: "on",
    }),
  );
}

const approve = (state = "in_review", version = 1) =>
  decisionInput.parse({ decision: "approve", version, state });

async function row(id: string) {
  const [s] = await t.db.select().from(submissions).where(eq(submissions.id, id));
  return s!;
}

describe("claims", () => {
  it("one reviewer at a time; the holder renews; an expired claim is free; an admin can release", async () => {
    const s = await submitted();
    const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana Reviewer" });
    const ben = await createUser(t.db, { role: "reviewer" });
    const admin = await createUser(t.db, { role: "admin" });
    await claimSubmission(t.db, acting(ana), s.id);
    expect(await row(s.id)).toMatchObject({ state: "in_review", claimedBy: ana.id });
    await expect(claimSubmission(t.db, acting(ben), s.id)).rejects.toMatchObject({
      status: 409,
      message: "Ana Reviewer is reviewing this now.",
    });
    await claimSubmission(t.db, acting(ana), s.id); // renewal
    await expect(releaseClaim(t.db, acting(ben), s.id)).rejects.toMatchObject({ status: 403 });

    await t.db
      .update(submissions)
      .set({ claimExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(submissions.id, s.id));
    await claimSubmission(t.db, acting(ben), s.id);
    expect((await row(s.id)).claimedBy).toBe(ben.id);

    await releaseClaim(t.db, acting(admin), s.id);
    expect(await row(s.id)).toMatchObject({ state: "pending", claimedBy: null });
  });

  it("a renewal extends only one's own live claim: never re-takes a released or lapsed one", async () => {
    const s = await submitted();
    const ana = await createUser(t.db, { role: "reviewer" });
    const admin = await createUser(t.db, { role: "admin" });
    await expect(renewClaim(t.db, acting(ana), s.id)).rejects.toMatchObject({ status: 409 });
    expect((await row(s.id)).claimedBy).toBeNull();

    await claimSubmission(t.db, acting(ana), s.id);
    await t.db
      .update(submissions)
      .set({ claimExpiresAt: sql`now() + interval '1 minute'` })
      .where(eq(submissions.id, s.id));
    const { expiresAt } = await renewClaim(t.db, acting(ana), s.id);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    expect((await row(s.id)).claimExpiresAt!.getTime()).toBe(expiresAt.getTime());

    // An admin releases it while Ana's tab is still open: her next renewal does not take it back.
    await releaseClaim(t.db, acting(admin), s.id);
    await expect(renewClaim(t.db, acting(ana), s.id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/has ended/),
    });
    expect(await row(s.id)).toMatchObject({ state: "pending", claimedBy: null });

    // A lapsed claim is not renewed either.
    await claimSubmission(t.db, acting(ana), s.id);
    await t.db
      .update(submissions)
      .set({ claimExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(submissions.id, s.id));
    await expect(renewClaim(t.db, acting(ana), s.id)).rejects.toMatchObject({ status: 409 });
    await expect(renewClaim(t.db, acting(ana), "no-such-id")).rejects.toMatchObject({
      status: 404,
    });
  });

  it("artists cannot claim", async () => {
    const s = await submitted();
    const artist = await createUser(t.db, { role: "artist" });
    await expect(claimSubmission(t.db, acting(artist), s.id)).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe("decisions", () => {
  it("need the claim, a reason and a note for changes or rejection, and the state seen", async () => {
    const s = await submitted();
    const ana = await createUser(t.db, { role: "reviewer" });
    await expect(decide(t.db, acting(ana), s.id, approve("pending"))).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/Claim this submission/),
    });
    const missing = decisionInput.safeParse({ decision: "reject", version: 1, state: "in_review" });
    expect(missing.error!.issues.map((i) => i.path[0]).sort()).toEqual(["note", "reasonCategory"]);
    await claimSubmission(t.db, acting(ana), s.id);
    // Seen as pending, but it is in review now.
    await expect(decide(t.db, acting(ana), s.id, approve("pending"))).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/changed while you were reviewing/),
    });
    const result = await decide(
      t.db,
      acting(ana),
      s.id,
      decisionInput.parse({
        decision: "request_changes",
        reasonCategory: "Quality",
        note: "The caption is cut off at 0:03.",
        version: 1,
        state: "in_review",
      }),
    );
    expect(result.state).toBe("changes_requested");
    expect(await row(s.id)).toMatchObject({ state: "changes_requested", claimedBy: null });
  });

  it("commercial use needs two approvals from different reviewers", async () => {
    const s = await submitted("commercial");
    const ana = await createUser(t.db, { role: "reviewer" });
    const ben = await createUser(t.db, { role: "reviewer" });
    await claimSubmission(t.db, acting(ana), s.id);
    expect(await decide(t.db, acting(ana), s.id, approve())).toMatchObject({
      state: "in_review",
      approvals: 1,
    });
    // The same reviewer cannot give the second: she cannot even take it again.
    await expect(claimSubmission(t.db, acting(ana), s.id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/another reviewer/),
    });
    await claimSubmission(t.db, acting(ben), s.id);
    expect(await decide(t.db, acting(ben), s.id, approve())).toMatchObject({
      state: "approved",
      approvals: 2,
    });
    expect((await row(s.id)).decidedAt).not.toBeNull();
  });

  it("many decisions at once on one item record exactly one", async () => {
    const s = await submitted();
    const ana: User = await createUser(t.db, { role: "reviewer" });
    await claimSubmission(t.db, acting(ana), s.id);
    const attempts = Array.from({ length: 12 }, (_, i) =>
      decide(
        t.db,
        acting(ana),
        s.id,
        i % 2
          ? approve()
          : decisionInput.parse({
              decision: "reject",
              reasonCategory: "Content policy",
              note: "A real person's likeness without consent.",
              version: 1,
              state: "in_review",
            }),
      ),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 409 });
    const decisions = await t.db
      .select()
      .from(reviewDecisions)
      .where(eq(reviewDecisions.submissionId, s.id));
    expect(decisions).toHaveLength(1);
    expect(["approved", "rejected"]).toContain((await row(s.id)).state);
  });
});
