import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, sessions } from "~db/schema";
import { selectRows } from "~/.server/db";
import { DEVICE_COOKIE } from "~/.server/auth/known-clients";
import { backoffDelaySeconds } from "~/.server/auth/rate-limit";
import { signIn, SIGN_IN_LIMITS } from "~/.server/auth/sign-in";
import type { Env } from "~/.server/env";
import type { UserError } from "~/.server/errors";
import { action as loginAction, loader as loginLoader } from "~/routes/login/route";
import { action as logoutAction } from "~/routes/logout/route";
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
    // Back to /login first, which sees that the cookie stuck and passes on (below).
    expect(res.headers.get("location")).toBe("/login?cookie=check&redirectTo=%2F");
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
    expect(ok.headers.get("location")).toBe("/login?cookie=check&redirectTo=%2Fadmin%2Fpeople");
    const evil = await callRoute(
      t.db,
      loginAction,
      makeRequest("/login", {
        form: { email: user.email, password: TEST_PASSWORD, redirectTo: "//evil.example" },
      }),
    );
    expect(evil.headers.get("location")).toBe("/login?cookie=check&redirectTo=%2F");
    // The check passes a signed-in person on to the target, never off the site.
    const cookie = await sessionCookieFor(t.db, user);
    const checked = await callRoute(
      t.db,
      loginLoader,
      makeRequest("/login?cookie=check&redirectTo=%2F%2Fevil.example", { cookie }),
    );
    expect(checked.headers.get("location")).toBe("/");
    const onward = await callRoute(
      t.db,
      loginLoader,
      makeRequest("/login?cookie=check&redirectTo=%2Fadmin%2Fpeople", { cookie }),
    );
    expect(onward.headers.get("location")).toBe("/admin/people");
  });

  describe("when the browser refuses the session cookie", () => {
    it("says so on the sign-in page instead of showing the form again in silence", async () => {
      const res = await callRoute(
        t.db,
        loginLoader,
        makeRequest("/login?cookie=check&redirectTo=%2Fstudio", {
          headers: { host: "192.168.1.20:3000" },
        }),
      );
      expect(res.status).toBe(200);
      const body = res.body as { notice: string; cookieRefused: boolean };
      expect(body.cookieRefused).toBe(true);
      expect(body.notice).toMatch(/did not keep the sign-in cookie/);
      // APP_URL is http here: the cookie was not Secure, so the reason is elsewhere.
      expect(body.notice).toMatch(/Allow cookies for http:\/\/192\.168\.1\.20:3000/);
      expect(body.notice).not.toMatch(/Secure/);
    });

    it("names the Secure cookie and the fix when APP_URL is https and the page came over http", async () => {
      const res = await callRoute(
        t.db,
        loginLoader,
        makeRequest("/login?cookie=check", { headers: { host: "192.168.1.20:3000" } }),
        {},
        { env: { APP_URL: "https://greenroom.example" } },
      );
      const body = res.body as { notice: string };
      expect(body.notice).toMatch(/marked Secure/);
      expect(body.notice).toMatch(/plain http at http:\/\/192\.168\.1\.20:3000/);
      expect(body.notice).toMatch(/Open the portal at https:\/\/greenroom\.example/);
      expect(body.notice).toMatch(/set APP_URL/);
    });

    it("shows the plain form without the marker", async () => {
      const res = await callRoute(t.db, loginLoader, makeRequest("/login"));
      expect(res.body).toEqual({ notice: null, cookieRefused: false });
    });
  });

  describe("Secure on the auth cookies", () => {
    async function signInCookies(options: {
      env?: Partial<Env>;
      headers?: Record<string, string>;
    }) {
      const user = await createUser(t.db);
      const res = await callRoute(
        t.db,
        loginAction,
        makeRequest("/login", {
          form: { email: user.email, password: TEST_PASSWORD },
          headers: options.headers,
        }),
        {},
        { env: options.env },
      );
      expect(res.status).toBe(302);
      return res.headers.getSetCookie();
    }

    it("leaves it off over plain http when APP_URL is http (a demo on another host signs in)", async () => {
      const cookies = await signInCookies({ headers: { host: "192.168.1.20:3000" } });
      expect(cookies).toHaveLength(2);
      for (const cookie of cookies) expect(cookie).not.toMatch(/Secure/);
    });

    it("sets it on the session and device cookies when APP_URL is https", async () => {
      const cookies = await signInCookies({ env: { APP_URL: "https://greenroom.example" } });
      expect(cookies.map((c) => c.split("=")[0])).toEqual(["greenroom_session", DEVICE_COOKIE]);
      for (const cookie of cookies) expect(cookie).toMatch(/; Secure/);
    });

    it("sets it when the trusted proxy header says the browser used https", async () => {
      const trusted = { TRUSTED_PROTO_HEADER: "x-forwarded-proto" };
      const cookies = await signInCookies({
        env: trusted,
        headers: { "x-forwarded-proto": "https" },
      });
      for (const cookie of cookies) expect(cookie).toMatch(/; Secure/);
      // Without the setting, the same header is the client's word and changes nothing.
      const untrusted = await signInCookies({ headers: { "x-forwarded-proto": "https" } });
      for (const cookie of untrusted) expect(cookie).not.toMatch(/Secure/);
    });
  });

  describe("throttles that slow the attacker, not the owner", () => {
    /** Sign in as the route does, with this browser's cookies. */
    function loginWith(email: string, password: string, ip: string, cookie?: string) {
      return callRoute(
        t.db,
        loginAction,
        makeRequest("/login", { form: { email, password }, cookie }),
        {},
        { ip },
      );
    }
    const deviceCookieOf = (res: { headers: Headers }) =>
      res.headers
        .getSetCookie()
        .find((c) => c.startsWith(`${DEVICE_COOKIE}=`))!
        .split(";")[0]!;

    /** The domain call with a clock, to wait out a delay without waiting. */
    function signInAt(
      email: string,
      password: string,
      ip: string,
      options: { now?: Date; cookie?: string } = {},
    ) {
      return signIn(
        t.db,
        { email, password },
        { userId: null, ip, userAgent: "vitest" },
        {
          cookieHeader: options.cookie ?? null,
          secret: testEnv.SESSION_SECRET,
          secureCookies: false,
          now: options.now,
        },
      );
    }

    // Throttle windows and delays are counted from a clock: every attempt below that depends on
    // one gets the same fixed moment, so a slow machine cannot change what the test sees.
    const later = () => new Date(Date.now() + 60_000);

    it("gives the owner a device cookie that lets them in while strangers hammer the account", async () => {
      const user = await createUser(t.db, { email: "owner@example.test" });
      const first = await loginWith(user.email, TEST_PASSWORD, "198.51.100.7");
      expect(first.status).toBe(302);
      const device = deviceCookieOf(first);
      expect(first.headers.getSetCookie().find((c) => c.startsWith(DEVICE_COOKIE))).toMatch(
        /HttpOnly; SameSite=Lax/,
      );
      const now = later();
      // Thirty wrong guesses from thirty addresses: the account is under attack.
      for (let i = 0; i < 30; i++)
        await signInAt(user.email, `guess-${i}`, `203.0.113.${i}`, { now }).catch(() => {});
      await expect(
        signInAt(user.email, TEST_PASSWORD, "192.0.2.200", { now }),
      ).rejects.toMatchObject({ status: 429 });
      // The owner's browser, even from a new address, goes straight in.
      const owner = await signInAt(user.email, TEST_PASSWORD, "192.0.2.201", {
        now,
        cookie: device,
      });
      expect(owner.user.id).toBe(user.id);
      // A device cookie of another account, or a forged one, makes nobody known.
      const other = await createUser(t.db);
      const otherDevice = deviceCookieOf(
        await loginWith(other.email, TEST_PASSWORD, "198.51.100.8"),
      );
      await expect(
        signInAt(user.email, TEST_PASSWORD, "192.0.2.202", { now, cookie: otherDevice }),
      ).rejects.toMatchObject({ status: 429 });
      const forged = `${DEVICE_COOKIE}=${user.id}.AAAAAAAAAAAA.${Math.floor(Date.now() / 1000)}.forged`;
      await expect(
        signInAt(user.email, TEST_PASSWORD, "192.0.2.203", { now, cookie: forged }),
      ).rejects.toMatchObject({ status: 429 });
    });

    it("lets the owner in from an address they signed in from lately, whatever strangers do", async () => {
      const user = await createUser(t.db);
      expect((await loginWith(user.email, TEST_PASSWORD, "198.51.100.9")).status).toBe(302);
      const now = later();
      for (let i = 0; i < 20; i++)
        await signInAt(user.email, `guess-${i}`, `203.0.113.${i}`, { now }).catch(() => {});
      // No cookie (another browser), but the office address is known to the account.
      const owner = await signInAt(user.email, TEST_PASSWORD, "198.51.100.9", { now });
      expect(owner.user.id).toBe(user.id);
    });

    it("lets a correct password from a new address through while the account shows no attack", async () => {
      const user = await createUser(t.db);
      // The owner's own typos from home, then the right password from a café.
      for (let i = 0; i < 3; i++)
        expect((await loginWith(user.email, `typo-${i}`, "198.51.100.10")).status).toBe(400);
      expect((await loginWith(user.email, TEST_PASSWORD, "192.0.2.30")).status).toBe(302);
    });

    it("slows an attacked account with a growing delay, never a lock: whoever waits gets a turn", async () => {
      const user = await createUser(t.db);
      const start = new Date("2026-12-02T10:00:05Z");
      const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
      for (let i = 0; i < SIGN_IN_LIMITS.account.free; i++)
        await expect(
          signInAt(user.email, `g-${i}`, `203.0.113.${i}`, { now: at(0) }),
        ).rejects.toMatchObject({ status: 400 });
      // The sixth try from anywhere unknown waits 1 s after the last one let through…
      await expect(
        signInAt(user.email, "g-5", "203.0.113.50", { now: at(0) }),
      ).rejects.toMatchObject({
        status: 429,
        headers: { "Retry-After": "1" },
      });
      await expect(
        signInAt(user.email, "g-5", "203.0.113.50", { now: at(1) }),
      ).rejects.toMatchObject({
        status: 400,
      });
      // …the next 2 s, then 4 s: refused tries do not push it further out.
      await expect(
        signInAt(user.email, "g-6", "203.0.113.51", { now: at(2) }),
      ).rejects.toMatchObject({
        status: 429,
        headers: { "Retry-After": "1" },
      });
      await expect(
        signInAt(user.email, "g-6", "203.0.113.51", { now: at(3) }),
      ).rejects.toMatchObject({
        status: 400,
      });
      await expect(
        signInAt(user.email, "g-7", "203.0.113.52", { now: at(4) }),
      ).rejects.toMatchObject({
        status: 429,
        headers: { "Retry-After": "3" },
      });
      // The owner from a new address, after the wait: in.
      const owner = await signInAt(user.email, TEST_PASSWORD, "192.0.2.40", { now: at(7) });
      expect(owner.user.id).toBe(user.id);
      // The delay is capped: however many tries, never more than 15 minutes.
      expect(backoffDelaySeconds(SIGN_IN_LIMITS.account, 1000)).toBe(15 * 60);
    });

    it("locks one address out of one account after 5 wrong tries, with Retry-After; other accounts are not held", async () => {
      const user = await createUser(t.db);
      const now = later();
      for (let i = 0; i < 5; i++)
        await expect(
          signInAt(user.email, `wrong-${i}`, "203.0.113.77", { now }),
        ).rejects.toMatchObject({ status: 400 });
      const blocked = await signInAt(user.email, TEST_PASSWORD, "203.0.113.77", { now }).catch(
        (error: unknown) => error as UserError,
      );
      expect(blocked).toMatchObject({ status: 429 });
      expect(Number((blocked as UserError).headers!["Retry-After"])).toBeGreaterThan(0);
      expect((blocked as UserError).message).toMatch(
        /^Too many attempts\. Please wait \d+ (seconds?|minutes?) and try again\.$/,
      );
      const other = await createUser(t.db);
      expect((await signInAt(other.email, TEST_PASSWORD, "198.51.100.98", { now })).user.id).toBe(
        other.id,
      );
    });

    it("slows one address trying many accounts, but not the people it knows", async () => {
      const known = await createUser(t.db);
      const device = deviceCookieOf(await loginWith(known.email, TEST_PASSWORD, "192.0.2.50"));
      const now = later();
      for (let i = 0; i < 30; i++)
        await signInAt(`spray-${i}@example.test`, "x", "192.0.2.50", { now }).catch(() => {});
      await expect(
        signInAt("spray-final@example.test", "x", "192.0.2.50", { now }),
      ).rejects.toMatchObject({ status: 429 });
      // A colleague behind the same address with a known browser still signs in.
      const colleague = await signInAt(known.email, TEST_PASSWORD, "192.0.2.50", {
        now,
        cookie: device,
      });
      expect(colleague.user.id).toBe(known.id);
    });

    it("does not count successful sign-ins against a shared address", async () => {
      const people = await Promise.all(Array.from({ length: 35 }, () => createUser(t.db)));
      for (const person of people)
        expect((await loginWith(person.email, TEST_PASSWORD, "192.0.2.77")).status).toBe(302);
    });

    it("counts parallel attempts exactly: no burst slips under the limit", async () => {
      const user = await createUser(t.db);
      const now = later();
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          signInAt(user.email, `p-${i}`, `203.0.113.${i + 10}`, { now }),
        ),
      );
      const refused = results.filter(
        (r) => r.status === "rejected" && (r.reason as UserError).status === 429,
      );
      // Five free tries; the sixth would have to wait a second after the fifth.
      expect(refused).toHaveLength(7);
    });
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
