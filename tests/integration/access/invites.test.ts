import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, emailOutbox, invites, sessions, users } from "~db/schema";
import { inviteMany, inviteOne, parseInviteCsv } from "~/.server/access/invites";
import { createMailer } from "~/.server/mail/mailer";
import { action as invitesAction, loader as invitesLoader } from "~/routes/admin.invites/route";
import { action as acceptAction, loader as acceptLoader } from "~/routes/invite.$token/route";
import { action as logoutAction } from "~/routes/logout/route";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  APP_URL,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";
import { lastEmailTo } from "../../support/outbox";

const t = useTestDatabase();
const outbox = createMailer({ EMAIL_FROM: "Greenroom <no-reply@greenroom.test>" });

async function adminCookie() {
  const admin = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
  return { admin, cookie: await sessionCookieFor(t.db, admin) };
}

async function invite(cookie: string, form: Record<string, string>) {
  return callRoute(
    t.db,
    invitesAction,
    makeRequest("/admin/invites", { cookie, form: { intent: "invite", ...form } }),
  );
}

const accept = (token: string, form: Record<string, string>) =>
  callRoute(t.db, acceptAction, makeRequest(`/invite/${token}`, { form }), { token });

describe("invitations", () => {
  it("an admin invites; the email carries a single-use link that creates the account and signs in", async () => {
    const { cookie } = await adminCookie();
    const res = await invite(cookie, { email: "New.Artist@Example.test", role: "artist" });
    expect(res.status).toBe(302);

    const { message, path } = await lastEmailTo(t.db, "new.artist@example.test");
    expect(message.subject).toMatch(/invited/);
    expect(message.text).toContain(`${APP_URL}/invite/`);
    expect(message.status).toBe("sent");
    expect(message.provider).toBe("outbox");
    const token = path!.split("/").pop()!;
    const [stored] = await t.db.select().from(invites);
    expect(stored!.tokenHash).not.toBe(token);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeGreaterThan(
      7 * 86400_000 - 5_000,
    );

    const page = await callRoute(t.db, acceptLoader, makeRequest(path!), { token });
    expect(page.body).toMatchObject({
      valid: true,
      email: "new.artist@example.test",
      role: "artist",
    });

    const done = await accept(token, {
      displayName: "Nia New",
      password: "my own password",
      confirm: "my own password",
    });
    expect(done.status).toBe(302);
    expect(done.headers.get("set-cookie")).toMatch(/greenroom_session=\w+/);
    const [user] = await t.db
      .select()
      .from(users)
      .where(eq(users.email, "new.artist@example.test"));
    expect(user).toMatchObject({ status: "active", displayName: "Nia New", role: "artist" });
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user!.id))).toHaveLength(1);

    // Single use.
    const again = await accept(token, {
      displayName: "Mallory",
      password: "another password",
      confirm: "another password",
    });
    expect(again.status).toBe(410);
    expect((await callRoute(t.db, acceptLoader, makeRequest(path!), { token })).status).toBe(410);
    const actions = (await t.db.select({ a: auditLog.action }).from(auditLog)).map((r) => r.a);
    expect(actions).toEqual(expect.arrayContaining(["invite.created", "invite.accepted"]));
  });

  it("binds the account to the invited address: a submitted email field changes nothing", async () => {
    const { cookie } = await adminCookie();
    await invite(cookie, { email: "bound@example.test", role: "reviewer" });
    const { path } = await lastEmailTo(t.db, "bound@example.test");
    const token = path!.split("/").pop()!;
    await accept(token, {
      email: "attacker@example.test",
      displayName: "B",
      password: "password123",
      confirm: "password123",
    });
    const emails = (await t.db.select({ e: users.email, role: users.role }).from(users)).map(
      (u) => `${u.e}:${u.role}`,
    );
    expect(emails).toContain("bound@example.test:reviewer");
    expect(emails.some((e) => e.startsWith("attacker"))).toBe(false);
  });

  it("warns a signed-in person who opens an invitation instead of offering to accept it", async () => {
    const { admin, cookie } = await adminCookie();
    await invite(cookie, { email: "warned@example.test", role: "artist" });
    const { path } = await lastEmailTo(t.db, "warned@example.test");
    const token = path!.split("/").pop()!;

    const page = await callRoute(t.db, acceptLoader, makeRequest(path!, { cookie }), { token });
    expect(page.body).toMatchObject({
      valid: true,
      email: "warned@example.test",
      signedInAs: { displayName: "Ada Admin", email: admin.email },
    });
    // Signed out, the same link offers the form.
    const anonymous = await callRoute(t.db, acceptLoader, makeRequest(path!), { token });
    expect(anonymous.body).toMatchObject({ valid: true, signedInAs: null });

    // A post while signed in (a stale tab) is refused, and the admin stays who they are.
    const refused = await callRoute(
      t.db,
      acceptAction,
      makeRequest(`/invite/${token}`, {
        cookie,
        form: { displayName: "Ada Again", password: "password123", confirm: "password123" },
      }),
      { token },
    );
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toMatch(/signed in as Ada Admin.*Sign out first/);
    const [invited] = await t.db.select().from(users).where(eq(users.email, "warned@example.test"));
    expect(invited!.status).toBe("invited");

    // "Sign out and continue" comes back to the invitation; only paths on this site.
    const out = await callRoute(
      t.db,
      logoutAction,
      makeRequest("/logout", { cookie, form: { redirectTo: `/invite/${token}` } }),
    );
    expect(out.headers.get("location")).toBe(`/invite/${token}`);
    expect(out.headers.get("set-cookie")).toMatch(/greenroom_session=;/);
    const elsewhere = await callRoute(
      t.db,
      logoutAction,
      makeRequest("/logout", { form: { redirectTo: "//evil.example" } }),
    );
    expect(elsewhere.headers.get("location")).toBe("/login");
  });

  it("refuses an expired invitation", async () => {
    const { cookie } = await adminCookie();
    await invite(cookie, { email: "late@example.test", role: "artist" });
    await t.db.update(invites).set({ expiresAt: sql`now() - interval '1 minute'` });
    const { path } = await lastEmailTo(t.db, "late@example.test");
    const token = path!.split("/").pop()!;
    expect(
      (await accept(token, { displayName: "L", password: "password123", confirm: "password123" }))
        .status,
    ).toBe(410);
  });

  it("resending makes the old link stop working; revoking stops the new one", async () => {
    const { cookie } = await adminCookie();
    await invite(cookie, { email: "twice@example.test", role: "artist" });
    const first = (await lastEmailTo(t.db, "twice@example.test")).path!.split("/").pop()!;
    const [inv] = await t.db.select().from(invites);
    const resent = await callRoute(
      t.db,
      invitesAction,
      makeRequest("/admin/invites", { cookie, form: { intent: "resend", inviteId: inv!.id } }),
    );
    expect(resent.status).toBe(302);
    const second = (await lastEmailTo(t.db, "twice@example.test")).path!.split("/").pop()!;
    expect(second).not.toBe(first);
    expect(
      (await callRoute(t.db, acceptLoader, makeRequest(`/invite/${first}`), { token: first }))
        .status,
    ).toBe(410);
    expect(
      (await callRoute(t.db, acceptLoader, makeRequest(`/invite/${second}`), { token: second }))
        .status,
    ).toBe(200);

    const open = (await t.db.select().from(invites)).find((i) => !i.revokedAt)!;
    const revoked = await callRoute(
      t.db,
      invitesAction,
      makeRequest("/admin/invites", { cookie, form: { intent: "revoke", inviteId: open.id } }),
    );
    expect(revoked.status).toBe(302);
    expect(
      (await callRoute(t.db, acceptLoader, makeRequest(`/invite/${second}`), { token: second }))
        .status,
    ).toBe(410);
    const twice = await callRoute(
      t.db,
      invitesAction,
      makeRequest("/admin/invites", { cookie, form: { intent: "revoke", inviteId: open.id } }),
    );
    expect(twice.status).toBe(409);
  });

  it("refuses to invite an address that already has an account, whatever its case", async () => {
    const { cookie } = await adminCookie();
    await createUser(t.db, { email: "taken@example.test" });
    const res = await invite(cookie, { email: "TAKEN@example.test", role: "artist" });
    expect(res.status).toBe(409);
    expect((res.body as { errors: Record<string, string> }).errors.email).toMatch(
      /already has an account/,
    );
  });

  it("the database itself refuses two accounts whose emails differ only in case", async () => {
    await createUser(t.db, { email: "case@example.test" });
    await expect(createUser(t.db, { email: "CASE@example.test" })).rejects.toThrow();
  });

  it("shows field errors for bad input", async () => {
    const { cookie } = await adminCookie();
    const res = await invite(cookie, { email: "nope", role: "overlord" });
    expect(res.status).toBe(422);
    const errors = (res.body as { errors: Record<string, string> }).errors;
    expect(errors.email).toBeTruthy();
    expect(errors.role).toBeTruthy();
  });

  it("lists invitations with their state", async () => {
    const { cookie, admin } = await adminCookie();
    await inviteOne(
      t.db,
      outbox,
      acting(admin),
      { email: "a@example.test", role: "artist" },
      APP_URL,
    );
    await inviteOne(
      t.db,
      outbox,
      acting(admin),
      { email: "b@example.test", role: "reviewer" },
      APP_URL,
    );
    const res = await callRoute(
      t.db,
      invitesLoader,
      makeRequest("/admin/invites?state=pending", { cookie }),
    );
    const body = res.body as { invites: { email: string; state: string }[]; total: number };
    expect(body.total).toBe(2);
    expect(body.invites.every((i) => i.state === "pending")).toBe(true);
  });
});

describe("inviting many from a CSV", () => {
  it("parses quoted names, defaults the role, and reports each bad row with its line", () => {
    const { rows, errors } = parseInviteCsv(
      'email,role,name\n"a@example.test",artist,"Doe, Jane"\nb@example.test,,Bo\nbad-address,artist,X\nc@example.test,wizard,C\nA@example.test,artist,dup\n',
    );
    expect(rows.map((r) => [r.email, r.role, r.displayName])).toEqual([
      ["a@example.test", "artist", "Doe, Jane"],
      ["b@example.test", "artist", "Bo"],
    ]);
    expect(errors.map((e) => e.line)).toEqual([4, 5, 6]);
    expect(errors[2]!.message).toMatch(/line 2/);
  });

  it("needs an email header", () => {
    expect(parseInviteCsv("address\nx@example.test").errors[0]!.message).toMatch(/email/);
  });

  it("writes nothing when any row is wrong, and everything when all are right", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    await createUser(t.db, { email: "exists@example.test" });
    const bad = await inviteMany(
      t.db,
      outbox,
      acting(admin),
      "email\nfresh@example.test\nexists@example.test\n",
      APP_URL,
    );
    expect(bad.ok).toBe(false);
    expect(bad.errors).toEqual([
      { line: 3, email: "exists@example.test", message: "Already has an account." },
    ]);
    expect(await t.db.select().from(invites)).toHaveLength(0);
    expect(await t.db.select().from(emailOutbox)).toHaveLength(0);
    expect((await t.db.select().from(users)).map((u) => u.email).sort()).toEqual(
      [admin.email, "exists@example.test"].sort(),
    );

    const good = await inviteMany(
      t.db,
      outbox,
      acting(admin),
      "email,role\none@example.test,artist\ntwo@example.test,reviewer\n",
      APP_URL,
    );
    expect(good).toMatchObject({ ok: true, created: 2 });
    expect(await t.db.select().from(invites)).toHaveLength(2);
    expect(await t.db.select().from(emailOutbox)).toHaveLength(2);
  });

  it("through the route: per-row errors come back as a 422 and nothing is sent", async () => {
    const { cookie } = await adminCookie();
    const form = new FormData();
    form.set("intent", "csv");
    form.set(
      "file",
      new File(["email,role\nok@example.test,artist\nbroken,artist\n"], "people.csv", {
        type: "text/csv",
      }),
    );
    const res = await callRoute(
      t.db,
      invitesAction,
      makeRequest("/admin/invites", { cookie, form }),
    );
    expect(res.status).toBe(422);
    expect((res.body as { rows: { line: number }[] }).rows).toEqual([
      expect.objectContaining({ line: 3 }),
    ]);
    expect(await t.db.select().from(invites)).toHaveLength(0);
  });

  it("through the route: an empty or binary upload is a 400 with a message", async () => {
    const { cookie } = await adminCookie();
    const empty = new FormData();
    empty.set("intent", "csv");
    expect(
      (await callRoute(t.db, invitesAction, makeRequest("/admin/invites", { cookie, form: empty })))
        .status,
    ).toBe(400);
    const binary = new FormData();
    binary.set("intent", "csv");
    binary.set("file", new File([new Uint8Array([0, 1, 2, 0, 255])], "x.csv"));
    const res = await callRoute(
      t.db,
      invitesAction,
      makeRequest("/admin/invites", { cookie, form: binary }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/not a text CSV/);
  });

  it("non-admins cannot invite, even by calling the domain directly", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    await expect(
      inviteOne(t.db, outbox, acting(artist), { email: "x@example.test", role: "admin" }, APP_URL),
    ).rejects.toThrow(/permission/);
  });
});
