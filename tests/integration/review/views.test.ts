import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { clipForMedia, deleteClip } from "~/.server/generation/studio";
import { claimSubmission, decide, decisionInput } from "~/.server/review/reviewing";
import {
  resubmit,
  submitClip,
  submitInput,
  withdrawSubmission,
} from "~/.server/review/submissions";
import {
  listOwnSubmissions,
  loadOwnSubmission,
  loadSubmissionForReview,
  reviewTimes,
  submissionsOfClip,
  SUBMISSIONS_PAGE_SIZE,
} from "~/.server/review/views";
import { clips, submissions, submissionVersions, type User } from "~db/schema";
import { loader as mediaLoader } from "~/routes/media.clips.$clipId.$kind/route";
import { loader as reviewItemLoader } from "~/routes/review.$submissionId/route";
import { loader as ownSubmissionLoader } from "~/routes/submissions.$submissionId/route";
import { loader as ownSubmissionsLoader } from "~/routes/submissions._index/route";
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

const t = useTestDatabase();

async function submit(artist: User, options: { clipId?: string; intendedUse?: string } = {}) {
  const clipId = options.clipId ?? (await createFinishedClip(t.db, artist)).clip.id;
  return submitClip(
    t.db,
    acting(artist),
    submitInput.parse({
      clipId,
      title: "Tide pools",
      description: "A slow pan over tide pools.",
      intendedUse: options.intendedUse ?? "portfolio",
      channels: ["Instagram"],
      agreeTerms: "on",
    }),
  );
}

async function row(id: string) {
  const [s] = await t.db.select().from(submissions).where(eq(submissions.id, id));
  return s!;
}

const decision = (input: Record<string, string>) =>
  decisionInput.parse({ version: "1", state: "in_review", ...input });
const decideAs = (reviewer: User, id: string, input: Record<string, string>) =>
  decide(t.db, acting(reviewer), id, decision(input), { checklist: [], appUrl: APP_URL });

describe("who sees a submission", () => {
  it("artists see only their own: someone else's is not found, in the domain and on the pages", async () => {
    const owner = await artistWith(t.db);
    const other = await artistWith(t.db);
    const s = await submit(owner);
    const theirs = await submit(other);

    const detail = await loadOwnSubmission(t.db, owner, s.id);
    expect(detail.submission).toMatchObject({ id: s.id, state: "pending", artist: "Test artist" });
    await expect(loadOwnSubmission(t.db, other, s.id)).rejects.toMatchObject({ status: 404 });

    const otherCookie = await sessionCookieFor(t.db, other);
    const page = await callRoute(
      t.db,
      ownSubmissionLoader,
      makeRequest(`/submissions/${s.id}`, { cookie: otherCookie }),
      { submissionId: s.id },
    );
    expect(page.status).toBe(404);
    expect(JSON.stringify(page.body)).not.toContain("Tide pools");

    const listed = await callRoute(
      t.db,
      ownSubmissionsLoader,
      makeRequest("/submissions", { cookie: otherCookie }),
    );
    expect(listed.status).toBe(200);
    expect((listed.body as { submissions: { id: string }[] }).submissions.map((x) => x.id)).toEqual(
      [theirs.id],
    );
    const { clipId } = (await loadOwnSubmission(t.db, owner, s.id)).versions[0]!;
    expect(await submissionsOfClip(t.db, other, clipId)).toEqual([]);
    expect((await submissionsOfClip(t.db, owner, clipId)).map((x) => x.id)).toEqual([s.id]);

    // Reviewers and admins do not read it as an artist's own.
    const reviewer = await createUser(t.db, { role: "reviewer" });
    await expect(loadOwnSubmission(t.db, reviewer, s.id)).rejects.toMatchObject({ status: 403 });
  });

  it("reviewers see submitted work but never a withdrawn submission", async () => {
    const artist = await artistWith(t.db);
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await submit(artist);
    expect((await loadSubmissionForReview(t.db, reviewer, s.id)).submission.id).toBe(s.id);
    await withdrawSubmission(t.db, acting(artist), s.id, s.revision);
    for (const who of [reviewer, admin]) {
      await expect(loadSubmissionForReview(t.db, who, s.id)).rejects.toMatchObject({
        status: 404,
      });
      const cookie = await sessionCookieFor(t.db, who);
      const page = await callRoute(
        t.db,
        reviewItemLoader,
        makeRequest(`/review/${s.id}`, { cookie }),
        { submissionId: s.id },
      );
      expect(page.status, who.role).toBe(404);
    }
    // Opening it did not claim it or change it in any way.
    expect(await row(s.id)).toMatchObject({ state: "withdrawn", claimedBy: null, revision: 2 });
    // The artist still sees it, withdrawn.
    expect((await loadOwnSubmission(t.db, artist, s.id)).submission.state).toBe("withdrawn");
    await expect(loadSubmissionForReview(t.db, artist, s.id)).rejects.toMatchObject({
      status: 403,
    });
  });

  it("lists the artist's own submissions newest first, in pages; a hand-edited link is a 400", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const made: string[] = [];
    for (let i = 0; i < SUBMISSIONS_PAGE_SIZE + 3; i++)
      made.push((await submit(artist, { clipId: clip.id })).id);
    const first = await listOwnSubmissions(t.db, artist, {});
    expect(first.submissions).toHaveLength(SUBMISSIONS_PAGE_SIZE);
    const second = await listOwnSubmissions(t.db, artist, { after: first.nextCursor });
    expect(second.nextCursor).toBeNull();
    const seen = [...first.submissions, ...second.submissions].map((s) => s.id);
    expect(new Set(seen).size).toBe(made.length);
    expect(seen.slice().sort()).toEqual(made.slice().sort());
    // Newest first: the last one made leads.
    expect(seen[0]).toBe(made.at(-1));
    for (const after of ["nonsense", `2030-02-30 10:00:00+00_${crypto.randomUUID()}`])
      await expect(listOwnSubmissions(t.db, artist, { after })).rejects.toMatchObject({
        status: 400,
      });
  });
});

describe("the timeline", () => {
  it("shows submission, claims and both approvals of a commercial use in order, with who", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana" });
    const ben = await createUser(t.db, { role: "reviewer", displayName: "Ben" });
    const s = await submit(artist, { intendedUse: "commercial" });
    await claimSubmission(t.db, acting(ana), s.id);
    await decideAs(ana, s.id, { decision: "approve" });
    await claimSubmission(t.db, acting(ben), s.id);
    await decideAs(ben, s.id, { decision: "approve" });

    const detail = await loadOwnSubmission(t.db, artist, s.id);
    expect(detail.timeline.map((e) => [e.kind, e.version, e.by])).toEqual([
      ["submitted", 1, "Test artist"],
      ["claimed", 1, "Ana"],
      ["first_approval", 1, "Ana"],
      ["claimed", 1, "Ben"],
      ["approved", 1, "Ben"],
    ]);
    expect(detail.submission).toMatchObject({ state: "approved", approvals: 2 });
    // Reviewers read the same history.
    const forReview = await loadSubmissionForReview(t.db, ana, s.id);
    expect(forReview.timeline.map((e) => e.kind)).toEqual(detail.timeline.map((e) => e.kind));
  });

  it("shows changes requested with the reason, the resubmitted version and a withdrawal", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana" });
    const { clip: v1 } = await createFinishedClip(t.db, artist);
    const s = await submit(artist, { clipId: v1.id });
    await claimSubmission(t.db, acting(ana), s.id);
    await decideAs(ana, s.id, {
      decision: "request_changes",
      reasonCategory: "Third-party marks or logos",
      note: "A soda logo shows at 0:02.",
    });
    const { clip: v2 } = await createFinishedClip(t.db, artist);
    await resubmit(t.db, acting(artist), s.id, {
      clipId: v2.id,
      note: "Logo removed.",
      revision: (await row(s.id)).revision,
    });
    await claimSubmission(t.db, acting(ana), s.id);
    await withdrawSubmission(t.db, acting(artist), s.id, (await row(s.id)).revision);

    const detail = await loadOwnSubmission(t.db, artist, s.id);
    expect(
      detail.timeline.map((e) => ({
        kind: e.kind,
        version: e.version,
        by: e.by,
        ...(e.reasonCategory !== undefined ? { reasonCategory: e.reasonCategory } : {}),
        note: e.note ?? null,
      })),
    ).toEqual([
      { kind: "submitted", version: 1, by: "Test artist", note: null },
      { kind: "claimed", version: 1, by: "Ana", note: null },
      {
        kind: "changes_requested",
        version: 1,
        by: "Ana",
        reasonCategory: "Third-party marks or logos",
        note: "A soda logo shows at 0:02.",
      },
      { kind: "resubmitted", version: 2, by: "Test artist", note: "Logo removed." },
      { kind: "claimed", version: 2, by: "Ana", note: null },
      { kind: "withdrawn", version: 2, by: "Test artist", note: null },
    ]);
    expect(detail.versions.map((v) => [v.number, v.clipId])).toEqual([
      [1, v1.id],
      [2, v2.id],
    ]);
    expect(detail.decisions).toMatchObject([
      { version: 1, decision: "request_changes", reviewer: "Ana" },
    ]);
  });
});

describe("published review times", () => {
  const NOW = new Date("2030-03-31T12:00:00.000Z");
  const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

  /** A version that entered the queue at `submittedHoursAgo` and was decided `took` hours later. */
  async function decidedVersion(
    artist: User,
    clipId: string,
    submittedHoursAgo: number,
    took: number | null,
  ) {
    const s = await submit(artist, { clipId });
    await t.db
      .update(submissionVersions)
      .set({
        createdAt: hoursBefore(submittedHoursAgo),
        decidedAt: took === null ? null : hoursBefore(submittedHoursAgo - took),
      })
      .where(eq(submissionVersions.submissionId, s.id));
  }

  it("are the median and p90 of submission-to-decision over the last 30 days", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    expect(await reviewTimes(t.db, NOW)).toEqual({
      decided: 0,
      medianHours: null,
      p90Hours: null,
    });
    // Decided within the window: 1, 2, 4, 10 and 20 hours.
    await decidedVersion(artist, clip.id, 30, 1);
    await decidedVersion(artist, clip.id, 100, 2);
    await decidedVersion(artist, clip.id, 24 * 29, 4);
    await decidedVersion(artist, clip.id, 50, 10);
    await decidedVersion(artist, clip.id, 300, 20);
    // Outside it: decided 31 and 45 days ago (quick and slow), and still waiting.
    await decidedVersion(artist, clip.id, 24 * 31 + 1, 1);
    await decidedVersion(artist, clip.id, 24 * 45 + 900, 900);
    await decidedVersion(artist, clip.id, 5, null);
    // Submitted 40 days ago but decided 10 days ago: it counts, at 720 hours.
    // Sorted: 1, 2, 4, 10, 20, 720 → median (4+10)/2 = 7; p90 at rank 4.5 → 20 + 0.5 × 700 = 370.
    await decidedVersion(artist, clip.id, 24 * 40, 24 * 30);
    const times = await reviewTimes(t.db, NOW);
    expect(times.decided).toBe(6);
    expect(times.medianHours).toBeCloseTo(7, 6);
    expect(times.p90Hours).toBeCloseTo(370, 6);
  });

  it("with five values: median is the middle one and p90 interpolates between the top two", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    for (const [ago, took] of [
      [10, 3],
      [20, 1],
      [30, 8],
      [40, 2],
      [60, 50],
    ] as const)
      await decidedVersion(artist, clip.id, ago, took);
    // Sorted: 1, 2, 3, 8, 50 → median 3; p90 at rank 3.6 → 8 + 0.6 × 42 = 33.2.
    const times = await reviewTimes(t.db, NOW);
    expect(times).toMatchObject({ decided: 5 });
    expect(times.medianHours).toBeCloseTo(3, 6);
    expect(times.p90Hours).toBeCloseTo(33.2, 6);
  });
});

describe("a clip's media and its submissions", () => {
  const fetchMedia = (user: User, cookie: string, clipId: string) =>
    callRoute(t.db, mediaLoader, makeRequest(`/media/clips/${clipId}/video`, { cookie }), {
      clipId,
      kind: "video",
    }).then((res) => ({ who: user.role, status: res.status }));

  it("reviewers and admins see it only while it is part of a submission that was not withdrawn", async () => {
    const artist = await artistWith(t.db);
    const other = await artistWith(t.db);
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const admin = await createUser(t.db, { role: "admin" });
    const { clip } = await createFinishedClip(t.db, artist);
    const cookies = new Map<User, string>();
    for (const u of [artist, other, reviewer, admin])
      cookies.set(u, await sessionCookieFor(t.db, u));
    const statuses = async () =>
      Promise.all(
        [artist, other, reviewer, admin].map((u) => fetchMedia(u, cookies.get(u)!, clip.id)),
      ).then((all) => all.map((r) => r.status));

    // Not submitted: the owner only.
    expect(await statuses()).toEqual([200, 404, 404, 404]);
    await expect(clipForMedia(t.db, reviewer, clip.id)).rejects.toMatchObject({ status: 404 });

    const s = await submit(artist, { clipId: clip.id });
    expect(await statuses()).toEqual([200, 404, 200, 200]);
    expect((await clipForMedia(t.db, reviewer, clip.id)).id).toBe(clip.id);

    await withdrawSubmission(t.db, acting(artist), s.id, s.revision);
    expect(await statuses()).toEqual([200, 404, 404, 404]);
  });

  it("an earlier version's clip stays visible to reviewers after a resubmission with another clip", async () => {
    const artist = await artistWith(t.db);
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const s = await submit(artist);
    const v1 = (await loadOwnSubmission(t.db, artist, s.id)).versions[0]!.clipId;
    await claimSubmission(t.db, acting(reviewer), s.id);
    await decideAs(reviewer, s.id, {
      decision: "request_changes",
      reasonCategory: "Quality",
      note: "Too dark.",
    });
    const { clip: v2 } = await createFinishedClip(t.db, artist);
    await resubmit(t.db, acting(artist), s.id, {
      clipId: v2.id,
      revision: (await row(s.id)).revision,
    });
    expect((await clipForMedia(t.db, reviewer, v1)).id).toBe(v1);
    expect((await clipForMedia(t.db, reviewer, v2.id)).id).toBe(v2.id);
  });

  it("a submitted clip cannot be deleted while waiting or approved; after withdrawal it can", async () => {
    const artist = await artistWith(t.db);
    const other = await artistWith(t.db);
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const { clip } = await createFinishedClip(t.db, artist);
    const s = await submit(artist, { clipId: clip.id });
    await expect(deleteClip(t.db, acting(artist), clip.id)).rejects.toMatchObject({
      status: 409,
      field: "delete",
    });
    // Someone else learns nothing about it: not found, as for any clip that is not theirs.
    await expect(deleteClip(t.db, acting(other), clip.id)).rejects.toMatchObject({
      status: 404,
    });
    await claimSubmission(t.db, acting(reviewer), s.id);
    await expect(deleteClip(t.db, acting(artist), clip.id)).rejects.toMatchObject({
      status: 409,
      field: "delete",
    });
    await withdrawSubmission(t.db, acting(artist), s.id, (await row(s.id)).revision);
    await deleteClip(t.db, acting(artist), clip.id);
    const [deleted] = await t.db.select().from(clips).where(eq(clips.id, clip.id));
    expect(deleted!.deletedAt).not.toBeNull();

    const { clip: approvedClip } = await createFinishedClip(t.db, artist);
    const approved = await submit(artist, { clipId: approvedClip.id });
    await claimSubmission(t.db, acting(reviewer), approved.id);
    await decideAs(reviewer, approved.id, { decision: "approve" });
    await expect(deleteClip(t.db, acting(artist), approvedClip.id)).rejects.toMatchObject({
      status: 409,
      field: "delete",
    });
    const [kept] = await t.db.select().from(clips).where(eq(clips.id, approvedClip.id));
    expect(kept!.deletedAt).toBeNull();
  });

  it("a clip is never left deleted inside a waiting submission, however delete and submit interleave", async () => {
    const artist = await artistWith(t.db);
    for (let round = 0; round < 8; round++) {
      const { clip } = await createFinishedClip(t.db, artist);
      const results = await Promise.allSettled([
        deleteClip(t.db, acting(artist), clip.id),
        submit(artist, { clipId: clip.id }),
      ]);
      // One of them may lose, and then only with the person's error, never ours.
      for (const r of results)
        if (r.status === "rejected") expect([404, 409]).toContain(r.reason.status);
      const [after] = await t.db.select().from(clips).where(eq(clips.id, clip.id));
      const waiting = await t.db
        .select({ id: submissions.id })
        .from(submissionVersions)
        .innerJoin(submissions, eq(submissions.id, submissionVersions.submissionId))
        .where(eq(submissionVersions.clipId, clip.id));
      expect(after!.deletedAt !== null && waiting.length > 0, `round ${round}`).toBe(false);
      expect(after!.deletedAt !== null || waiting.length > 0, `round ${round}`).toBe(true);
    }
  });
});
