import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  addComment,
  commentInput,
  replyInput,
  replyToComment,
  setCommentResolved,
} from "~/.server/review/comments";
import { claimSubmission } from "~/.server/review/reviewing";
import { submitClip, submitInput, withdrawSubmission } from "~/.server/review/submissions";
import { loadOwnSubmission, loadSubmissionForReview } from "~/.server/review/views";
import { emailPreferencesInput, saveEmailPreferences } from "~/.server/notifications/preferences";
import { MAX_PEN_POINTS, serializeAnnotation, type Annotation } from "~/lib/annotations";
import {
  auditLog,
  emailOutbox,
  notifications,
  reviewComments,
  reviewReplies,
  type User,
} from "~db/schema";
import {
  action as reviewAction,
  loader as reviewLoader,
} from "~/routes/review.$submissionId/route";
import { action as ownAction, loader as ownLoader } from "~/routes/submissions.$submissionId/route";
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

// Comments at a frame or a range with drawn notes, and the threads under them: who may write,
// what is stored, who is told. The test clips are 5 seconds at 24 fps: frames 0..119.

const t = useTestDatabase();

const ARROW: Annotation = {
  v: 1,
  shapes: [{ kind: "arrow", color: "red", width: 3, from: [0.1, 0.2], to: [0.5, 0.5] }],
};

async function submitted(artist: User) {
  const { clip } = await createFinishedClip(t.db, artist);
  return submitClip(
    t.db,
    acting(artist),
    submitInput.parse({
      clipId: clip.id,
      title: "Salt flats",
      description: "Wide shots at noon.",
      intendedUse: "portfolio",
      channels: ["YouTube"],
      agreeTerms: "on",
    }),
  );
}

async function people() {
  const artist = await artistWith(t.db);
  const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana Reviewer" });
  const ben = await createUser(t.db, { role: "reviewer", displayName: "Ben Reviewer" });
  return { artist, ana, ben };
}

const comment = (fields: Record<string, unknown>) =>
  commentInput.parse({ body: "Look here.", version: "1", ...fields });

async function written() {
  const [c, r, n, e] = await Promise.all([
    t.db.select().from(reviewComments),
    t.db.select().from(reviewReplies),
    t.db.select().from(notifications),
    t.db.select().from(emailOutbox),
  ]);
  return { comments: c.length, replies: r.length, notes: n.length, emails: e.length };
}

const notesOf = (user: User) =>
  t.db
    .select({ kind: notifications.kind, title: notifications.title, link: notifications.link })
    .from(notifications)
    .where(eq(notifications.userId, user.id))
    .orderBy(asc(notifications.createdAt), asc(notifications.id));

const emailsTo = (user: User) =>
  t.db
    .select({ template: emailOutbox.template, subject: emailOutbox.subject })
    .from(emailOutbox)
    .where(eq(emailOutbox.recipient, user.email))
    .orderBy(asc(emailOutbox.createdAt), asc(emailOutbox.id));

describe("comments on a range, with a drawing", () => {
  it("store the frames and the normalised drawing, and the artist reads them on their page", async () => {
    const { artist, ana } = await people();
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    const { comment: saved } = await addComment(
      t.db,
      acting(ana),
      s.id,
      comment({
        frame: "24",
        endFrame: "47",
        annotation: serializeAnnotation(ARROW),
        body: "The horizon tilts over this second.",
      }),
      { appUrl: APP_URL },
    );
    expect(saved).toMatchObject({ frame: 24, endFrame: 47, annotation: ARROW });
    const [note] = await notesOf(artist);
    expect(note!.title).toBe("Comment at 00:00:01:00–00:00:01:23 on Salt flats");
    const [email] = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, artist.email));
    expect(email!.text).toContain("with a drawing on the frame");

    const detail = await loadOwnSubmission(t.db, artist, s.id);
    expect(detail.versions[0]!.frameRate).toBe("24/1");
    expect(detail.comments).toMatchObject([
      { frame: 24, endFrame: 47, annotation: ARROW, author: "Ana Reviewer", replies: [] },
    ]);
  });

  it("a range of one frame is that frame; a range ending before it starts is refused", async () => {
    const { artist, ana } = await people();
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    const { comment: single } = await addComment(
      t.db,
      acting(ana),
      s.id,
      comment({ frame: "10", endFrame: "10" }),
      { appUrl: APP_URL },
    );
    expect(single.endFrame).toBeNull();
    const backwards = commentInput.safeParse({ frame: "10", endFrame: "9", body: "x", version: 1 });
    expect(backwards.error?.issues[0]).toMatchObject({ path: ["endFrame"] });
    await expect(
      addComment(t.db, acting(ana), s.id, comment({ frame: "100", endFrame: "120" }), {
        appUrl: APP_URL,
      }),
    ).rejects.toMatchObject({ status: 422, field: "endFrame" });
  });

  const hugePen = JSON.stringify({
    v: 1,
    shapes: [
      {
        kind: "pen",
        color: "red",
        width: 3,
        points: Array.from({ length: MAX_PEN_POINTS + 1 }, (_, i) => [i / 5000, 0.5]),
      },
    ],
  });
  it.each([
    ["not JSON", "{nope", /not valid JSON/],
    ["an unknown shape", '{"v":1,"shapes":[{"kind":"star"}]}', /pen line, an arrow or a rect/],
    [
      "a coordinate outside the frame",
      '{"v":1,"shapes":[{"kind":"arrow","color":"red","width":3,"from":[0,0],"to":[1.5,0.2]}]}',
      /between 0 and 1/,
    ],
    ["too many points", hugePen, /at most 2000 points|too detailed/],
    ["an escaped NUL", '{"v":1,"shapes":[],"x":"\\u0000"}', /NUL character/],
    [
      "a field it should not have",
      '{"v":1,"shapes":[],"script":"alert(1)"}',
      /field it should not/,
    ],
  ])(
    "a drawing with %s is a 422 on annotation through the page, and nothing is written",
    async (_what, annotation, message) => {
      const { artist, ana } = await people();
      const s = await submitted(artist);
      await claimSubmission(t.db, acting(ana), s.id);
      const before = await written();
      const res = await callRoute(
        t.db,
        reviewAction,
        makeRequest(`/review/${s.id}`, {
          cookie: await sessionCookieFor(t.db, ana),
          form: { intent: "comment", frame: "12", body: "Here.", version: "1", annotation },
        }),
        { submissionId: s.id },
      );
      expect(res.status).toBe(422);
      const errors = (res.body as { errors: Record<string, string> }).errors;
      expect(Object.keys(errors)).toEqual(["annotation"]);
      expect(errors.annotation).toMatch(message);
      expect(await written()).toEqual(before);
    },
  );

  it("a raw NUL in the drawing is refused at the door (400), before anything is read", async () => {
    const { artist, ana } = await people();
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    const res = await callRoute(
      t.db,
      reviewAction,
      makeRequest(`/review/${s.id}`, {
        cookie: await sessionCookieFor(t.db, ana),
        form: { intent: "comment", frame: "12", body: "Here.", version: "1", annotation: "\0" },
      }),
      { submissionId: s.id },
    );
    expect(res.status).toBe(400);
    expect(await t.db.select().from(reviewComments)).toEqual([]);
  });
});

describe("threads", () => {
  async function withComment() {
    const who = await people();
    const s = await submitted(who.artist);
    await claimSubmission(t.db, acting(who.ana), s.id);
    const { comment: c } = await addComment(
      t.db,
      acting(who.ana),
      s.id,
      comment({ frame: "36", endFrame: "60", annotation: serializeAnnotation(ARROW) }),
      { appUrl: APP_URL },
    );
    return { ...who, s, c };
  }
  const reply = (body: string, commentId: number, clientKey?: string) =>
    replyInput.parse({ body, commentId: String(commentId), clientKey });

  it("the artist answers; the comment's reviewer hears of it in-app and by email", async () => {
    const { artist, ana, s, c } = await withComment();
    const { reply: saved, emailIds } = await replyToComment(
      t.db,
      acting(artist),
      s.id,
      reply("Blanked in the next take.", c.id),
      { appUrl: APP_URL },
    );
    expect(saved).toMatchObject({ commentId: c.id, authorId: artist.id });
    expect(emailIds).toHaveLength(1);
    expect(await notesOf(ana)).toEqual([
      {
        kind: "review_thread_reply",
        title: `${artist.displayName} replied at 00:00:01:12–00:00:02:12 on Salt flats`,
        link: `/review/${s.id}#comment-${c.id}`,
      },
    ]);
    expect(await emailsTo(ana)).toEqual([
      {
        template: "review-reply",
        subject: `${artist.displayName} replied at 00:00:01:12–00:00:02:12 on "Salt flats"`,
      },
    ]);
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, s.id), eq(auditLog.action, "submission.comment_replied")));
    expect(audit).toMatchObject({ actorId: artist.id, data: { commentId: c.id, version: 1 } });
  });

  it("a reviewer answers without holding the claim; the artist and the others in the thread hear of it, by email only if they want it", async () => {
    const { artist, ana, ben, s, c } = await withComment();
    await replyToComment(t.db, acting(artist), s.id, reply("Which spine?", c.id), {
      appUrl: APP_URL,
    });
    // Ben never claimed it; the artist turned comment emails off, Ana turned thread emails off.
    await saveEmailPreferences(
      t.db,
      acting(artist),
      emailPreferencesInput.parse({ email: ["review_decisions", "rights", "money"] }),
    );
    await saveEmailPreferences(
      t.db,
      acting(ana),
      emailPreferencesInput.parse({ email: ["overdue_digest"] }),
    );
    const artistEmails = (await emailsTo(artist)).length;
    const anaEmails = (await emailsTo(ana)).length;
    const { emailIds } = await replyToComment(
      t.db,
      acting(ben),
      s.id,
      reply("The second one from the left.", c.id),
      { appUrl: APP_URL },
    );
    expect(emailIds).toEqual([]);
    expect((await notesOf(artist)).at(-1)).toMatchObject({
      kind: "review_reply",
      title: "Ben Reviewer replied at 00:00:01:12–00:00:02:12 on Salt flats",
      link: `/submissions/${s.id}#comment-${c.id}`,
    });
    expect((await notesOf(ana)).at(-1)).toMatchObject({ kind: "review_thread_reply" });
    expect(await notesOf(ben)).toEqual([]);
    expect((await emailsTo(artist)).length).toBe(artistEmails);
    expect((await emailsTo(ana)).length).toBe(anaEmails);

    const detail = await loadSubmissionForReview(t.db, ben, s.id);
    expect(detail.comments[0]!.replies).toMatchObject([
      { body: "Which spine?", byArtist: true, author: artist.displayName },
      { body: "The second one from the left.", byArtist: false, author: "Ben Reviewer" },
    ]);
  });

  it("a resent reply is stored and sent once", async () => {
    const { artist, s, c } = await withComment();
    const key = crypto.randomUUID();
    const first = await replyToComment(t.db, acting(artist), s.id, reply("Done.", c.id, key), {
      appUrl: APP_URL,
    });
    const again = await replyToComment(t.db, acting(artist), s.id, reply("Done.", c.id, key), {
      appUrl: APP_URL,
    });
    expect(again.reply.id).toBe(first.reply.id);
    expect(again.emailIds).toEqual([]);
    expect(await t.db.select().from(reviewReplies)).toHaveLength(1);
  });

  it("someone else's thread is not found; a withdrawn submission's threads are closed", async () => {
    const { artist, ana, s, c } = await withComment();
    const other = await artistWith(t.db);
    await expect(
      replyToComment(t.db, acting(other), s.id, reply("Hi", c.id), { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(setCommentResolved(t.db, acting(other), s.id, c.id, true)).rejects.toMatchObject({
      status: 404,
    });
    // A comment of another submission is not this thread's.
    const elsewhere = await submitted(artist);
    await expect(
      replyToComment(t.db, acting(artist), elsewhere.id, reply("Hi", c.id), { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 404, message: "There is no such comment." });

    await withdrawSubmission(t.db, acting(artist), s.id, 1);
    await expect(
      replyToComment(t.db, acting(artist), s.id, reply("Hi", c.id), { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      replyToComment(t.db, acting(ana), s.id, reply("Hi", c.id), { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await t.db.select().from(reviewReplies)).toEqual([]);
  });

  it("resolve and reopen, by the artist or a reviewer; doing it twice records it once", async () => {
    const { artist, ana, s, c } = await withComment();
    const results = await Promise.all([
      setCommentResolved(t.db, acting(artist), s.id, c.id, true),
      setCommentResolved(t.db, acting(ana), s.id, c.id, true),
    ]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const [row] = await t.db.select().from(reviewComments).where(eq(reviewComments.id, c.id));
    expect(row!.resolvedAt).not.toBeNull();
    let view = await loadOwnSubmission(t.db, artist, s.id);
    expect(view.comments[0]!.resolvedBy).toMatch(/^(Ana Reviewer|Test artist)$/);

    expect(await setCommentResolved(t.db, acting(ana), s.id, c.id, false)).toEqual({
      changed: true,
    });
    view = await loadOwnSubmission(t.db, artist, s.id);
    expect(view.comments[0]).toMatchObject({ resolvedAt: null, resolvedBy: null });
    const audits = await t.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.subjectId, s.id))
      .orderBy(asc(auditLog.id));
    expect(audits.map((a) => a.action).filter((a) => a.includes("comment_"))).toEqual([
      "submission.comment_resolved",
      "submission.comment_reopened",
    ]);
  });

  it("through the pages: the artist replies and resolves; a refusal shows on that thread", async () => {
    const { artist, ana, s, c } = await withComment();
    const cookie = await sessionCookieFor(t.db, artist);
    const post = (form: Record<string, string>) =>
      callRoute(t.db, ownAction, makeRequest(`/submissions/${s.id}`, { cookie, form }), {
        submissionId: s.id,
      });
    const empty = await post({ intent: "reply", commentId: String(c.id), body: " " });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ id: `thread-${c.id}`, errors: { body: "Write a reply." } });
    expect((await post({ intent: "reply", commentId: String(c.id), body: "On it." })).status).toBe(
      200,
    );
    expect((await post({ intent: "resolve", commentId: String(c.id) })).status).toBe(200);
    const page = await callRoute(t.db, ownLoader, makeRequest(`/submissions/${s.id}`, { cookie }), {
      submissionId: s.id,
    });
    const body = page.body as {
      versions: { comments: { replies: { body: string }[]; resolvedAt: string | null }[] }[];
      replyKey: string;
    };
    expect(body.versions[0]!.comments[0]!.replies.map((r) => r.body)).toEqual(["On it."]);
    expect(body.versions[0]!.comments[0]!.resolvedAt).not.toBeNull();
    expect(body.replyKey).toMatch(/^[0-9a-f-]{36}$/);

    // The reviewer's page has the same thread, and may reopen it without a claim.
    const reviewerCookie = await sessionCookieFor(t.db, ana);
    const reopened = await callRoute(
      t.db,
      reviewAction,
      makeRequest(`/review/${s.id}`, {
        cookie: reviewerCookie,
        form: { intent: "reopen", commentId: String(c.id) },
      }),
      { submissionId: s.id },
    );
    expect(reopened.status).toBe(200);
    const reviewPage = await callRoute(
      t.db,
      reviewLoader,
      makeRequest(`/review/${s.id}`, { cookie: reviewerCookie }),
      { submissionId: s.id },
    );
    expect(
      (reviewPage.body as { versions: { comments: { resolvedAt: unknown }[] }[] }).versions[0]!
        .comments[0]!.resolvedAt,
    ).toBeNull();
  });
});
