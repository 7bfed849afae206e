import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer } from "~/.server/mail/mailer";
import { loader as outboxLoader } from "~/routes/admin.outbox/route";
import {
  auditLog,
  emailOutbox,
  notifications,
  passwordResetTokens,
  sessions,
  users,
} from "~db/schema";
import { action as forgotAction } from "~/routes/forgot-password/route";
import { action as resetAction, loader as resetLoader } from "~/routes/reset-password.$token/route";
import { action as loginAction } from "~/routes/login/route";
import { loader as homeLoader } from "~/routes/_index/route";
import { useTestDatabase } from "../../support/db";
import {
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
  TEST_PASSWORD,
  testEnv,
} from "../../support/factories";
import { startFakeResend } from "../../support/fake-resend";

const t = useTestDatabase();

// Reset links reach the owner's inbox only: here, a local Resend that follows its documented
// contract. The outbox never holds them.
let resend: Awaited<ReturnType<typeof startFakeResend>>;
beforeAll(async () => {
  resend = await startFakeResend();
});
afterAll(() => resend.close());
const mailer = () =>
  createMailer({
    RESEND_API_KEY: resend.apiKey,
    RESEND_BASE_URL: resend.url,
    EMAIL_FROM: testEnv.EMAIL_FROM,
    SESSION_SECRET: testEnv.SESSION_SECRET,
  });

async function forgot(email: string, ip = "198.51.100.20") {
  return callRoute(
    t.db,
    forgotAction,
    makeRequest("/forgot-password", { form: { email } }),
    {},
    { ip, mailer: mailer() },
  );
}

/** The reset link in the newest email Resend was asked to send to `email`, as its owner reads it. */
async function lastEmailTo(_db: unknown, email: string) {
  const sent = resend.requests.filter((r) => [r.body.to].flat().includes(email)).at(-1);
  if (!sent) throw new Error(`No email to ${email}`);
  const link = /href="(http[^"]+\/reset-password\/[^"]+)"/.exec(sent.body.html ?? "")?.[1];
  return { message: sent, link, path: link ? new URL(link).pathname : undefined };
}

function tokenFrom(path: string) {
  return path.split("/").pop()!;
}

describe("password reset", () => {
  it("answers the same whether or not the address has an account, and emails only a real one", async () => {
    await createUser(t.db, { email: "real@example.test" });
    const known = await forgot("real@example.test");
    const unknown = await forgot("ghost@example.test");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect({ ...(known.body as object), email: "x" }).toEqual({
      ...(unknown.body as object),
      email: "x",
    });
    const messages = await t.db.select().from(emailOutbox);
    expect(messages.map((m) => m.recipient)).toEqual(["real@example.test"]);
    expect(messages[0]!.template).toBe("password-reset");
    const { link } = await lastEmailTo(t.db, "real@example.test");
    expect(link).toMatch(/^http:\/\/localhost:3000\/reset-password\/[\w-]{43}$/);
  });

  it("never lets an admin read another person's reset link: the outbox takeover is gone", async () => {
    // The reported attack: ask a reset for another admin, read the link in /admin/outbox.
    const attacker = await createUser(t.db, { role: "admin" });
    const victim = await createUser(t.db, { role: "admin", email: "omar@example.test" });
    await forgot(victim.email);
    const { link } = await lastEmailTo(t.db, victim.email);
    const token = link!.split("/").pop()!;

    const page = await callRoute(
      t.db,
      outboxLoader,
      makeRequest("/admin/outbox", { cookie: await sessionCookieFor(t.db, attacker) }),
    );
    expect(page.status).toBe(200);
    const shown = JSON.stringify(page.body);
    expect(shown).toContain("omar@example.test");
    expect(shown).not.toContain(token);
    expect(shown).not.toContain("/reset-password/");
    const { messages } = page.body as {
      messages: { links: string[]; secretWithheld: boolean }[];
    };
    expect(messages[0]).toMatchObject({ links: [], secretWithheld: true });
    // Nor is the token anywhere in the database.
    const rows = await t.db.select().from(emailOutbox);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("tells every other admin, in-app and by email, when an admin's password is reset, and audits it", async () => {
    const reset = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
    const others = [
      await createUser(t.db, { role: "admin" }),
      await createUser(t.db, { role: "admin" }),
    ];
    const reviewer = await createUser(t.db, { role: "reviewer" });
    await forgot(reset.email);
    const { path } = await lastEmailTo(t.db, reset.email);
    const token = tokenFrom(path!);
    resend.requests.length = 0;
    const done = await callRoute(
      t.db,
      resetAction,
      makeRequest(path!, {
        form: { password: "a brand new password", confirm: "a brand new password" },
      }),
      { token },
      { mailer: mailer() },
    );
    expect(done.status).toBe(302);
    for (const admin of others) {
      const [note] = await t.db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, admin.id));
      expect(note).toMatchObject({
        kind: "admin_password_reset",
        title: "Ada Admin's admin password was reset",
        link: `/admin/people/${reset.id}`,
      });
    }
    const told = resend.requests
      .map((r) => r.body.to)
      .flat()
      .sort();
    expect(told).toEqual(others.map((o) => o.email).sort());
    expect(resend.requests[0]!.body.subject).toBe("Security: Ada Admin's admin password was reset");
    // Not the reviewer, not the admin whose password it was.
    for (const id of [reviewer.id, reset.id])
      expect(await t.db.select().from(notifications).where(eq(notifications.userId, id))).toEqual(
        [],
      );
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.password_reset"), eq(auditLog.subjectId, reset.id)));
    expect(audit!.data).toMatchObject({ role: "admin", adminsNotified: 2 });
  });

  it("tells no admin when an artist resets a password", async () => {
    await createUser(t.db, { role: "admin" });
    const artist = await createUser(t.db);
    await forgot(artist.email);
    const { path } = await lastEmailTo(t.db, artist.email);
    const done = await callRoute(
      t.db,
      resetAction,
      makeRequest(path!, {
        form: { password: "a brand new password", confirm: "a brand new password" },
      }),
      { token: tokenFrom(path!) },
      { mailer: mailer() },
    );
    expect(done.status).toBe(302);
    expect(await t.db.select().from(notifications)).toEqual([]);
  });

  it("stores only a hash of the token, which works once, and ends every session", async () => {
    const user = await createUser(t.db, { email: "reset@example.test" });
    const cookieA = await sessionCookieFor(t.db, user);
    await sessionCookieFor(t.db, user);
    await forgot(user.email);
    const { path } = await lastEmailTo(t.db, user.email);
    const token = tokenFrom(path!);
    const [stored] = await t.db.select().from(passwordResetTokens);
    expect(stored!.tokenHash).not.toContain(token);
    expect(stored!.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    expect((await callRoute(t.db, resetLoader, makeRequest(path!), { token })).status).toBe(200);
    const done = await callRoute(
      t.db,
      resetAction,
      makeRequest(path!, {
        form: { password: "a brand new password", confirm: "a brand new password" },
      }),
      { token },
    );
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/login");
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);

    // The old session lands on /login with the reason.
    const home = await callRoute(t.db, homeLoader, makeRequest("/", { cookie: cookieA }));
    expect(home.headers.get("location")).toBe("/login?ended=password_reset");

    // Second use of the same link is refused.
    const again = await callRoute(
      t.db,
      resetAction,
      makeRequest(path!, { form: { password: "another password!", confirm: "another password!" } }),
      { token },
    );
    expect(again.status).toBe(410);
    expect((await callRoute(t.db, resetLoader, makeRequest(path!), { token })).status).toBe(410);

    // The new password works, the old one does not.
    const oldLogin = await callRoute(
      t.db,
      loginAction,
      makeRequest("/login", { form: { email: user.email, password: TEST_PASSWORD } }),
    );
    expect(oldLogin.status).toBe(400);
    const newLogin = await callRoute(
      t.db,
      loginAction,
      makeRequest("/login", { form: { email: user.email, password: "a brand new password" } }),
    );
    expect(newLogin.status).toBe(302);
  });

  it("refuses an expired token", async () => {
    const user = await createUser(t.db);
    await forgot(user.email);
    const { path } = await lastEmailTo(t.db, user.email);
    await t.db.update(passwordResetTokens).set({ expiresAt: sql`now() - interval '1 second'` });
    const token = tokenFrom(path!);
    const res = await callRoute(
      t.db,
      resetAction,
      makeRequest(path!, {
        form: { password: "a brand new password", confirm: "a brand new password" },
      }),
      { token },
    );
    expect(res.status).toBe(410);
    const [row] = await t.db
      .select({ hash: users.passwordHash })
      .from(users)
      .where(eq(users.id, user.id));
    expect(row!.hash).toBe(user.passwordHash);
  });

  it("expires tokens after one hour", async () => {
    const user = await createUser(t.db);
    await forgot(user.email);
    const [row] = await t.db.select().from(passwordResetTokens);
    const ttl = row!.expiresAt.getTime() - row!.createdAt.getTime();
    expect(Math.abs(ttl - 3600_000)).toBeLessThan(5_000);
  });

  it("lets exactly one of two parallel submissions of the same link through", async () => {
    const user = await createUser(t.db);
    await forgot(user.email);
    const { path } = await lastEmailTo(t.db, user.email);
    const token = tokenFrom(path!);
    const submit = (password: string) =>
      callRoute(t.db, resetAction, makeRequest(path!, { form: { password, confirm: password } }), {
        token,
      });
    const results = await Promise.all([
      submit("first new password"),
      submit("second new password"),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 410]);
  });

  it("checks the new password's length and confirmation", async () => {
    const user = await createUser(t.db);
    await forgot(user.email);
    const { path } = await lastEmailTo(t.db, user.email);
    const token = tokenFrom(path!);
    const short = await callRoute(
      t.db,
      resetAction,
      makeRequest(path!, { form: { password: "short", confirm: "short" } }),
      { token },
    );
    expect(short.status).toBe(422);
    expect((short.body as { errors: Record<string, string> }).errors.password).toMatch(
      /at least 8/,
    );
    const long = "x".repeat(257);
    expect(
      (
        await callRoute(
          t.db,
          resetAction,
          makeRequest(path!, { form: { password: long, confirm: long } }),
          { token },
        )
      ).status,
    ).toBe(422);
    const mismatch = await callRoute(
      t.db,
      resetAction,
      makeRequest(path!, { form: { password: "long enough 1", confirm: "long enough 2" } }),
      { token },
    );
    expect((mismatch.body as { errors: Record<string, string> }).errors.confirm).toMatch(
      /do not match/,
    );
  });

  it("throttles requests per account", async () => {
    const user = await createUser(t.db);
    for (let i = 0; i < 3; i++)
      expect((await forgot(user.email, `198.51.100.${30 + i}`)).status).toBe(200);
    const blocked = await forgot(user.email, "198.51.100.40");
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBeTruthy();
    expect(await t.db.select().from(emailOutbox)).toHaveLength(3);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
