import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { readFlash } from "~/.server/flash";
import { createMailer } from "~/.server/mail/mailer";
import { awardGrant, grantInput } from "~/.server/money/grants";
import { sendOverdueDigests } from "~/.server/notifications/digest";
import { notify, type NotificationKind } from "~/.server/notifications/notify";
import {
  emailPreferences,
  emailPreferencesInput,
  saveEmailPreferences,
} from "~/.server/notifications/preferences";
import { emailPreferenceTypesFor, type EmailPreferenceType } from "~/lib/notification-preferences";
import { action, loader } from "~/routes/settings.notifications/route";
import {
  auditLog,
  emailOutbox,
  notificationPreferences,
  notifications,
  reviewDigests,
  submissions,
  type User,
} from "~db/schema";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  APP_URL,
  callRoute,
  contextFor,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";

const t = useTestDatabase();
const mailer = createMailer({ EMAIL_FROM: "Greenroom <no-reply@greenroom.test>" });

/** Turns off every email type except `on`, as the settings form would. */
const keepOnly = (user: User, on: EmailPreferenceType[]) =>
  saveEmailPreferences(t.db, acting(user), emailPreferencesInput.parse({ email: on }));

/** The artist's types that are on until they choose ("Clip ready" is off: the studio says so). */
const ARTIST_TYPES: EmailPreferenceType[] = [
  "review_decisions",
  "review_comments",
  "rights",
  "money",
  "promotion_requests",
  "clip_failed",
  "quota_answers",
];
const allBut = (off: EmailPreferenceType) => ARTIST_TYPES.filter((type) => type !== off);

/** A notification of `kind` to `user` through the real notify(), in its own transaction. */
const send = (user: User, kind: NotificationKind, title = `About ${kind}`) =>
  t.db.transaction((tx) =>
    notify(
      tx,
      {
        userId: user.id,
        kind,
        title,
        body: "Body",
        link: "/submissions/s-1",
        email: {
          template: "review-comment",
          props: {
            submissionTitle: "Salt flats",
            reviewerName: "Remi",
            at: "00:00:01:00",
            hasDrawing: false,
            body: "B",
          },
        },
      },
      APP_URL,
    ),
  );

const inApp = (user: User) =>
  t.db
    .select({ kind: notifications.kind, title: notifications.title })
    .from(notifications)
    .where(eq(notifications.userId, user.id))
    .orderBy(asc(notifications.createdAt));
const emailsTo = (user: User) =>
  t.db.select().from(emailOutbox).where(eq(emailOutbox.recipient, user.email));

async function flashOf(res: { headers: Headers }) {
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  const request = makeRequest("/", { cookie });
  return (await readFlash(request, await contextFor(t.db, request))).flash;
}

const preferenceAudits = () =>
  t.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.action, "notifications.preferences_changed"))
    .orderBy(asc(auditLog.id));

describe("email preferences and notify()", () => {
  it("a type turned off sends no email but still records the in-app notification", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    await keepOnly(ari, allBut("review_comments"));

    expect(await send(ari, "review_comment", "A comment")).toBeNull();
    expect(await inApp(ari)).toEqual([{ kind: "review_comment", title: "A comment" }]);
    expect(await emailsTo(ari)).toHaveLength(0);
  });

  it("leaves the person's other types, and other people, untouched", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const bea = await createUser(t.db, { role: "artist" });
    await keepOnly(ari, allBut("review_comments"));

    // Every kind the other types cover still mails Ari.
    const others: NotificationKind[] = [
      "submission_approved",
      "submission_first_approval",
      "submission_changes_requested",
      "submission_rejected",
      "rights_granted",
      "rights_denied",
      "rights_revoked",
      "contribution_decided",
      "grant_awarded",
      "payout_sent",
      "promotion_requested",
    ];
    for (const kind of others) expect(await send(ari, kind)).toEqual(expect.any(String));
    expect(await emailsTo(ari)).toHaveLength(others.length);

    // Bea never chose anything: she gets everything, comments included.
    expect(await send(bea, "review_comment")).toEqual(expect.any(String));
    expect(await emailsTo(bea)).toHaveLength(1);
  });

  it("covers every kind of a type: decisions off stops all four decision emails", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    await keepOnly(ari, allBut("review_decisions"));
    for (const kind of [
      "submission_approved",
      "submission_first_approval",
      "submission_changes_requested",
      "submission_rejected",
    ] as const)
      expect(await send(ari, kind)).toBeNull();
    expect(await inApp(ari)).toHaveLength(4);
    expect(await emailsTo(ari)).toHaveLength(0);
    // Turned back on, the next one mails again.
    await keepOnly(ari, ARTIST_TYPES);
    expect(await send(ari, "submission_rejected")).toEqual(expect.any(String));
    expect(await emailsTo(ari)).toHaveLength(1);
  });

  it("a real caller (an admin awarding a grant) delivers nothing when money emails are off", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const ari = await createUser(t.db, { role: "artist" });
    await keepOnly(ari, allBut("money"));
    const { emailIds } = await awardGrant(
      t.db,
      acting(admin),
      grantInput.parse({
        userId: ari.id,
        amountMinor: "100.00",
        currency: "USD",
        purpose: "Festival travel",
      }),
      { appUrl: APP_URL, approvalThresholdMinor: 50_000 },
    );
    expect(emailIds).toEqual([]);
    expect(await inApp(ari)).toEqual([{ kind: "grant_awarded", title: "Grant approved: $100.00" }]);
    expect(await emailsTo(ari)).toHaveLength(0);
  });
});

describe("email preferences and the overdue digest", () => {
  const now = new Date("2030-03-10T09:30:00Z");
  const options = { now, targetHours: 48, digestHourUtc: 8, appUrl: APP_URL };

  it("skips reviewers who turned the digest off, and sends it if they turn it back on that day", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const rae = await createUser(t.db, { role: "reviewer" });
    const rob = await createUser(t.db, { role: "reviewer" });
    const ada = await createUser(t.db, { role: "admin" });
    await t.db.insert(submissions).values({
      userId: artist.id,
      title: "Waiting too long",
      description: "For my reel.",
      intendedUse: "festival",
      channels: ["Vimeo"],
      approvalsNeeded: 1,
      termsAcceptedAt: new Date(now.getTime() - 72 * 3600_000),
      submittedAt: new Date(now.getTime() - 72 * 3600_000),
      state: "pending",
    });
    await keepOnly(rae, []);
    await keepOnly(ada, []);

    expect(await sendOverdueDigests(t.db, mailer, options)).toEqual({ recipients: 1, overdue: 1 });
    const digests = await t.db
      .select({ recipient: emailOutbox.recipient })
      .from(emailOutbox)
      .where(eq(emailOutbox.template, "overdue-digest"));
    expect(digests).toEqual([{ recipient: rob.email }]);
    // Not claimed for the day either.
    expect(
      await t.db.select().from(reviewDigests).where(eq(reviewDigests.userId, rae.id)),
    ).toHaveLength(0);

    await keepOnly(rae, ["overdue_digest"]);
    const later = { ...options, now: new Date("2030-03-10T15:00:00Z") };
    expect(await sendOverdueDigests(t.db, mailer, later)).toEqual({ recipients: 1, overdue: 1 });
    expect(await emailsTo(rae)).toHaveLength(1);
    expect(await emailsTo(rob)).toHaveLength(1);
    expect(await emailsTo(ada)).toHaveLength(0);
  });
});

describe("saving preferences (domain)", () => {
  it("lists the types for each role, on until someone chooses (but Clip ready)", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const rae = await createUser(t.db, { role: "reviewer" });
    const ada = await createUser(t.db, { role: "admin" });
    const artistView = await emailPreferences(t.db, acting(ari));
    expect(artistView.map((p) => [p.type, p.email])).toEqual(
      emailPreferenceTypesFor("artist").map((type) => [type, type !== "clip_ready"]),
    );
    expect(artistView.map((p) => p.type)).toEqual(expect.arrayContaining(ARTIST_TYPES));
    expect(artistView.every((p) => p.label && p.description)).toBe(true);
    expect((await emailPreferences(t.db, acting(rae))).map((p) => p.type)).toEqual([
      "review_threads",
      "overdue_digest",
    ]);
    expect((await emailPreferences(t.db, acting(ada))).map((p) => p.type)).toEqual([
      "review_threads",
      "overdue_digest",
      "quota_requests",
    ]);
  });

  it("audits what changed, and nothing when nothing did", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    expect((await keepOnly(ari, allBut("money"))).changes).toEqual({ money: false });
    expect((await keepOnly(ari, allBut("money"))).changes).toEqual({});
    expect((await keepOnly(ari, allBut("rights"))).changes).toEqual({ money: true, rights: false });
    const audits = await preferenceAudits();
    expect(audits.map((a) => [a.actorId, a.subjectId, a.data, a.ip])).toEqual([
      [ari.id, ari.id, { email: { money: false } }, "203.0.113.7"],
      [ari.id, ari.id, { email: { money: true, rights: false } }, "203.0.113.7"],
    ]);
  });

  it("refuses a type that cannot reach the role, and changes nothing", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const attempt = keepOnly(ari, ["overdue_digest"]);
    await expect(attempt).rejects.toMatchObject({ status: 422, field: "email" });
    expect(await t.db.select().from(notificationPreferences)).toHaveLength(0);
    expect(await preferenceAudits()).toHaveLength(0);
  });
});

describe("/settings/notifications", () => {
  it("sends anyone signed out to sign in", async () => {
    const res = await callRoute(t.db, loader, makeRequest("/settings/notifications"));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
    const post = await callRoute(
      t.db,
      action,
      makeRequest("/settings/notifications", { form: { intent: "save" } }),
    );
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toMatch(/^\/login/);
  });

  it("shows the person's own choices and saves them with a flash", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const cookie = await sessionCookieFor(t.db, ari);
    const form = new FormData();
    form.append("intent", "save");
    for (const type of allBut("promotion_requests")) form.append("email", type);
    const res = await callRoute(
      t.db,
      action,
      makeRequest("/settings/notifications", { cookie, form }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/settings/notifications");
    expect(await flashOf(res)).toEqual({
      kind: "success",
      message: "Saved. Your email preferences apply from now on.",
    });

    const page = await callRoute(t.db, loader, makeRequest("/settings/notifications", { cookie }));
    expect(page.status).toBe(200);
    const { preferences } = page.body as { preferences: { type: string; email: boolean }[] };
    expect(preferences.filter((p) => !p.email).map((p) => p.type)).toEqual([
      "promotion_requests",
      "clip_ready",
    ]);
    expect(preferences).toHaveLength(8);
  });

  it("turns everything off when nothing is ticked, and a reviewer sees only reviewers' types", async () => {
    const rae = await createUser(t.db, { role: "reviewer" });
    const cookie = await sessionCookieFor(t.db, rae);
    const res = await callRoute(
      t.db,
      action,
      makeRequest("/settings/notifications", { cookie, form: { intent: "save" } }),
    );
    expect(res.status).toBe(302);
    const page = await callRoute(t.db, loader, makeRequest("/settings/notifications", { cookie }));
    expect((page.body as { preferences: unknown }).preferences).toMatchObject([
      { type: "review_threads", label: "Replies in review threads", email: false },
      { type: "overdue_digest", label: "Daily overdue digest", email: false },
    ]);
  });

  it("answers bad input with a 4xx and a message next to the field", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const cookie = await sessionCookieFor(t.db, ari);
    const cases: [Record<string, string>, string][] = [
      [{ intent: "save", email: "everything" }, "email"],
      // The reviewers' digest is not the artist's to choose.
      [{ intent: "save", email: "overdue_digest" }, "email"],
      // An empty POST is not a form that ticked nothing.
      [{}, "intent"],
      [{ intent: "delete-account" }, "intent"],
    ];
    for (const [form, field] of cases) {
      const res = await callRoute(
        t.db,
        action,
        makeRequest("/settings/notifications", { cookie, form }),
      );
      expect(res.status, JSON.stringify(form)).toBe(422);
      const body = res.body as { ok: boolean; errors: Record<string, string> };
      expect(body.ok).toBe(false);
      expect(body.errors[field], JSON.stringify(form)).toEqual(expect.any(String));
    }
    // Too many values: a list longer than the types there are.
    const flood = new FormData();
    flood.append("intent", "save");
    for (let i = 0; i < 20; i++) flood.append("email", "money");
    const res = await callRoute(
      t.db,
      action,
      makeRequest("/settings/notifications", { cookie, form: flood }),
    );
    expect(res.status).toBe(422);
    expect(await t.db.select().from(notificationPreferences)).toHaveLength(0);
  });

  it("changes only the signed-in person's choices, whatever the form names", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const bea = await createUser(t.db, { role: "artist" });
    await keepOnly(bea, emailPreferenceTypesFor("artist"));
    const cookie = await sessionCookieFor(t.db, ari);
    // A forged form naming Bea: the route has no such field and the domain only knows the actor.
    const res = await callRoute(
      t.db,
      action,
      makeRequest("/settings/notifications", {
        cookie,
        form: { intent: "save", userId: bea.id, user: bea.id, email: "money" },
      }),
    );
    expect(res.status).toBe(302);
    const rows = await t.db
      .select({ kind: notificationPreferences.kind, email: notificationPreferences.email })
      .from(notificationPreferences)
      .where(
        and(eq(notificationPreferences.userId, bea.id), eq(notificationPreferences.email, false)),
      );
    expect(rows).toEqual([]);
    expect((await emailPreferences(t.db, acting(ari))).filter((p) => p.email)).toMatchObject([
      { type: "money" },
    ]);
    // Bea still gets her emails.
    expect(await send(bea, "review_comment")).toEqual(expect.any(String));
  });
});
