import { expect, type Page } from "@playwright/test";

/** The seed's demo accounts (db/seed.ts) all share this password. */
export const DEMO_PASSWORD = "greenroom-demo";
export const ADMIN = { email: "admin@greenroom.test", name: "Ada Admin" };
export const REVIEWER = { email: "reviewer@greenroom.test", name: "Remi Reviewer" };
export const ARTIST2 = { email: "artist2@greenroom.test", name: "Bea Artist" };

/**
 * Fills and submits the sign-in form on the current /login page. Every call counts against the
 * per-address login limit (30 per 15 minutes for the whole suite): sign in only where needed.
 */
export async function submitSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in through the form and waits for the home page's greeting. */
export async function signIn(page: Page, email: string, password: string, displayName: string) {
  await page.goto("/login");
  await submitSignIn(page, email, password);
  await expect(page).toHaveURL("/");
  await expect(
    page.getByRole("heading", { level: 1, name: `Hello, ${displayName}` }),
  ).toBeVisible();
}

export function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Throttles count in fixed 15-minute windows (docs/decisions/0017). A test that makes several
 * attempts and expects the last one refused starts, if need be, just after a window begins, so
 * the attempts can never straddle two windows. This waits for a moment to come; it decides no
 * result.
 */
export async function startOfThrottleWindowIfNear(windowSeconds = 15 * 60, marginSeconds = 45) {
  const intoWindow = (Date.now() / 1000) % windowSeconds;
  const left = windowSeconds - intoWindow;
  if (left < marginSeconds) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 500));
}
