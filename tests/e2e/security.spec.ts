import http from "node:http";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ARTIST2, DEMO_PASSWORD, REVIEWER, submitSignIn } from "./support/auth";

// The protections the server promises, checked against the running production build.

const SESSION_COOKIE = "greenroom_session";

function setCookies(response: APIResponse) {
  return response
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => h.value);
}

function nonceOf(csp: string | undefined) {
  return /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
}

test.describe("cross-site request forgery", () => {
  const credentials = { email: ARTIST2.email, password: DEMO_PASSWORD };

  test("a POST to /login without an Origin header is refused with 403", async ({ request }) => {
    const response = await request.post("/login", { form: credentials, maxRedirects: 0 });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain("did not come from a Greenroom page");
    expect(setCookies(response).some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
  });

  test("a POST to /login from a foreign Origin is refused with 403", async ({ request }) => {
    for (const origin of ["https://evil.example", "http://localhost.evil.example", "null"]) {
      const response = await request.post("/login", {
        form: credentials,
        headers: { Origin: origin },
        maxRedirects: 0,
      });
      expect(response.status(), `Origin: ${origin}`).toBe(403);
      expect(
        setCookies(response).some((c) => c.startsWith(`${SESSION_COOKIE}=`)),
        `Origin: ${origin}`,
      ).toBe(false);
    }
  });
});

test.describe("session cookie", () => {
  /** Signs in over the API and returns the session cookie's attributes and where it led. */
  async function signInAttributes(
    request: APIRequestContext,
    baseURL: string,
    headers: Record<string, string> = {},
  ) {
    const response = await request.post("/login", {
      form: { email: ARTIST2.email, password: DEMO_PASSWORD },
      headers: { Origin: baseURL, ...headers },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(302);
    const cookie = setCookies(response).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(cookie, "a session cookie is set").toBeTruthy();
    return {
      location: response.headers()["location"],
      attributes: cookie!
        .split(";")
        .slice(1)
        .map((a) => a.trim().toLowerCase()),
    };
  }

  test("signing in over TLS (as the trusted proxy says) sets an HttpOnly, SameSite=Lax, Secure session cookie", async ({
    request,
    baseURL,
  }) => {
    // Our own origin is accepted (the control for the 403s above) and the sign-in succeeds.
    const { location, attributes } = await signInAttributes(request, baseURL!, {
      "X-Forwarded-Proto": "https",
    });
    // Back to /login first, which checks that the cookie stuck before going on.
    expect(location).toBe("/login?cookie=check&redirectTo=%2F");
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("secure");
    expect(attributes).toContain("path=/");
  });

  test("over plain http with an http APP_URL the cookie is not Secure, so another host can sign in", async ({
    request,
    baseURL,
  }) => {
    const { attributes } = await signInAttributes(request, baseURL!);
    expect(attributes).toContain("httponly");
    expect(attributes).not.toContain("secure");
  });

  test("a browser that refuses the session cookie is told why, not shown the form again in silence", async ({
    page,
  }) => {
    // Stand-in for a browser dropping the cookie: the sign-in answer reaches it without one.
    await page.route(/\/login(\.data)?(\?.*)?$/, async (route) => {
      if (route.request().method() !== "POST") return route.fallback();
      const response = await route.fetch({ maxRedirects: 0 });
      // route.fetch shares the page's cookie jar: empty it, as the refusing browser's stays.
      await page.context().clearCookies();
      const headers = Object.fromEntries(
        response
          .headersArray()
          .filter((h) => h.name.toLowerCase() !== "set-cookie")
          .map((h) => [h.name, h.value]),
      );
      await route.fulfill({ response, headers });
    });
    await page.goto("/login");
    await submitSignIn(page, ARTIST2.email, DEMO_PASSWORD);
    await expect(page.getByRole("alert")).toContainText("did not keep the sign-in cookie");
    await expect(page.getByRole("alert")).toContainText("Sign-in did not stick");
    await expect(page).toHaveURL(/\/login\?cookie=check/);
  });

  test("in the browser the session cookie is out of reach of scripts", async ({
    page,
    context,
  }) => {
    // As behind the TLS proxy, so the cookie is Secure (Chromium keeps Secure cookies on localhost).
    await page.setExtraHTTPHeaders({ "X-Forwarded-Proto": "https" });
    await page.goto("/login");
    await submitSignIn(page, REVIEWER.email, DEMO_PASSWORD);
    await expect(page).toHaveURL("/");
    await expect(
      page.getByRole("heading", { level: 1, name: `Hello, ${REVIEWER.name}` }),
    ).toBeVisible();
    const session = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(session, "the browser stored the session cookie").toBeTruthy();
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/" });
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
  });
});

test.describe("response headers", () => {
  test("each response carries its own CSP nonce, and every <script> tag carries it", async ({
    request,
  }) => {
    const first = await request.get("/login");
    const second = await request.get("/login");
    expect(first.status()).toBe(200);
    const csp = first.headers()["content-security-policy"];
    const nonce = nonceOf(csp);
    const otherNonce = nonceOf(second.headers()["content-security-policy"]);
    expect(nonce, `a nonce in: ${csp}`).toBeTruthy();
    expect(otherNonce).toBeTruthy();
    expect(nonce).not.toBe(otherNonce);
    expect(csp).toMatch(/script-src [^;]*'nonce-/);
    expect(csp).not.toContain("'unsafe-inline' 'nonce"); // scripts: nonce only, never unsafe-inline
    expect(/script-src([^;]*)/.exec(csp!)?.[1]).not.toContain("unsafe-inline");

    const html = await first.text();
    const scriptTags = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
    expect(scriptTags.length, "the page has scripts").toBeGreaterThan(0);
    for (const tag of scriptTags) expect(tag).toContain(`nonce="${nonce}"`);
    expect(html).not.toContain(otherNonce!);
  });

  test("the page hydrates under the CSP without violations", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto("/login");
    // The client router only exists once the scripts ran, i.e. the CSP let them.
    await page.waitForFunction(() =>
      Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter),
    );
    expect(violations).toEqual([]);
  });

  test("security headers are set on pages", async ({ request }) => {
    for (const path of ["/login", "/forgot-password", "/"]) {
      const response = await request.get(path, { maxRedirects: 0 });
      const headers = response.headers();
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers["content-security-policy"], path).toContain("object-src 'none'");
      expect(headers["x-powered-by"], path).toBeUndefined();
    }
  });

  test("the benchmark's baseline page is static text for anyone, and sets no cookie", async ({
    request,
  }) => {
    const response = await request.get("/bench/baseline");
    expect(response.status()).toBe(200);
    expect(response.headers()["set-cookie"]).toBeUndefined();
    const html = await response.text();
    expect(html).toContain("Greenroom is up");
    expect(html).toContain('name="robots" content="noindex"');
  });

  test("/healthz answers ok without caching", async ({ request }) => {
    const response = await request.get("/healthz");
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });
});

test.describe("errors and enumeration", () => {
  test("an unknown address shows a 404 page without internals", async ({ page, request }) => {
    const path = `/no-such-page-${Date.now()}/deeper`;
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Go to the start" })).toBeVisible();
    const text = await page.locator("body").innerText();
    expect(text).not.toMatch(/\bat \S+ \(|node_modules|\.tsx?:\d+|Error: /);
    await expectNoSeriousA11yViolations(page, "the 404 page");

    const raw = await request.get(path);
    expect(raw.status()).toBe(404);
    const html = await raw.text();
    expect(html).not.toMatch(/node_modules|\n\s+at \S+ \(|"stack"/);
  });

  test("forgot-password answers the same for an existing and an unknown email", async ({
    page,
  }) => {
    const answers: string[] = [];
    for (const email of [ARTIST2.email, `nobody.${Date.now()}@example.test`]) {
      await page.goto("/forgot-password");
      await expect(
        page.getByRole("heading", { level: 1, name: "Forgot your password?" }),
      ).toBeVisible();
      await page.getByLabel("Email").fill(email);
      const [response] = await Promise.all([
        page.waitForResponse(
          (r) =>
            new URL(r.url()).pathname.startsWith("/forgot-password") &&
            r.request().method() === "POST",
        ),
        page.getByRole("button", { name: "Send reset link" }).click(),
      ]);
      expect(response.status(), email).toBe(200);
      await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
      const answer = page.getByRole("status").filter({ hasText: "If " });
      await expect(answer).toContainText(email);
      answers.push((await page.getByRole("main").innerText()).replaceAll(email, "<email>"));
      await expectNoSeriousA11yViolations(page, `the forgot-password answer for ${email}`);
    }
    expect(answers[0]).toContain("we have sent it a link");
    expect(answers[1]).toBe(answers[0]);
  });
});

test.describe("request bodies", () => {
  test("a form body over 1 MB is refused with 413 before it is read", async ({
    request,
    baseURL,
  }) => {
    const response = await request.post("/login", {
      headers: { origin: baseURL!, "content-type": "application/x-www-form-urlencoded" },
      data: `email=${"a".repeat(1024 * 1024 + 10)}`,
      maxRedirects: 0,
    });
    expect(response.status()).toBe(413);
    expect(await response.text()).toBe("This request is too large.");
  });

  test("a body without a declared length is refused with 411", async ({ baseURL }) => {
    const url = new URL("/login", baseURL);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: "POST",
          headers: {
            origin: baseURL!,
            "content-type": "application/x-www-form-urlencoded",
            "transfer-encoding": "chunked",
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.write("email=a");
      req.end();
    });
    expect(status).toBe(411);
  });
});
