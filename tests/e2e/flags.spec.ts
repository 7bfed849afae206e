import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ADMIN, DEMO_PASSWORD, signIn } from "./support/auth";

// Anomaly flags end to end, on the demo seed's flags (db/seed-oversight.ts): the admin opens
// /admin/flags from the navigation, reads Jonas Berg's strong flag and its 30 addresses, and
// dismisses Lucía Ferraro's weak one through the confirm dialog with the keyboard alone. axe
// checks the page, the open dialog and the dismissed tab. One sign-in (the suite shares a
// per-address login limit, support/auth.ts).

async function waitForHydration(page: Page) {
  await page.waitForFunction(() =>
    Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter),
  );
}

function flagOf(page: Page, name: string) {
  return page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { level: 2, name, exact: true }) });
}

test("an admin reads a shared account's evidence and dismisses an explained flag by keyboard", async ({
  page,
}) => {
  await signIn(page, ADMIN.email, DEMO_PASSWORD, ADMIN.name);
  await page.getByRole("link", { name: "Flags", exact: true }).click();
  await expect(page).toHaveURL("/admin/flags");
  await expect(page.getByRole("heading", { level: 1, name: "Anomaly flags" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open (2)" })).toHaveAttribute(
    "aria-current",
    "page",
  );

  // Jonas: used from 30 addresses within the hour, strong, with every address listed.
  const jonas = flagOf(page, "Jonas Berg");
  await expect(jonas.getByText("Many addresses in an hour", { exact: true })).toBeVisible();
  await expect(jonas.getByText("Strong", { exact: true })).toBeVisible();
  await expect(jonas.getByText("30 addresses", { exact: true })).toBeVisible();
  await expect(jonas.getByText(/the limit is 8, strong from 24/)).toBeVisible();
  await expect(jonas.getByRole("link", { name: "Jonas Berg" })).toHaveAttribute(
    "href",
    /^\/admin\/people\/[0-9a-f-]{36}$/,
  );
  await jonas.getByText("The 30 addresses").click();
  const addresses = jonas.getByRole("table", { name: "The addresses this account was used from" });
  await expect(addresses.getByRole("row")).toHaveCount(31);
  await expect(addresses.getByRole("cell", { name: /^2001:db8:/ }).first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, "/admin/flags");

  // Lucía signed in from six places while travelling: dismissed with a note, by keyboard.
  await waitForHydration(page);
  const lucia = flagOf(page, "Lucía Ferraro");
  await expect(lucia.getByText("Sign-ins from many addresses", { exact: true })).toBeVisible();
  await expect(lucia.getByText("Weak", { exact: true })).toBeVisible();
  await lucia.getByRole("button", { name: "Dismiss…" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Dismiss the flag on Lucía Ferraro?" });
  await expect(dialog).toBeVisible();
  const note = dialog.getByLabel("Why is this fine?");
  await expect(note).toBeFocused();
  await expectNoSeriousA11yViolations(page, "the dismiss dialog");
  await page.keyboard.type("Travelling to the festival: airport, train and hotel.");
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Dismiss flag" })).toBeFocused();
  await page.keyboard.press("Enter");

  await expect(page.getByRole("status").filter({ hasText: "Flag dismissed." })).toBeVisible();
  await expect(flagOf(page, "Lucía Ferraro")).toHaveCount(0);
  await expect(flagOf(page, "Jonas Berg")).toHaveCount(1);
  await page.getByRole("link", { name: "Dismissed (2)" }).click();
  await expect(page).toHaveURL("/admin/flags?state=dismissed");
  await expect(
    flagOf(page, "Lucía Ferraro").getByText(
      /Dismissed by Ada Admin on .*: “Travelling to the festival: airport, train and hotel\.”/,
    ),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(page, "/admin/flags?state=dismissed");
});
