import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addComment, commentInput } from "~/.server/review/comments";
import { claimSubmission } from "~/.server/review/reviewing";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { emailOutbox, reviewComments, submissions } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, APP_URL, createUser } from "../../support/factories";
import { artistWith, createFinishedClip } from "../../support/generation";

const t = useTestDatabase();

const form = (clipId: string, submitKey?: string) =>
  submitInput.parse({
    clipId,
    title: "Tide pools",
    description: "For review.",
    intendedUse: "social",
    channels: ["Instagram"],
    agreeTerms: "on",
    submitKey,
  });

describe("a form sent twice does one thing", () => {
  it("one submission per submit key, however often and however concurrently it is sent", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const key = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => submitClip(t.db, acting(artist), form(clip.id, key))),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const [{ n }] = (await t.db
      .select({ n: count() })
      .from(submissions)
      .where(eq(submissions.userId, artist.id))) as [{ n: number }];
    expect(n).toBe(1);
    // Without a key (or with another one) it is a new submission, as the artist intends.
    await submitClip(t.db, acting(artist), form(clip.id, crypto.randomUUID()));
    await submitClip(t.db, acting(artist), form(clip.id));
    expect(
      await t.db.select().from(submissions).where(eq(submissions.userId, artist.id)),
    ).toHaveLength(3);
  });

  it("someone else's submit key gives nothing away", async () => {
    const artist = await artistWith(t.db);
    const other = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const { clip: otherClip } = await createFinishedClip(t.db, other);
    const key = crypto.randomUUID();
    await submitClip(t.db, acting(artist), form(clip.id, key));
    await expect(submitClip(t.db, acting(other), form(otherClip.id, key))).rejects.toMatchObject({
      status: 409,
    });
  });

  it("one comment and one email per comment key", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const submission = await submitClip(t.db, acting(artist), form(clip.id));
    const reviewer = await createUser(t.db, { role: "reviewer" });
    await claimSubmission(t.db, acting(reviewer), submission.id);
    const input = commentInput.parse({
      frame: "36",
      body: "Lovely light.",
      version: "1",
      clientKey: crypto.randomUUID(),
    });
    const emailsBefore = (await t.db.select().from(emailOutbox)).length;
    const first = await addComment(t.db, acting(reviewer), submission.id, input, {
      appUrl: APP_URL,
    });
    const again = await addComment(t.db, acting(reviewer), submission.id, input, {
      appUrl: APP_URL,
    });
    expect(again.comment.id).toBe(first.comment.id);
    expect(again.emailIds).toEqual([]);
    expect(
      await t.db
        .select()
        .from(reviewComments)
        .where(eq(reviewComments.submissionId, submission.id)),
    ).toHaveLength(1);
    expect((await t.db.select().from(emailOutbox)).length).toBe(emailsBefore + 1);
  });

  it("an emptied comment frame is refused, not taken as frame 0", () => {
    const parsed = commentInput.safeParse({ frame: "", body: "x", version: "1" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ["frame"],
      message: "Pick a frame of the clip.",
    });
  });
});
