import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { checklistFrom, CLAIM_MINUTES, CLAIM_RENEW_MINUTES } from "~/lib/review";
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
import { loader as notificationsLoader } from "~/routes/notifications/route";
import {
  action as reviewAction,
  loader as reviewLoader,
} from "~/routes/review.$submissionId/route";
import { loader as queueLoader } from "~/routes/review._index/route";
import { action as clipAction } from "~/routes/studio.clips.$clipId/route";
import {
  action as ownSubmissionAction,
  loader as ownSubmissionLoader,
} from "~/routes/submissions.$submissionId/route";
import { useTestDatabase } from "../../support/db";
import {
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
  testEnv,
} from "../../support/factories";
import { artistWith, createFinishedClip } from "../../support/generation";

const t = useTestDatabase();

const CHECKLIST = checklistFrom(testEnv.REVIEW_CHECKLIST);

type Errors = { ok: false; errors: Record<string, string> };
type ReviewPage = {
  submission: {
    id: string;
    state: string;
    currentVersion: number;
    claimHolder: string | null;
    approvals: number;
  };
  mine: boolean;
  alreadyApproved: boolean;
  claimOnOpen: boolean;
  canRelease: boolean;
  checklist: string[];
  versions: { number: number; comments: { body: string; frame: number }[] }[];
};

async function row(id: string) {
  const [s] = await t.db.select().from(submissions).where(eq(submissions.id, id));
  return s!;
}

/** The artist's clip page submit form, as the browser sends it. */
function submitForm(overrides: Record<string, string | string[] | undefined> = {}) {
  const fields: Record<string, string | string[] | undefined> = {
    intent: "submit",
    title: "Night ferry",
    description: "Lights on the water.",
    intendedUse: "festival",
    channels: ["Festival screening", "Vimeo"],
    agreeTerms: "on",
    ...overrides,
  };
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  return form;
}

/** The decision form, as the browser sends it: the reason select sends "" when none is chosen. */
function decisionForm(fields: {
  decision?: string;
  version: number | string;
  state: string;
  checklist?: readonly string[];
  reasonCategory?: string;
  note?: string;
}) {
  const form = new FormData();
  form.append("intent", "decide");
  form.append("version", String(fields.version));
  form.append("state", fields.state);
  for (const item of fields.checklist ?? []) form.append("checklist", item);
  if (fields.decision) form.append("decision", fields.decision);
  form.append("reasonCategory", fields.reasonCategory ?? "");
  form.append("note", fields.note ?? "");
  return form;
}

async function people() {
  const artist = await artistWith(t.db);
  const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana Reviewer" });
  const ben = await createUser(t.db, { role: "reviewer", displayName: "Ben Reviewer" });
  const admin = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
  const cookie = async (u: User) => sessionCookieFor(t.db, u);
  return {
    artist,
    ana,
    ben,
    admin,
    cookies: {
      artist: await cookie(artist),
      ana: await cookie(ana),
      ben: await cookie(ben),
      admin: await cookie(admin),
    },
  };
}

/** Submits through the clip page and returns the new submission's id. */
async function submitThroughPage(cookie: string, clipId: string, use = "festival") {
  const res = await callRoute(
    t.db,
    clipAction,
    makeRequest(`/studio/clips/${clipId}`, { cookie, form: submitForm({ intendedUse: use }) }),
    { clipId },
  );
  expect(res.status).toBe(302);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/submissions\/[0-9a-f-]{36}$/);
  return location.split("/").at(-1)!;
}

const view = (cookie: string, id: string) =>
  callRoute(t.db, reviewLoader, makeRequest(`/review/${id}`, { cookie }), { submissionId: id });

/**
 * Opening the page as the browser does: the GET, then (when the page says so) the claim it posts,
 * then the page again.
 */
async function open(cookie: string, id: string) {
  const page = await view(cookie, id);
  if ((page.body as { claimOnOpen?: boolean }).claimOnOpen !== true) return page;
  const claimed = await act(cookie, id, { intent: "claim" });
  if (claimed.status !== 302) return claimed;
  return view(cookie, id);
}

const act = (cookie: string, id: string, form: Record<string, string> | FormData) =>
  callRoute(t.db, reviewAction, makeRequest(`/review/${id}`, { cookie, form }), {
    submissionId: id,
  });

const ownAction = (cookie: string, id: string, form: Record<string, string>) =>
  callRoute(t.db, ownSubmissionAction, makeRequest(`/submissions/${id}`, { cookie, form }), {
    submissionId: id,
  });

describe("submitting from the clip page", () => {
  it("refuses missing fields with a message next to each, and writes nothing", async () => {
    const { artist, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const cases: [Record<string, string | string[] | undefined>, string][] = [
      [{ title: "" }, "title"],
      [{ title: undefined }, "title"],
      [{ channels: undefined }, "channels"],
      [{ agreeTerms: undefined }, "agreeTerms"],
      [{ intendedUse: "" }, "intendedUse"],
      [{ description: "   " }, "description"],
    ];
    for (const [overrides, field] of cases) {
      const res = await callRoute(
        t.db,
        clipAction,
        makeRequest(`/studio/clips/${clip.id}`, {
          cookie: cookies.artist,
          form: submitForm(overrides),
        }),
        { clipId: clip.id },
      );
      expect(res.status, JSON.stringify(overrides)).toBe(422);
      expect(Object.keys((res.body as Errors).errors), JSON.stringify(overrides)).toEqual([field]);
    }
    // A channel the form never offers (a tampered request) is refused too; zod names its index.
    const bogus = await callRoute(
      t.db,
      clipAction,
      makeRequest(`/studio/clips/${clip.id}`, {
        cookie: cookies.artist,
        form: submitForm({ channels: ["Vimeo", "Myspace"] }),
      }),
      { clipId: clip.id },
    );
    expect(bogus.status).toBe(422);
    // Shown under the channel list, where the form puts its errors.
    expect((bogus.body as Errors).errors).toEqual({ channels: "Choose channels from the list." });
    // Everything missing at once: every field is named.
    const empty = await callRoute(
      t.db,
      clipAction,
      makeRequest(`/studio/clips/${clip.id}`, {
        cookie: cookies.artist,
        form: { intent: "submit" },
      }),
      { clipId: clip.id },
    );
    expect(empty.status).toBe(422);
    expect(Object.keys((empty.body as Errors).errors).sort()).toEqual(
      ["agreeTerms", "channels", "description", "intendedUse", "title"].sort(),
    );
    expect(await t.db.select().from(submissions)).toEqual([]);
  });

  it("submits the clip and lands on the new submission's page; another artist's clip is not found", async () => {
    const { artist, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);
    expect(await row(id)).toMatchObject({
      userId: artist.id,
      state: "pending",
      intendedUse: "festival",
      channels: ["Festival screening", "Vimeo"],
      approvalsNeeded: 1,
    });
    const page = await callRoute(
      t.db,
      ownSubmissionLoader,
      makeRequest(`/submissions/${id}`, { cookie: cookies.artist }),
      { submissionId: id },
    );
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      submission: { id, state: "pending", revision: 1 },
      versions: [{ number: 1, clipId: clip.id }],
    });

    const other = await artistWith(t.db);
    const res = await callRoute(
      t.db,
      clipAction,
      makeRequest(`/studio/clips/${clip.id}`, {
        cookie: await sessionCookieFor(t.db, other),
        form: submitForm(),
      }),
      { clipId: clip.id },
    );
    expect(res.status).toBe(404);
    expect(await t.db.select().from(submissions)).toHaveLength(1);
  });
});

describe("opening an item", () => {
  it("never claims on a GET: the page asks for the claim with a POST", async () => {
    const { artist, ana, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);
    const before = await row(id);

    // A link on another site can make the browser GET this page: nothing may change.
    const page = await view(cookies.ana, id);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ mine: false, claimOnOpen: true });
    expect(await row(id)).toEqual(before);
    expect(
      await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.subjectId, id), eq(auditLog.action, "submission.claimed"))),
    ).toEqual([]);

    const claimed = await act(cookies.ana, id, { intent: "claim" });
    expect(claimed.status).toBe(302);
    expect(claimed.headers.get("location")).toBe(`/review/${id}`);
    expect(await row(id)).toMatchObject({ state: "in_review", claimedBy: ana.id });
    expect((await view(cookies.ana, id)).body).toMatchObject({ mine: true, claimOnOpen: false });

    // Someone else's claim request is refused with the holder's name, next to the form.
    const { ben } = await people();
    const refused = await act(await sessionCookieFor(t.db, ben), id, { intent: "claim" });
    expect(refused.status).toBe(409);
    expect((refused.body as Errors).errors.form).toBe("Ana Reviewer is reviewing this now.");
    expect((await row(id)).claimedBy).toBe(ana.id);
  });

  it("claims it for the viewer; a second reviewer sees who holds it and gets no claim", async () => {
    const { artist, ana, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);

    const first = await open(cookies.ana, id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      submission: { state: "in_review", claimHolder: "Ana Reviewer" },
      mine: true,
      claimOnOpen: false,
      canRelease: false,
      checklist: CHECKLIST,
    });
    const claimed = await row(id);
    expect(claimed).toMatchObject({ state: "in_review", claimedBy: ana.id });
    expect(claimed.claimExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    const second = await open(cookies.ben, id);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      submission: { claimHolder: "Ana Reviewer" },
      mine: false,
      canRelease: false,
    });
    expect((await row(id)).claimedBy).toBe(ana.id);
    // Ben cannot act on it: no comment and no decision.
    const comment = await act(cookies.ben, id, {
      intent: "comment",
      frame: "24",
      body: "Hmm.",
      version: "1",
    });
    expect(comment.status).toBe(409);
    const claims = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, id), eq(auditLog.action, "submission.claimed")));
    expect(claims.map((c) => c.actorId)).toEqual([ana.id]);
    // Ana opening it again renews her claim without a second audit entry.
    expect((await open(cookies.ana, id)).body).toMatchObject({ mine: true });
    expect(
      await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.subjectId, id), eq(auditLog.action, "submission.claimed"))),
    ).toHaveLength(1);
  });

  it("reopening renews the claim only once the renewal interval has passed; reloads before write nothing", async () => {
    const { artist, ana, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);
    await open(cookies.ana, id);
    const claimedUntil = (await row(id)).claimExpiresAt!;

    // A reload within the interval: the claim and the row stay as they were.
    const { revision } = await row(id);
    expect((await open(cookies.ana, id)).body).toMatchObject({ mine: true, claimOnOpen: false });
    expect(await row(id)).toMatchObject({
      claimedBy: ana.id,
      claimExpiresAt: claimedUntil,
      revision,
    });

    // The claim as it stands after the interval (older than CLAIM_RENEW_MINUTES): renewed.
    const aged = new Date(Date.now() + (CLAIM_MINUTES - CLAIM_RENEW_MINUTES - 1) * 60_000);
    await t.db.update(submissions).set({ claimExpiresAt: aged }).where(eq(submissions.id, id));
    expect((await open(cookies.ana, id)).body).toMatchObject({ mine: true });
    const renewed = (await row(id)).claimExpiresAt!;
    expect(renewed.getTime()).toBeGreaterThan(Date.now() + (CLAIM_MINUTES - 1) * 60_000);
  });

  it("an admin sees the holder and can release the claim; the item waits in the queue again", async () => {
    const { artist, ana, admin, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);
    await open(cookies.ana, id);
    const adminView = await open(cookies.admin, id);
    expect(adminView.body).toMatchObject({
      submission: { claimHolder: "Ana Reviewer" },
      mine: false,
      canRelease: true,
    });
    // Another reviewer may not release it.
    const refused = await act(cookies.ben, id, { intent: "release" });
    expect(refused.status).toBe(403);
    expect((await row(id)).claimedBy).toBe(ana.id);

    const released = await act(cookies.admin, id, { intent: "release" });
    expect(released.status).toBe(302);
    expect(released.headers.get("location")).toBe("/review");
    expect(released.headers.get("set-cookie")).toMatch(/greenroom_flash=/);
    expect(await row(id)).toMatchObject({
      state: "pending",
      claimedBy: null,
      claimExpiresAt: null,
    });
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, id), eq(auditLog.action, "submission.claim_released")));
    expect(audit).toMatchObject({ actorId: admin.id, data: { holder: ana.id } });

    const queue = await callRoute(
      t.db,
      queueLoader,
      makeRequest("/review", { cookie: cookies.ben }),
    );
    expect((queue.body as { items: { id: string; claim: unknown }[] }).items).toEqual([
      expect.objectContaining({ id, claim: null }),
    ]);
  });

  it("does not claim a decided item, nor one whose current version the viewer already approved", async () => {
    const { artist, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const commercial = await submitThroughPage(cookies.artist, clip.id, "commercial");
    await open(cookies.ana, commercial);
    const first = await act(
      cookies.ana,
      commercial,
      decisionForm({ decision: "approve", version: 1, state: "in_review", checklist: CHECKLIST }),
    );
    expect(first.status).toBe(302);
    expect(await row(commercial)).toMatchObject({ state: "in_review", claimedBy: null });

    const again = await open(cookies.ana, commercial);
    expect(again.body).toMatchObject({
      alreadyApproved: true,
      mine: false,
      submission: { approvals: 1, claimHolder: null },
    });
    expect((await row(commercial)).claimedBy).toBeNull();

    const portfolio = await submitThroughPage(cookies.artist, clip.id, "portfolio");
    await open(cookies.ana, portfolio);
    await act(
      cookies.ana,
      portfolio,
      decisionForm({ decision: "approve", version: 1, state: "in_review", checklist: CHECKLIST }),
    );
    const decided = await open(cookies.ben, portfolio);
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ submission: { state: "approved" }, mine: false });
    expect((await row(portfolio)).claimedBy).toBeNull();
  });
});

describe("commenting through the page", () => {
  it("refuses an empty comment with 422 on body, and saves a real one for the artist to read", async () => {
    const { artist, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);
    await open(cookies.ana, id);
    const empty = await act(cookies.ana, id, {
      intent: "comment",
      frame: "60",
      body: "  ",
      version: "1",
    });
    expect(empty.status).toBe(422);
    expect(Object.keys((empty.body as Errors).errors)).toEqual(["body"]);
    const late = await act(cookies.ana, id, {
      intent: "comment",
      frame: "216",
      body: "After the end",
      version: "1",
    });
    expect(late.status).toBe(422);
    expect(Object.keys((late.body as Errors).errors)).toEqual(["frame"]);
    expect(await t.db.select().from(reviewComments)).toEqual([]);

    const ok = await act(cookies.ana, id, {
      intent: "comment",
      frame: "60",
      body: "The horizon tilts here",
      version: "1",
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, intent: "comment" });
    // The email went out (to the outbox, with no Resend key) after the comment was committed.
    const [email] = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, artist.email));
    expect(email).toMatchObject({ template: "review-comment", status: "sent", provider: "outbox" });

    const page = await callRoute(
      t.db,
      ownSubmissionLoader,
      makeRequest(`/submissions/${id}`, { cookie: cookies.artist }),
      { submissionId: id },
    );
    expect((page.body as ReviewPage).versions[0]!.comments).toMatchObject([
      { body: "The horizon tilts here", frame: 60 },
    ]);
  });
});

describe("deciding through the page", () => {
  it("names the missing reason and note for a rejection; a stale version or state is a 409; nothing is written", async () => {
    const { artist, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);
    await open(cookies.ana, id);
    const before = await row(id);

    const missing = await act(
      cookies.ana,
      id,
      decisionForm({ decision: "reject", version: 1, state: "in_review" }),
    );
    expect(missing.status).toBe(422);
    expect(Object.keys((missing.body as Errors).errors).sort()).toEqual(["note", "reasonCategory"]);

    const noDecision = await act(cookies.ana, id, decisionForm({ version: 1, state: "in_review" }));
    expect(noDecision.status).toBe(422);
    expect(Object.keys((noDecision.body as Errors).errors)).toEqual(["decision"]);

    const unticked = await act(
      cookies.ana,
      id,
      decisionForm({
        decision: "approve",
        version: 1,
        state: "in_review",
        checklist: CHECKLIST.slice(1),
      }),
    );
    expect(unticked.status).toBe(422);
    expect(Object.keys((unticked.body as Errors).errors)).toEqual(["checklist"]);

    for (const stale of [
      { version: 2, state: "in_review" },
      { version: 1, state: "pending" },
    ]) {
      const res = await act(
        cookies.ana,
        id,
        decisionForm({
          decision: "reject",
          reasonCategory: "Quality",
          note: "Blurry.",
          ...stale,
        }),
      );
      expect(res.status, JSON.stringify(stale)).toBe(409);
      expect((res.body as Errors).errors.form).toMatch(/changed while you were reviewing/);
    }

    expect(await row(id)).toEqual(before);
    expect(await t.db.select().from(reviewDecisions)).toEqual([]);
    expect(await t.db.select().from(notifications)).toEqual([]);
    expect(await t.db.select().from(emailOutbox)).toEqual([]);
  });

  it("approves from the form as the browser sends it, redirects to the queue, and tells the artist", async () => {
    const { artist, ana, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);
    await open(cookies.ana, id);
    const res = await act(
      cookies.ana,
      id,
      decisionForm({ decision: "approve", version: 1, state: "in_review", checklist: CHECKLIST }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(302);
    expect(res.headers.get("location")).toBe("/review");
    expect(await row(id)).toMatchObject({ state: "approved", claimedBy: null });
    const [decision] = await t.db.select().from(reviewDecisions);
    expect(decision).toMatchObject({
      reviewerId: ana.id,
      decision: "approve",
      reasonCategory: null,
      note: null,
    });
    expect(decision!.checklist.every((c) => c.checked)).toBe(true);
    const [email] = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, artist.email));
    expect(email).toMatchObject({ template: "review-decision", status: "sent" });

    const inbox = await callRoute(
      t.db,
      notificationsLoader,
      makeRequest("/notifications", { cookie: cookies.artist }),
    );
    expect(inbox.body).toMatchObject({
      unread: 1,
      notifications: [
        expect.objectContaining({ kind: "submission_approved", link: `/submissions/${id}` }),
      ],
    });
  });
});

describe("withdrawing and resubmitting from the submission page", () => {
  it("withdraws only on the revision the artist saw", async () => {
    const { artist, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);
    // A reviewer opened it meanwhile: still revision 1, so withdrawing works while in review.
    await open(cookies.ana, id);
    const stale = await ownAction(cookies.artist, id, { intent: "withdraw", revision: "0" });
    expect(stale.status).toBe(409);
    expect((stale.body as Errors).errors.form).toMatch(/changed while you were looking/);
    expect((await row(id)).state).toBe("in_review");
    const garbage = await ownAction(cookies.artist, id, { intent: "withdraw", revision: "x" });
    expect(garbage.status).toBe(400);

    const other = await artistWith(t.db);
    const notTheirs = await ownAction(await sessionCookieFor(t.db, other), id, {
      intent: "withdraw",
      revision: "1",
    });
    expect(notTheirs.status).toBe(404);

    const ok = await ownAction(cookies.artist, id, { intent: "withdraw", revision: "1" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe(`/submissions/${id}`);
    expect(await row(id)).toMatchObject({ state: "withdrawn", claimedBy: null, revision: 2 });
    const twice = await ownAction(cookies.artist, id, { intent: "withdraw", revision: "2" });
    expect(twice.status).toBe(409);
  });

  it("after changes are requested, resubmits as version 2, which waits in the queue again", async () => {
    const { artist, cookies } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const { clip: better } = await createFinishedClip(t.db, artist);
    const id = await submitThroughPage(cookies.artist, clip.id);
    // Too early: nothing was requested yet.
    const early = await ownAction(cookies.artist, id, {
      intent: "resubmit",
      clipId: better.id,
      note: "",
      revision: "1",
    });
    expect(early.status).toBe(409);

    await open(cookies.ana, id);
    const decided = await act(
      cookies.ana,
      id,
      decisionForm({
        decision: "request_changes",
        version: 1,
        state: "in_review",
        reasonCategory: "Quality",
        note: "The last second is black.",
      }),
    );
    expect(decided.status).toBe(302);
    const afterDecision = await row(id);
    expect(afterDecision.state).toBe("changes_requested");

    const page = await callRoute(
      t.db,
      ownSubmissionLoader,
      makeRequest(`/submissions/${id}`, { cookie: cookies.artist }),
      { submissionId: id },
    );
    const body = page.body as {
      submission: { revision: number };
      choices: { id: string }[];
      decisions: { note: string; reasonCategory: string }[];
    };
    expect(body.choices.map((c) => c.id).sort()).toEqual([clip.id, better.id].sort());
    expect(body.decisions).toMatchObject([
      { reasonCategory: "Quality", note: "The last second is black." },
    ]);

    const missingClip = await ownAction(cookies.artist, id, {
      intent: "resubmit",
      clipId: "",
      revision: String(body.submission.revision),
    });
    expect(missingClip.status).toBe(422);
    expect(Object.keys((missingClip.body as Errors).errors)).toEqual(["clipId"]);

    const res = await ownAction(cookies.artist, id, {
      intent: "resubmit",
      clipId: better.id,
      note: "Trimmed the end.",
      revision: String(body.submission.revision),
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/submissions/${id}`);
    const now = await row(id);
    expect(now).toMatchObject({ state: "pending", currentVersion: 2, decidedAt: null });
    expect(now.submittedAt.getTime()).toBeGreaterThan(afterDecision.submittedAt.getTime());
    const versions = await t.db
      .select()
      .from(submissionVersions)
      .where(eq(submissionVersions.submissionId, id))
      .orderBy(asc(submissionVersions.number));
    expect(versions.map((v) => [v.number, v.clipId, v.note])).toEqual([
      [1, clip.id, null],
      [2, better.id, "Trimmed the end."],
    ]);

    // The same form sent twice: the second names an old revision and changes nothing.
    const repeat = await ownAction(cookies.artist, id, {
      intent: "resubmit",
      clipId: better.id,
      revision: String(body.submission.revision),
    });
    expect(repeat.status).toBe(409);

    const queue = await callRoute(
      t.db,
      queueLoader,
      makeRequest("/review", { cookie: cookies.ben }),
    );
    expect((queue.body as { items: { id: string; version: number }[] }).items).toEqual([
      expect.objectContaining({ id, version: 2 }),
    ]);
    // The reviewer opening it works on version 2, with version 1's history beside it.
    const reopened = await open(cookies.ben, id);
    expect(reopened.body).toMatchObject({
      submission: { currentVersion: 2, state: "in_review" },
      mine: true,
    });
    expect((reopened.body as ReviewPage).versions.map((v) => v.number)).toEqual([1, 2]);
  });
});
