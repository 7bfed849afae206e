import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addComment, commentInput, replyInput, replyToComment } from "~/.server/review/comments";
import { exportComments, exportQuery } from "~/.server/review/exports";
import { claimSubmission, decide, decisionInput } from "~/.server/review/reviewing";
import {
  resubmit,
  submitClip,
  submitInput,
  withdrawSubmission,
} from "~/.server/review/submissions";
import { loadOwnSubmission, pickComparison } from "~/.server/review/views";
import { serializeAnnotation } from "~/lib/annotations";
import { DEFAULT_CHECKLIST } from "~/lib/review";
import { auditLog, emailOutbox, notifications, reviewDecisions, type User } from "~db/schema";
import { loader as reviewCompareLoader } from "~/routes/review.$submissionId_.compare/route";
import { loader as reviewExportLoader } from "~/routes/review.$submissionId_.export/route";
import { loader as ownSubmissionLoader } from "~/routes/submissions.$submissionId/route";
import { loader as ownCompareLoader } from "~/routes/submissions.$submissionId_.compare/route";
import { loader as ownExportLoader } from "~/routes/submissions.$submissionId_.export/route";
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

// The checklist a decision keeps (and the failed items it points at), the exports of a version's
// comments, and comparing versions. Test clips are 5 seconds at 24 fps.

const t = useTestDatabase();
const CHECKLIST = [...DEFAULT_CHECKLIST];
const LOGOS = "No third-party logos or trademarks";

async function submitted(artist: User, title = "Salt flats") {
  const { clip } = await createFinishedClip(t.db, artist);
  return submitClip(
    t.db,
    acting(artist),
    submitInput.parse({
      clipId: clip.id,
      title,
      description: "Wide shots at noon.",
      intendedUse: "portfolio",
      channels: ["YouTube"],
      agreeTerms: "on",
    }),
  );
}

const decision = (fields: Record<string, unknown>) =>
  decisionInput.parse({ version: "1", state: "in_review", ...fields });

describe("the checklist a decision keeps", () => {
  it("points at the failed items, which the artist reads with the note, in the history and in the audit", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana Reviewer" });
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    await decide(
      t.db,
      acting(ana),
      s.id,
      decision({
        decision: "request_changes",
        reasonCategory: "Third-party marks or logos",
        note: "The truck has a real logo.",
        checklist: CHECKLIST.filter((item) => item !== LOGOS),
        failed: [LOGOS],
      }),
      { checklist: CHECKLIST, appUrl: APP_URL },
    );
    const expected = CHECKLIST.map((item) =>
      item === LOGOS ? { item, checked: false, failed: true } : { item, checked: true },
    );
    const [stored] = await t.db.select().from(reviewDecisions);
    expect(stored!.checklist).toEqual(expected);
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "submission.changes_requested"));
    expect(audit!.data).toMatchObject({ checklist: expected });
    const [note] = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, artist.id));
    expect(note!.body).toBe(
      `Third-party marks or logos — The truck has a real logo. — Not met: ${LOGOS}`,
    );
    const [email] = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, artist.email));
    expect(email!.text).toContain(`Not met: ${LOGOS}`);

    // The artist's page: on the decision and in the history.
    const page = await callRoute(
      t.db,
      ownSubmissionLoader,
      makeRequest(`/submissions/${s.id}`, { cookie: await sessionCookieFor(t.db, artist) }),
      { submissionId: s.id },
    );
    const body = page.body as {
      decisions: { checklist: unknown }[];
      timeline: { kind: string; checklist?: unknown }[];
    };
    expect(body.decisions[0]!.checklist).toEqual(expected);
    expect(body.timeline.find((e) => e.kind === "changes_requested")!.checklist).toEqual(expected);
  });

  it.each([
    [
      "an item the checklist does not have",
      { decision: "reject", failed: ["Something else"] },
      "Point only at items of the checklist.",
    ],
    [
      "an item both holding and failed",
      { decision: "reject", checklist: [LOGOS], failed: [LOGOS] },
      "An item cannot both hold and fail: untick it in the checklist or here.",
    ],
  ])("refuses %s with a 422 next to the list, writing nothing", async (_what, fields, message) => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    await expect(
      decide(
        t.db,
        acting(ana),
        s.id,
        decision({ reasonCategory: "Quality", note: "No.", ...fields }),
        { checklist: CHECKLIST, appUrl: APP_URL },
      ),
    ).rejects.toMatchObject({ status: 422, field: "failed", message });
    expect(await t.db.select().from(reviewDecisions)).toEqual([]);
  });

  it("an approval cannot point at failed items", () => {
    const parsed = decisionInput.safeParse({
      decision: "approve",
      checklist: CHECKLIST,
      failed: [LOGOS],
      version: "1",
      state: "in_review",
    });
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["failed"] });
  });
});

describe("exports of a version's comments", () => {
  async function reviewed() {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana Reviewer" });
    const s = await submitted(artist, "Salt, flats");
    await claimSubmission(t.db, acting(ana), s.id);
    const say = (frame: string, body: string, extra: Record<string, string> = {}) =>
      addComment(
        t.db,
        acting(ana),
        s.id,
        commentInput.parse({ frame, body, version: "1", ...extra }),
        { appUrl: APP_URL },
      );
    const { comment: first } = await say("24", "Horizon tilts | here\nand here", {
      endFrame: "47",
      annotation: serializeAnnotation({
        v: 1,
        shapes: [{ kind: "rect", color: "blue", width: 2, x: 0.1, y: 0.1, w: 0.2, h: 0.2 }],
      }),
    });
    const { comment: second } = await say("119", '=HYPERLINK("http://evil")');
    await replyToComment(
      t.db,
      acting(artist),
      s.id,
      replyInput.parse({ commentId: String(first.id), body: "Fixed, see v2." }),
      { appUrl: APP_URL },
    );
    return { artist, ana, s, first, second };
  }

  it("as CSV: one row per comment and reply, timecodes at the clip's rate, formulas made inert", async () => {
    const { artist, s, first, second } = await reviewed();
    const csv = await exportComments(
      t.db,
      acting(artist),
      s.id,
      exportQuery.parse({ format: "csv" }),
    );
    expect(csv.filename).toBe("salt-flats-v1-comments.csv");
    const lines = csv.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "submission_id,title,version,comment_id,kind,reply_to,timecode_in,timecode_out,frame_in,frame_out,seconds_in,frame_rate,author,body,drawing,resolved,resolved_by,created_at",
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${s.id},"Salt, flats",1,${first.id},comment,,00:00:01:00,00:00:01:23,24,47,1,24/1,Ana Reviewer,"Horizon tilts \\| here\\nand here",blue rectangle,no,,`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${s.id},"Salt, flats",1,\\d+,reply,${first.id},00:00:01:00,`),
    );
    expect(lines.at(-1)).toContain(
      `,${second.id},comment,,00:00:04:23,00:00:04:23,119,119,4.958333,24/1,Ana Reviewer,"'=HYPERLINK(""http://evil"")",`,
    );
  });

  it("as DaVinci Resolve markers (EDL) and Avid markers, from the timeline's start", async () => {
    const { ana, s } = await reviewed();
    const edl = await exportComments(
      t.db,
      acting(ana),
      s.id,
      exportQuery.parse({ format: "edl", start: "01:00:00:00" }),
    );
    expect(edl.filename).toBe("salt-flats-v1-markers.edl");
    expect(edl.body.split("\r\n")).toEqual([
      "TITLE: Salt, flats v1 review notes",
      "FCM: NON-DROP FRAME",
      "",
      "001  001      V     C        01:00:01:00 01:00:01:01 01:00:01:00 01:00:01:01  ",
      "Horizon tilts here and here (drawing: blue rectangle; 1 reply) |C:ResolveColorRed |M:Ana Reviewer: Horizon tilts here and here |D:24",
      "",
      "002  001      V     C        01:00:04:23 01:00:05:00 01:00:04:23 01:00:05:00  ",
      '=HYPERLINK("http://evil") |C:ResolveColorRed |M:Ana Reviewer: =HYPERLINK("http://evil") |D:1',
      "",
    ]);
    const avid = await exportComments(
      t.db,
      acting(ana),
      s.id,
      exportQuery.parse({ format: "avid" }),
    );
    expect(avid.filename).toBe("salt-flats-v1-markers.txt");
    expect(avid.body.split("\r\n")[0]).toBe(
      "Ana Reviewer\t00:00:01:00\tV1\tred\tHorizon tilts here and here (drawing: blue rectangle; 1 reply)\t24",
    );
  });

  it("as downloads from both pages; someone else's, a missing version or a bad start are refused", async () => {
    const { artist, ana, s } = await reviewed();
    const get = async (
      loader: typeof ownExportLoader,
      who: User,
      path: string,
    ): Promise<{ status: number; headers: Headers; body: unknown }> =>
      callRoute(t.db, loader, makeRequest(path, { cookie: await sessionCookieFor(t.db, who) }), {
        submissionId: s.id,
      });
    const own = await get(ownExportLoader, artist, `/submissions/${s.id}/export?format=csv`);
    expect(own.status).toBe(200);
    expect(own.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(own.headers.get("content-disposition")).toContain("salt-flats-v1-comments.csv");
    expect(own.headers.get("cache-control")).toBe("private, no-store");
    const edl = await get(reviewExportLoader, ana, `/review/${s.id}/export?format=edl&version=1`);
    expect(edl.status).toBe(200);
    expect(String(edl.body)).toMatch(/^TITLE: /);

    const other = await artistWith(t.db);
    expect(
      (await get(ownExportLoader, other, `/submissions/${s.id}/export?format=csv`)).status,
    ).toBe(404);
    expect(
      (await get(reviewExportLoader, ana, `/review/${s.id}/export?format=csv&version=2`)).status,
    ).toBe(404);
    expect(
      (await get(reviewExportLoader, ana, `/review/${s.id}/export?format=csv&start=99:99:99:99`))
        .status,
    ).toBe(400);
    expect((await get(reviewExportLoader, ana, `/review/${s.id}/export?format=pdf`)).status).toBe(
      400,
    );
    // Withdrawn: reviewers see nothing of it; the artist keeps their history.
    await withdrawSubmission(t.db, acting(artist), s.id, 1);
    expect((await get(reviewExportLoader, ana, `/review/${s.id}/export?format=csv`)).status).toBe(
      404,
    );
    expect(
      (await get(ownExportLoader, artist, `/submissions/${s.id}/export?format=csv`)).status,
    ).toBe(200);
  });
});

describe("comparing versions", () => {
  it("picks the later version against an earlier one, falling back from addresses that do not fit", () => {
    const versions = [{ number: 1 }, { number: 2 }, { number: 3 }];
    const pick = (a?: number, b?: number) => {
      const { earlier, later } = pickComparison(versions, { a, b });
      return [earlier?.number ?? null, later.number];
    };
    expect(pick()).toEqual([2, 3]);
    expect(pick(1, 3)).toEqual([1, 3]);
    expect(pick(undefined, 2)).toEqual([1, 2]);
    expect(pick(3, 2)).toEqual([1, 2]);
    expect(pick(1, 1)).toEqual([1, 3]);
    expect(pick(9, 9)).toEqual([2, 3]);
    expect(pickComparison([{ number: 1 }], {}).earlier).toBeNull();
  });

  it("shows both versions with their own comments to the artist and to reviewers", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana Reviewer" });
    const s = await submitted(artist);
    await claimSubmission(t.db, acting(ana), s.id);
    await addComment(
      t.db,
      acting(ana),
      s.id,
      commentInput.parse({ frame: "30", body: "Version one note.", version: "1" }),
      { appUrl: APP_URL },
    );
    await decide(
      t.db,
      acting(ana),
      s.id,
      decision({ decision: "request_changes", reasonCategory: "Quality", note: "Again." }),
      { checklist: CHECKLIST, appUrl: APP_URL },
    );
    const { clip } = await createFinishedClip(t.db, artist);
    await resubmit(t.db, acting(artist), s.id, { clipId: clip.id, revision: 2 });
    expect((await loadOwnSubmission(t.db, artist, s.id)).versions).toHaveLength(2);

    for (const [loader, who, path] of [
      [ownCompareLoader, artist, `/submissions/${s.id}/compare`],
      [reviewCompareLoader, ana, `/review/${s.id}/compare?a=1&b=2`],
    ] as const) {
      const res = await callRoute(
        t.db,
        loader,
        makeRequest(path, { cookie: await sessionCookieFor(t.db, who) }),
        { submissionId: s.id },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        choices: [1, 2],
        earlier: { number: 1, frameRate: "24/1", comments: [{ body: "Version one note." }] },
        later: { number: 2, clipId: clip.id, comments: [] },
      });
    }
    // Reading it claims nothing.
    const other = await artistWith(t.db);
    const refused = await callRoute(
      t.db,
      ownCompareLoader,
      makeRequest(`/submissions/${s.id}/compare`, { cookie: await sessionCookieFor(t.db, other) }),
      { submissionId: s.id },
    );
    expect(refused.status).toBe(404);
  });
});
