import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { DEMO_PASSWORD, signIn } from "./support/auth";

// Notification preferences end to end: the artist reaches them from the account menu with the
// keyboard alone, turns one kind of email off, and finds it still off after a reload. One sign-in
// (the suite shares a per-address login budget); the choice is put back at the end, so the specs
// after this one see the seeded artist as they expect.

const ARTIST = { email: "artist@greenroom.test", name: "Ari Artist" };

test("an artist turns one kind of email off from the account menu, and it stays off", async ({
  page,
}) => {
  test.setTimeout(60_000);
  await signIn(page, ARTIST.email, DEMO_PASSWORD, ARTIST.name);

  await test.step("the keyboard reaches the settings through the account menu", async () => {
    const summary = page.getByRole("banner").locator("details > summary");
    await summary.focus();
    await page.keyboard.press("Enter");
    const link = page.getByRole("link", { name: "Notification settings" });
    await expect(link).toBeVisible();
    // The first thing to tab to in the open menu.
    await page.keyboard.press("Tab");
    await expect(link).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL("/settings/notifications");
    await expect(
      page.getByRole("heading", { level: 1, name: "Notification settings" }),
    ).toBeVisible();
    // The menu closed on the way.
    await expect(link).toBeHidden();
  });

  const comments = page.getByRole("checkbox", { name: "Comments on my clips" });
  await test.step("the artist's types, all on; security emails are said to always go", async () => {
    for (const name of [
      "Review decisions",
      "Comments on my clips",
      "Publishing rights",
      "Money",
      "Promotion requests",
    ])
      await expect(page.getByRole("checkbox", { name })).toBeChecked();
    // The reviewers' digest is not the artist's.
    await expect(page.getByRole("checkbox", { name: "Daily overdue digest" })).toHaveCount(0);
    await expect(page.getByText(/Security emails always go/)).toBeVisible();
    await expectNoSeriousA11yViolations(page, "/settings/notifications");
  });

  await test.step("untick comments with the keyboard and save", async () => {
    await comments.focus();
    await page.keyboard.press("Space");
    await expect(comments).not.toBeChecked();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(
      page
        .getByRole("status")
        .filter({ hasText: "Saved. Your email preferences apply from now on." }),
    ).toBeVisible();
  });

  await test.step("after a reload it is still off, and only it", async () => {
    await page.reload();
    await expect(comments).not.toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Review decisions" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Money" })).toBeChecked();
    await expectNoSeriousA11yViolations(page, "/settings/notifications after saving");
  });

  await test.step("/notifications links back here; the choice is put back", async () => {
    await page.goto("/notifications");
    await page.getByRole("link", { name: "Email settings" }).click();
    await expect(page).toHaveURL("/settings/notifications");
    await comments.check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await page.reload();
    await expect(comments).toBeChecked();
  });
});
