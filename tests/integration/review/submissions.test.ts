import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  resubmit,
  submitClip,
  submitInput,
  withdrawSubmission,
} from "~/.server/review/submissions";
import { auditLog, submissions, submissionVersions } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting } from "../../support/factories";
import { artistWith, createFinishedClip } from "../../support/generation";

const t = useTestDatabase();

const input = (clipId: string, overrides: Record<string, unknown> = {}) =>
  submitInput.parse({
    clipId,
    title: "Lighthouse at dusk",
    description: "For my portfolio reel.",
    intendedUse: "portfolio",
    channels: ["Vimeo", "Personal website"],
    agreeTerms: "on",
    ...overrides,
  });

async function row(id: string) {
  const [s] = await t.db.select().from(submissions).where(eq(submissions.id, id));
  return s!;
}

describe("submitting a clip", () => {
  it("creates a pending submission with version 1 and the approvals its use needs", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const portfolio = await submitClip(t.db, acting(artist), input(clip.id));
    expect(portfolio).toMatchObject({ state: "pending", currentVersion: 1, approvalsNeeded: 1 });
    const commercial = await submitClip(
      t.db,
      acting(artist),
      input(clip.id, { intendedUse: "commercial" }),
    );
    expect(commercial.approvalsNeeded).toBe(2);
    const versions = await t.db
      .select()
      .from(submissionVersions)
      .where(eq(submissionVersions.submissionId, portfolio.id));
    expect(versions).toMatchObject([{ number: 1, clipId: clip.id }]);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.subjectId, portfolio.id));
    expect(audit.map((a) => a.action)).toEqual(["submission.created"]);
  });

  it("refuses bad input with messages, and someone else's or a deleted clip as not found", async () => {
    const parsed = submitInput.safeParse({ clipId: "x", channels: "Myspace", agreeTerms: "" });
    expect(parsed.success).toBe(false);
    const fields = parsed.error!.issues.map((i) => i.path[0]);
    expect(fields).toEqual(
      expect.arrayContaining(["title", "description", "intendedUse", "channels", "agreeTerms"]),
    );
    const owner = await artistWith(t.db);
    const other = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, owner);
    await expect(submitClip(t.db, acting(other), input(clip.id))).rejects.toMatchObject({
      status: 404,
    });
    const reviewer = { ...acting(owner), role: "reviewer" as const };
    await expect(submitClip(t.db, reviewer, input(clip.id))).rejects.toMatchObject({
      status: 403,
    });
    expect(await t.db.select().from(submissions)).toHaveLength(0);
  });
});

describe("withdrawing and resubmitting", () => {
  it("withdraws before a decision, naming the revision it saw", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const s = await submitClip(t.db, acting(artist), input(clip.id));
    await expect(
      withdrawSubmission(t.db, acting(artist), s.id, s.revision + 1),
    ).rejects.toMatchObject({ status: 409 });
    await withdrawSubmission(t.db, acting(artist), s.id, s.revision);
    expect(await row(s.id)).toMatchObject({ state: "withdrawn", revision: 2 });
    await expect(withdrawSubmission(t.db, acting(artist), s.id, 2)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/can no longer be withdrawn/),
    });
  });

  it("another artist cannot withdraw it", async () => {
    const artist = await artistWith(t.db);
    const other = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const s = await submitClip(t.db, acting(artist), input(clip.id));
    await expect(withdrawSubmission(t.db, acting(other), s.id, 1)).rejects.toMatchObject({
      status: 404,
    });
    expect((await row(s.id)).state).toBe("pending");
  });

  it("resubmits only after changes were requested, as the next version", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const { clip: better } = await createFinishedClip(t.db, artist);
    const s = await submitClip(t.db, acting(artist), input(clip.id));
    await expect(
      resubmit(t.db, acting(artist), s.id, { clipId: better.id, revision: 1 }),
    ).rejects.toMatchObject({ status: 409 });
    // As the reviewer's decision will leave it (review issue): changes requested.
    await t.db
      .update(submissions)
      .set({ state: "changes_requested", revision: 3 })
      .where(eq(submissions.id, s.id));
    const number = await resubmit(t.db, acting(artist), s.id, {
      clipId: better.id,
      note: "Slower push-in, as asked.",
      revision: 3,
    });
    expect(number).toBe(2);
    expect(await row(s.id)).toMatchObject({ state: "pending", currentVersion: 2, revision: 4 });
    const versions = await t.db
      .select()
      .from(submissionVersions)
      .where(eq(submissionVersions.submissionId, s.id))
      .orderBy(submissionVersions.number);
    expect(versions.map((v) => [v.number, v.clipId, v.note])).toEqual([
      [1, clip.id, null],
      [2, better.id, "Slower push-in, as asked."],
    ]);
  });
});
