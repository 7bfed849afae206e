import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { startOfThrottleWindowIfNear, submitSignIn } from "./support/auth";

// Five wrong sign-in attempts for one account from one unknown browser and address; the sixth is
// refused before the password is even checked (docs/decisions/0017). A throwaway address keeps the
// other tests' accounts out of it. Those attempts also count towards the per-address limit for
// unknown clients (30 per 15 minutes) that the whole suite shares.
const LIMIT_PER_ACCOUNT = 5;

test("repeated wrong passwords for one account end in 'Too many attempts'", async ({ page }) => {
  // It may wait for a throttle window to begin: give it the time.
  test.slow();
  await startOfThrottleWindowIfNear();
  const email = `throttle.${Date.now()}@example.test`;
  await page.goto("/login");
  const alert = page.getByRole("alert");

  for (let attempt = 1; attempt <= LIMIT_PER_ACCOUNT + 1; attempt++) {
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => new URL(r.url()).pathname.startsWith("/login") && r.request().method() === "POST",
      ),
      submitSignIn(page, email, `wrong-password-${attempt}`),
    ]);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
    if (attempt <= LIMIT_PER_ACCOUNT) {
      expect(response.status(), `attempt ${attempt}`).toBe(400);
      await expect(alert).toHaveText(
        "That email and password do not match an account. Check both and try again.",
      );
    } else {
      expect(response.status(), `attempt ${attempt}`).toBe(429);
      expect(Number(response.headers()["retry-after"]), "Retry-After").toBeGreaterThan(0);
      await expect(alert).toContainText(
        /Too many attempts\. Please wait \d+ (seconds?|minutes?) and try again\./,
      );
    }
  }
  await expect(page).toHaveURL("/login");
  await expectNoSeriousA11yViolations(page, "the sign-in page while throttled");
});
