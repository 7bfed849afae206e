import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import {
  ADMIN,
  ARTIST2,
  DEMO_PASSWORD,
  REVIEWER,
  startOfThrottleWindowIfNear,
  submitSignIn,
} from "./support/auth";

// The security hardening (issue 15) against the running production build: what the browser gets.

function headerValues(response: APIResponse, name: string) {
  return response
    .headersArray()
    .filter((h) => h.name.toLowerCase() === name)
    .map((h) => h.value);
}

async function signInAs(page: Page, email: string) {
  await page.goto("/login");
  await submitSignIn(page, email, DEMO_PASSWORD);
  await expect(page).toHaveURL("/");
}

test("a throttled sign-in says when to try again, with Retry-After on the page and on its data", async ({
  request,
  baseURL,
}) => {
  // It may wait for a throttle window to begin: give it the time.
  test.slow();
  await startOfThrottleWindowIfNear();
  const email = `retry.${Date.now()}@example.test`;
  const attempt = (path: string) =>
    request.post(path, {
      form: { email, password: "not the password" },
      headers: { origin: baseURL! },
      maxRedirects: 0,
    });
  for (let i = 0; i < 5; i++) expect((await attempt("/login")).status()).toBe(400);
  const page = await attempt("/login");
  expect(page.status()).toBe(429);
  expect(Number(page.headers()["retry-after"])).toBeGreaterThan(0);
  expect(await page.text()).toMatch(/Too many attempts\. Please wait \d+ (seconds?|minutes?)/);
  // The same answer as the page's own script fetches it (single fetch).
  const data = await attempt("/login.data");
  expect(data.status()).toBe(429);
  expect(Number(data.headers()["retry-after"])).toBeGreaterThan(0);
});

test("signed-in pages and their data are never cached; nosniff is sent once", async ({ page }) => {
  await signInAs(page, ARTIST2.email);
  for (const path of ["/studio", "/studio.data", "/notifications", "/earnings.data"]) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()["cache-control"], path).toBe("private, no-store");
    expect(headerValues(response, "x-content-type-options"), path).toEqual(["nosniff"]);
  }
  await page.goto("/studio");
  const clip = await page.locator('a[href^="/studio/clips/"]').first().getAttribute("href");
  const media = await page.request.get(`/media/clips/${clip!.split("/").pop()}/poster`);
  expect(media.status()).toBe(200);
  expect(headerValues(media, "x-content-type-options")).toEqual(["nosniff"]);
});

test("a NUL byte anywhere is a 400 with a message, never a 500", async ({ page, baseURL }) => {
  await signInAs(page, ADMIN.email);
  for (const path of [
    "/review?cohort=%00",
    "/admin/people?q=%00",
    "/admin/audit?action=%00",
    "/review/%00",
  ]) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(400);
    expect(await response.text(), path).toContain("NUL");
  }
  const invite = await page.request.post("/admin/invites", {
    form: { intent: "invite", email: "nul\u0000@example.test", role: "artist" },
    headers: { origin: baseURL! },
  });
  expect(invite.status()).toBe(400);
  expect(await invite.text()).toContain("cannot be stored (a NUL byte)");

  // A body that is not a form: 415, not a 500.
  const json = await page.request.post("/admin/invites", {
    data: { intent: "invite", email: "a@example.test" },
    headers: { origin: baseURL! },
  });
  expect(json.status()).toBe(415);
});

test("the outbox never shows a reset link: it says the link went to its owner only", async ({
  page,
}) => {
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(REVIEWER.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();

  await signInAs(page, ADMIN.email);
  await page.goto("/admin/outbox");
  const message = page
    .getByRole("article", { name: `Reset your Greenroom password to ${REVIEWER.email}` })
    .first();
  await expect(message).toBeVisible();
  await expect(message).toContainText("secret link");
  await expect(message.locator('a[href*="/reset-password/"]')).toHaveCount(0);
  expect(await page.content()).not.toMatch(/\/reset-password\/[\w-]{20,}/);
  await expectNoSeriousA11yViolations(page, "the outbox with a withheld reset link");
});

test("opening a review item without JavaScript claims nothing until the reviewer asks", async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signInAs(page, REVIEWER.email);
  await page.goto("/review");
  const item = page.locator('a[href^="/review/"]').first();
  const href = await item.getAttribute("href");
  await page.goto(href!);
  await expect(page.getByRole("button", { name: "Start reviewing" })).toBeVisible();
  await expect(page.getByText("You are reviewing this")).toHaveCount(0);
  await page.getByRole("button", { name: "Start reviewing" }).click();
  await expect(page.getByText("You are reviewing this")).toBeVisible();
  // Leave the queue as it was for the other specs.
  await page.getByRole("button", { name: "Stop reviewing" }).click();
  await expect(page).toHaveURL("/review");
  await context.close();
});
