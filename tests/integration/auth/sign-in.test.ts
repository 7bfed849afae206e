import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, sessions } from "~db/schema";
import { selectRows } from "~/.server/db";
import { action as loginAction, loader as loginLoader } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { loader as homeLoader } from "~/routes/_index";
import { useTestDatabase } from "../../support/db";
import {
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
  TEST_PASSWORD,
} from "../../support/factories";

const t = useTestDatabase();

function login(email: string, password: string, ip = "198.51.100.1") {
  return callRoute(
    t.db,
    loginAction,
    makeRequest("/login", { form: { email, password } }),
    {},
    { ip },
  );
}

describe("signing in", () => {
  it("starts a session with a HttpOnly, SameSite=Lax cookie and stores only a hash of its token", async () => {
    const user = await createUser(t.db, { email: "ari@example.test" });
    const res = await login("ARI@example.test", TEST_PASSWORD);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^greenroom_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=2592000/);
    const token = cookie.split(";")[0]!.split("=")[1]!;

    const rows = await t.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).not.toBe(token);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    // The raw token appears nowhere in the database.
    const dump = await selectRows(
      t.db,
      sql`SELECT row_to_json(s)::text AS j FROM sessions s UNION ALL SELECT row_to_json(a)::text FROM audit_log a UNION ALL SELECT row_to_json(u)::text FROM users u`,
    );
    const text = JSON.stringify(dump);
    expect(text).toContain(rows[0]!.id);
    expect(text).not.toContain(token);

    // The cookie opens the portal.
    const home = await callRoute(
      t.db,
      homeLoader,
      makeRequest("/", { cookie: `greenroom_session=${token}` }),
    );
    expect(home.status).toBe(200);
    expect((home.body as { user: { email: string } }).user.email).toBe("ari@example.test");
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    await createUser(t.db, { email: "known@example.test" });
    const wrong = await login("known@example.test", "not the password");
    const unknown = await login("nobody@example.test", "not the password");
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(wrong.body).toEqual(unknown.body);
  });

  it("refuses a suspended account with a message and no session", async () => {
    const user = await createUser(t.db, { status: "suspended" });
    const res = await login(user.email, TEST_PASSWORD);
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toMatch(/suspended/);
    expect(await t.db.select().from(sessions)).toHaveLength(0);
  });

  it("refuses an invited account that has no password yet", async () => {
    const user = await createUser(t.db, { status: "invited" });
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(400);
  });

  it("validates the form with messages per field", async () => {
    const res = await callRoute(
      t.db,
      loginAction,
      makeRequest("/login", { form: { email: "not-an-email", password: "" } }),
    );
    expect(res.status).toBe(422);
    const errors = (res.body as { errors: Record<string, string> }).errors;
    expect(errors.email).toMatch(/valid email/);
    expect(errors.password).toMatch(/Enter your password/);
  });

  it("only redirects to paths on this site after signing in", async () => {
    const user = await createUser(t.db);
    const ok = await callRoute(
      t.db,
      loginAction,
      makeRequest("/login", {
        form: { email: user.email, password: TEST_PASSWORD, redirectTo: "/admin/people" },
      }),
    );
    expect(ok.headers.get("location")).toBe("/admin/people");
    const evil = await callRoute(
      t.db,
      loginAction,
      makeRequest("/login", {
        form: { email: user.email, password: TEST_PASSWORD, redirectTo: "//evil.example" },
      }),
    );
    expect(evil.headers.get("location")).toBe("/");
  });

  it("throttles one account after 5 attempts, with Retry-After, even with the right password", async () => {
    const user = await createUser(t.db, { email: "target@example.test" });
    for (let i = 0; i < 5; i++)
      expect((await login(user.email, `guess-${i}`, `198.51.100.${i}`)).status).toBe(400);
    const blocked = await login(user.email, TEST_PASSWORD, "198.51.100.99");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(JSON.stringify(blocked.body)).toMatch(/Too many attempts/);
    // Other accounts are unaffected.
    const other = await createUser(t.db);
    expect((await login(other.email, TEST_PASSWORD, "198.51.100.98")).status).toBe(302);
  });

  it("throttles one address across many accounts", async () => {
    for (let i = 0; i < 30; i++) await login(`spray-${i}@example.test`, "x", "192.0.2.50");
    const blocked = await login("spray-final@example.test", "x", "192.0.2.50");
    expect(blocked.status).toBe(429);
  });

  it("does not count successful sign-ins against a shared address", async () => {
    const people = await Promise.all(Array.from({ length: 35 }, () => createUser(t.db)));
    for (const person of people)
      expect((await login(person.email, TEST_PASSWORD, "192.0.2.77")).status).toBe(302);
  });

  it("counts parallel attempts exactly: no burst slips under the limit", async () => {
    const user = await createUser(t.db);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login(user.email, `p-${i}`, `203.0.113.${i + 10}`)),
    );
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });

  it("a signed-in person visiting /login goes home", async () => {
    const user = await createUser(t.db);
    const res = await callRoute(
      t.db,
      loginLoader,
      makeRequest("/login", { cookie: await sessionCookieFor(t.db, user) }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
  });

  it("signing out ends the session in the database and clears the cookie", async () => {
    const user = await createUser(t.db);
    const cookie = await sessionCookieFor(t.db, user);
    const res = await callRoute(
      t.db,
      logoutAction,
      makeRequest("/logout", { method: "POST", cookie }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("set-cookie")).toMatch(/greenroom_session=;.*Max-Age=0/);
    expect(await t.db.select().from(sessions)).toHaveLength(0);
    const again = await callRoute(t.db, homeLoader, makeRequest("/", { cookie }));
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toMatch(/^\/login/);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, "auth.sign_out"));
    expect(audit).toHaveLength(1);
  });
});
