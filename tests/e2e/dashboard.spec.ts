import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ADMIN, DEMO_PASSWORD, signIn } from "./support/auth";

// The admin dashboard as an admin uses it: the charts of the demo program, the numbers behind a
// chart, a date range typed in and a preset chosen, a backwards range refused next to the fields.
// One sign-in (the suite shares a login budget per address).

test("an admin reads the dashboard's charts and their numbers, and changes the date range", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page, ADMIN.email, DEMO_PASSWORD, ADMIN.name);
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Dashboard" })
    .click();
  await expect(page).toHaveURL("/admin");
  // The first visit computes the figures cold (the cache is empty on a fresh server): on a busy
  // machine that takes longer than the default wait for an element.
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible({
    timeout: 60_000,
  });

  // Every chart is an image with a text summary and a table of its numbers.
  const charts = page.getByRole("figure");
  await expect(charts.first()).toBeVisible();
  expect(await charts.count()).toBeGreaterThanOrEqual(6);
  const seconds = page.getByRole("figure", { name: /Seconds generated per day/ });
  await expect(seconds.getByRole("img")).toHaveAttribute("aria-label", /highest \d+ s/);
  await seconds.getByText("Show the numbers").click();
  const table = seconds.getByRole("table", { name: /Seconds generated per day/ });
  await expect(table).toBeVisible();
  // Thirty days, one row each (and the header row); the demo's clips were rendered by the local
  // renderer between 3 and 300 hours ago, so some day in the range has seconds.
  await expect(table.getByRole("row")).toHaveCount(31);
  await expect(
    table
      .getByRole("cell")
      .filter({ hasText: /^[1-9]\d* s$/ })
      .first(),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(page, "/admin with a table open");

  // The money chart exists per currency, never adding USD and EUR together.
  await expect(page.getByRole("figure", { name: "Money by state per month (USD)" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Money by state per month (EUR)" })).toBeVisible();

  // A backwards range is refused next to the fields, with the default charts still drawn.
  await page.getByLabel("From", { exact: true }).fill("2026-11-20");
  await page.getByLabel("To", { exact: true }).fill("2026-11-01");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByRole("alert")).toHaveText("The range ends before it starts.");
  await expect(charts.first()).toBeVisible();

  // A preset sets both ends.
  await page.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expectNoSeriousA11yViolations(page, "/admin, last 7 days");
});
