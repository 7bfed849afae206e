import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recordActivity } from "~/.server/oversight/activity";
import { DEFAULT_THRESHOLDS, FLAGS_PAGE_SIZE, scanForAnomalies } from "~/.server/oversight/flags";
import { anomalyFlags, auditLog, emailOutbox, sessions, users, type User } from "~db/schema";
import { action, loader } from "~/routes/admin.flags/route";
import { useTestDatabase } from "../../support/db";
import {
  APP_URL,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";

const t = useTestDatabase();

/** `user` used from `n` addresses in the last few minutes, then scanned: one open flag. */
async function flagged(user: User, n = 12) {
  const now = new Date();
  for (let i = 0; i < n; i++)
    await recordActivity(t.db, {
      userId: user.id,
      ip: `198.51.100.${i + 1}`,
      userAgent: "Mozilla/5.0",
      now: new Date(now.getTime() - (n - i) * 1000),
      requests: 1,
    });
  await scanForAnomalies(t.db, {
    now,
    thresholds: DEFAULT_THRESHOLDS,
    autoSuspend: false,
    appUrl: APP_URL,
  });
  const [flag] = await t.db
    .select()
    .from(anomalyFlags)
    .where(and(eq(anomalyFlags.userId, user.id), eq(anomalyFlags.state, "open")));
  return flag!;
}

type Body = {
  flags: {
    flag: { id: string; kind: string; evidence: { count: number } };
    account: { id: string };
  }[];
  counts: Record<string, number>;
  nextCursor: string | null;
};

async function setup() {
  const admin = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
  const cookie = await sessionCookieFor(t.db, admin);
  return { admin, cookie };
}

const post = (cookie: string, form: Record<string, string>) =>
  callRoute(t.db, action, makeRequest("/admin/flags", { cookie, form }));

describe("/admin/flags", () => {
  it("lists open flags newest first with their evidence and counts per state, in keyset pages", async () => {
    const { cookie } = await setup();
    const artists = await Promise.all(
      Array.from({ length: FLAGS_PAGE_SIZE + 2 }, () => createUser(t.db)),
    );
    for (const artist of artists) await flagged(artist, 9);
    const first = await callRoute(t.db, loader, makeRequest("/admin/flags", { cookie }));
    expect(first.status).toBe(200);
    const body = first.body as Body;
    expect(body.counts).toEqual({ open: FLAGS_PAGE_SIZE + 2, dismissed: 0, actioned: 0 });
    expect(body.flags).toHaveLength(FLAGS_PAGE_SIZE);
    // Newest first: the last account flagged leads.
    expect(body.flags[0]!.account.id).toBe(artists.at(-1)!.id);
    expect(body.flags[0]!.flag).toMatchObject({ kind: "many_addresses", evidence: { count: 9 } });
    const next = await callRoute(
      t.db,
      loader,
      makeRequest(`/admin/flags?after=${encodeURIComponent(body.nextCursor!)}`, { cookie }),
    );
    const rest = (next.body as Body).flags.map((f) => f.account.id);
    expect(rest).toEqual([artists[1]!.id, artists[0]!.id]);
    expect((next.body as Body).nextCursor).toBeNull();

    // A tab with nothing in it; an unknown state falls back to the open tab.
    const dismissed = await callRoute(
      t.db,
      loader,
      makeRequest("/admin/flags?state=dismissed", { cookie }),
    );
    expect((dismissed.body as Body).flags).toEqual([]);
    const odd = await callRoute(t.db, loader, makeRequest("/admin/flags?state=nope", { cookie }));
    expect((odd.body as Body).flags).toHaveLength(FLAGS_PAGE_SIZE);
  });

  it("answers a hand-edited page link with a 400, not a 500", async () => {
    const { cookie } = await setup();
    const res = await callRoute(
      t.db,
      loader,
      makeRequest("/admin/flags?after=2026-02-30%2010:00:00+00_0000", { cookie }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toBe("That page link is not valid.");
  });

  it("refuses bad input with a 4xx and a message next to the field", async () => {
    const { admin, cookie } = await setup();
    const artist = await createUser(t.db);
    const flag = await flagged(artist);
    const cases: [Record<string, string>, number, Record<string, string>][] = [
      [{ intent: "dismiss", id: flag.id, note: "" }, 422, { note: expect.any(String) as never }],
      [
        { intent: "dismiss", id: flag.id, note: "x".repeat(501) },
        422,
        { note: "Use at most 500 characters." },
      ],
      [
        { intent: "suspend", id: flag.id, reason: "no" },
        422,
        { reason: expect.any(String) as never },
      ],
      [{ intent: "reopen", id: flag.id }, 400, { form: "Choose dismiss or suspend." }],
      [
        { intent: "dismiss", id: "no-such-flag", note: "Looks fine" },
        404,
        { form: "There is no such flag." },
      ],
    ];
    for (const [form, status, errors] of cases) {
      const res = await post(cookie, form);
      expect(res.status, JSON.stringify(form)).toBe(status);
      expect(res.body).toMatchObject({ ok: false, errors, id: form.id });
    }
    // Nothing changed.
    const [still] = await t.db.select().from(anomalyFlags).where(eq(anomalyFlags.id, flag.id));
    expect(still!.state).toBe("open");
    // An admin's own flag can be dismissed, not acted on by suspending themselves.
    const own = await flagged(admin);
    const self = await post(cookie, { intent: "suspend", id: own.id, reason: "Testing myself" });
    expect(self.status).toBe(400);
  });

  it("dismisses with a note, once", async () => {
    const { admin, cookie } = await setup();
    const artist = await createUser(t.db);
    const flag = await flagged(artist);
    const res = await post(cookie, {
      intent: "dismiss",
      id: flag.id,
      note: "Touring: every venue's wifi",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/admin/flags");
    const [row] = await t.db.select().from(anomalyFlags).where(eq(anomalyFlags.id, flag.id));
    expect(row).toMatchObject({
      state: "dismissed",
      decidedBy: admin.id,
      note: "Touring: every venue's wifi",
    });
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, flag.id), eq(auditLog.action, "anomaly_flag.dismissed")));
    expect(entry).toMatchObject({ actorId: admin.id, ip: "203.0.113.7" });
    // A second press (or another admin at the same time) is told it is already decided.
    const again = await post(cookie, { intent: "dismiss", id: flag.id, note: "Again" });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ errors: { form: "This flag was already dismissed." } });
    const listed = await callRoute(
      t.db,
      loader,
      makeRequest("/admin/flags?state=dismissed", { cookie }),
    );
    expect((listed.body as Body).counts).toEqual({ open: 0, dismissed: 1, actioned: 0 });
  });

  it("suspends the account from a flag: sessions end, the flag is acted on, the artist is emailed", async () => {
    const { admin, cookie } = await setup();
    const artist = await createUser(t.db, { displayName: "Jo Shared" });
    await sessionCookieFor(t.db, artist);
    const flag = await flagged(artist);
    const res = await post(cookie, {
      intent: "suspend",
      id: flag.id,
      reason: "Access shared through a public frontend",
    });
    expect(res.status).toBe(302);
    const [account] = await t.db.select().from(users).where(eq(users.id, artist.id));
    expect(account).toMatchObject({
      status: "suspended",
      statusReason: "Access shared through a public frontend",
    });
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, artist.id))).toEqual([]);
    const [row] = await t.db.select().from(anomalyFlags).where(eq(anomalyFlags.id, flag.id));
    expect(row).toMatchObject({ state: "actioned", decidedBy: admin.id, autoSuspended: false });
    const [email] = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, artist.email));
    expect(email).toMatchObject({ template: "account-suspended", status: "sent" });
    const actionsDone = await t.db
      .select({ action: auditLog.action, actorId: auditLog.actorId })
      .from(auditLog)
      .where(eq(auditLog.actorId, admin.id));
    expect(actionsDone.map((a) => a.action).sort()).toEqual([
      "anomaly_flag.actioned",
      "user.suspended",
    ]);

    // Another open flag of the same (now suspended) account only closes.
    const [second] = await t.db
      .insert(anomalyFlags)
      .values({
        userId: artist.id,
        kind: "many_user_agents",
        strength: "weak",
        evidence: {},
        windowStart: new Date(),
        windowEnd: new Date(),
      })
      .returning();
    const close = await post(cookie, { intent: "suspend", id: second!.id, reason: "Same leak" });
    expect(close.status).toBe(302);
    const [closed] = await t.db.select().from(anomalyFlags).where(eq(anomalyFlags.id, second!.id));
    expect(closed!.state).toBe("actioned");
    expect(await t.db.select().from(emailOutbox)).toHaveLength(1);
  });

  it("is for admins only", async () => {
    const artist = await createUser(t.db);
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const flag = await flagged(artist);
    for (const who of [artist, reviewer]) {
      const cookie = await sessionCookieFor(t.db, who);
      expect((await callRoute(t.db, loader, makeRequest("/admin/flags", { cookie }))).status).toBe(
        403,
      );
      const res = await post(cookie, { intent: "dismiss", id: flag.id, note: "Not mine to say" });
      expect(res.status).toBe(403);
    }
    const [still] = await t.db.select().from(anomalyFlags).where(eq(anomalyFlags.id, flag.id));
    expect(still!.state).toBe("open");
  });
});
