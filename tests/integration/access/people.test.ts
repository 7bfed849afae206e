import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, notifications, sessions, users } from "~db/schema";
import { suspendUser } from "~/.server/access/people";
import {
  action as personAction,
  loader as personLoader,
} from "~/routes/admin.people.$userId/route";
import { loader as peopleLoader } from "~/routes/admin.people._index/route";
import { loader as homeLoader } from "~/routes/_index/route";
import { action as loginAction } from "~/routes/login/route";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
  TEST_PASSWORD,
} from "../../support/factories";
import { lastEmailTo } from "../../support/outbox";

const t = useTestDatabase();

describe("people", () => {
  it("suspending ends every session at once; the next request lands on /login with the reason", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await createUser(t.db, { email: "sus@example.test" });
    const adminCookie = await sessionCookieFor(t.db, admin);
    const tabA = await sessionCookieFor(t.db, artist);
    const tabB = await sessionCookieFor(t.db, artist);
    expect((await callRoute(t.db, homeLoader, makeRequest("/", { cookie: tabA }))).status).toBe(
      200,
    );

    const res = await callRoute(
      t.db,
      personAction,
      makeRequest(`/admin/people/${artist.id}`, {
        cookie: adminCookie,
        form: { intent: "suspend", reason: "Shared their access" },
      }),
      { userId: artist.id },
    );
    expect(res.status).toBe(302);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, artist.id))).toHaveLength(
      0,
    );

    for (const cookie of [tabA, tabB]) {
      const next = await callRoute(t.db, homeLoader, makeRequest("/", { cookie }));
      expect(next.status).toBe(302);
      expect(next.headers.get("location")).toBe("/login?ended=suspended");
      expect(next.headers.get("set-cookie")).toMatch(/greenroom_session=;/);
    }
    const login = await callRoute(
      t.db,
      loginAction,
      makeRequest("/login", { form: { email: artist.email, password: TEST_PASSWORD } }),
    );
    expect(login.status).toBe(403);

    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.action, "user.suspended"));
    expect(entry).toMatchObject({ actorId: admin.id, subjectId: artist.id, ip: "203.0.113.7" });
    expect(entry!.data).toMatchObject({ reason: "Shared their access", sessionsEnded: 2 });

    // Reactivation needs a reason and restores sign-in.
    const noReason = await callRoute(
      t.db,
      personAction,
      makeRequest(`/admin/people/${artist.id}`, {
        cookie: adminCookie,
        form: { intent: "reactivate", reason: "" },
      }),
      { userId: artist.id },
    );
    expect(noReason.status).toBe(422);
    await callRoute(
      t.db,
      personAction,
      makeRequest(`/admin/people/${artist.id}`, {
        cookie: adminCookie,
        form: { intent: "reactivate", reason: "Talked it through" },
      }),
      { userId: artist.id },
    );
    const back = await callRoute(
      t.db,
      loginAction,
      makeRequest("/login", { form: { email: artist.email, password: TEST_PASSWORD } }),
    );
    expect(back.status).toBe(302);

    // They are told: by email (sent at once, with the admin's note and the way in) ...
    const { message, link } = await lastEmailTo(t.db, "sus@example.test");
    expect(message).toMatchObject({
      template: "account-reactivated",
      subject: "Your Greenroom access is back",
      status: "sent",
    });
    expect(message.text).toContain("Talked it through");
    expect(link).toBe("http://localhost:3000/login");
    // ... and in the portal, waiting for their next visit.
    const inbox = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, artist.id));
    expect(inbox).toEqual([
      expect.objectContaining({
        kind: "account_reactivated",
        title: "Your access is back",
        body: expect.stringContaining("Talked it through") as unknown,
        readAt: null,
      }),
    ]);
  });

  it("suspending twice is a conflict, not a silent no-op; admins cannot suspend themselves", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await createUser(t.db);
    await suspendUser(t.db, acting(admin), artist.id, "first time");
    await expect(suspendUser(t.db, acting(admin), artist.id, "second time")).rejects.toMatchObject({
      status: 409,
    });
    await expect(suspendUser(t.db, acting(admin), admin.id, "oops")).rejects.toMatchObject({
      status: 400,
    });
  });

  it("a reviewer cannot suspend, even calling the domain directly", async () => {
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const artist = await createUser(t.db);
    await expect(suspendUser(t.db, acting(reviewer), artist.id, "no")).rejects.toMatchObject({
      status: 403,
    });
    const [row] = await t.db.select().from(users).where(eq(users.id, artist.id));
    expect(row!.status).toBe("active");
  });

  it("changes role and trust tier with an audit entry in the same transaction", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await createUser(t.db);
    const cookie = await sessionCookieFor(t.db, admin);
    const res = await callRoute(
      t.db,
      personAction,
      makeRequest(`/admin/people/${artist.id}`, {
        cookie,
        form: { intent: "access", role: "reviewer", trustTier: "trusted" },
      }),
      { userId: artist.id },
    );
    expect(res.status).toBe(302);
    const [row] = await t.db.select().from(users).where(eq(users.id, artist.id));
    expect(row).toMatchObject({ role: "reviewer", trustTier: "trusted" });
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "user.access_changed"));
    expect(entry!.data).toMatchObject({
      from: { role: "artist", trustTier: "standard" },
      to: { role: "reviewer", trustTier: "trusted" },
    });
    // An admin cannot demote themselves.
    const self = await callRoute(
      t.db,
      personAction,
      makeRequest(`/admin/people/${admin.id}`, {
        cookie,
        form: { intent: "access", role: "artist", trustTier: "standard" },
      }),
      { userId: admin.id },
    );
    expect(self.status).toBe(400);
  });

  it("searches by name or email, filters by role and status, and paginates", async () => {
    const admin = await createUser(t.db, { role: "admin", email: "boss@example.test" });
    for (let i = 0; i < 30; i++)
      await createUser(t.db, {
        email: `artist${String(i).padStart(2, "0")}@example.test`,
        displayName: `Painter ${i}`,
      });
    await createUser(t.db, {
      email: "odd_one@example.test",
      displayName: "Zed",
      status: "suspended",
    });
    const cookie = await sessionCookieFor(t.db, admin);
    const page2 = await callRoute(
      t.db,
      peopleLoader,
      makeRequest("/admin/people?role=artist&page=2", { cookie }),
    );
    const body = page2.body as { people: { email: string }[]; total: number };
    expect(body.total).toBe(31);
    expect(body.people).toHaveLength(6);
    const search = await callRoute(
      t.db,
      peopleLoader,
      makeRequest("/admin/people?q=painter%2012", { cookie }),
    );
    expect((search.body as { people: { email: string }[] }).people.map((p) => p.email)).toEqual([
      "artist12@example.test",
    ]);
    // LIKE wildcards in the search are literal.
    const underscore = await callRoute(
      t.db,
      peopleLoader,
      makeRequest("/admin/people?q=_", { cookie }),
    );
    expect((underscore.body as { people: { email: string }[] }).people.map((p) => p.email)).toEqual(
      ["odd_one@example.test"],
    );
    const suspended = await callRoute(
      t.db,
      peopleLoader,
      makeRequest("/admin/people?status=suspended&role=bogus", { cookie }),
    );
    expect((suspended.body as { total: number }).total).toBe(1);
  });

  it("an unknown person is a 404", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin);
    const res = await callRoute(t.db, personLoader, makeRequest("/admin/people/nope", { cookie }), {
      userId: "nope",
    });
    expect(res.status).toBe(404);
  });
});
