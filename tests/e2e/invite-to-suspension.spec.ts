import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ADMIN, DEMO_PASSWORD, escapeRegExp, submitSignIn } from "./support/auth";

// The access flow end to end, with two people in two browsers: an admin invites an artist, the
// artist joins through the emailed link, and loses access the moment the admin suspends them.
// axe checks every page (and the open menu and dialog) along the way.

const stamp = Date.now();
const artist = {
  email: `nia.newcomer.${stamp}@example.test`,
  name: "Nia Newcomer",
  password: `violet-lantern-${stamp}`,
};
const suspensionReason = "Shared the invitation link in a public channel.";

function mainNav(page: Page) {
  return page.getByRole("navigation", { name: "Main" });
}

test("an invited artist joins, signs out and in, and is signed out at once when suspended", async ({
  page: admin,
  browser,
}) => {
  // Two browsers, about twenty pages and an axe scan on each: more than the default 30 s.
  test.setTimeout(90_000);
  // --- the admin signs in
  await admin.goto("/login");
  await expect(admin.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expectNoSeriousA11yViolations(admin, "the sign-in page");
  await submitSignIn(admin, ADMIN.email, DEMO_PASSWORD);
  await expect(admin).toHaveURL("/");
  await expect(
    admin.getByRole("heading", { level: 1, name: `Hello, ${ADMIN.name}` }),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(admin, "the admin's home page");

  // --- invites the artist by email
  await mainNav(admin).getByRole("link", { name: "Invites" }).click();
  await expect(admin).toHaveURL("/admin/invites");
  await expect(admin.getByRole("heading", { level: 1, name: "Invites" })).toBeVisible();
  await expectNoSeriousA11yViolations(admin, "the invites page");
  await admin.getByLabel("Email").fill(artist.email);
  await expect(admin.getByLabel("Role")).toHaveValue("artist");
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(
    admin.getByRole("status").filter({ hasText: `Invitation sent to ${artist.email}.` }),
  ).toBeVisible();
  const inviteRow = admin.getByRole("row").filter({ hasText: artist.email });
  await expect(inviteRow).toHaveCount(1);
  await expect(inviteRow).toContainText("Pending");
  await expectNoSeriousA11yViolations(admin, "the invites page after sending an invitation");

  // --- the invitation is in the outbox: take its link
  await mainNav(admin).getByRole("link", { name: "Outbox" }).click();
  await expect(admin).toHaveURL("/admin/outbox");
  await expect(admin.getByRole("heading", { level: 1, name: "Outbox" })).toBeVisible();
  await expectNoSeriousA11yViolations(admin, "the outbox");
  const message = admin.getByRole("article", {
    name: new RegExp(`to ${escapeRegExp(artist.email)}$`),
  });
  await expect(message).toHaveCount(1);
  await expect(message).toContainText("invite");
  const inviteLink = message.getByRole("link", { name: /\/invite\// });
  await expect(inviteLink).toHaveCount(1);
  const inviteUrl = await inviteLink.getAttribute("href");
  expect(inviteUrl).toMatch(/^http:\/\/localhost:\d+\/invite\/[\w-]{20,}$/);

  // --- the admin checks the link while signed in: warned, not offered the form
  await admin.goto(inviteUrl!);
  await expect(admin.getByRole("heading", { level: 1, name: "You are signed in" })).toBeVisible();
  await expect(admin.getByRole("alert")).toContainText(`creates the account for ${artist.email}`);
  await expect(admin.getByRole("button", { name: "Create my account" })).toHaveCount(0);
  await expect(admin.getByRole("button", { name: "Sign out and continue" })).toBeVisible();
  await expectNoSeriousA11yViolations(admin, "the invitation opened while signed in");
  await admin.getByRole("link", { name: "Keep me signed in and go back" }).click();
  await expect(admin).toHaveURL("/");

  // --- the artist, in a browser of their own, accepts the invitation
  const artistContext = await browser.newContext();
  try {
    const me = await artistContext.newPage();
    await me.goto(inviteUrl!);
    await expect(me.getByRole("heading", { level: 1, name: "Join Greenroom" })).toBeVisible();
    await expect(me.getByLabel("Email")).toHaveValue(artist.email);
    await expectNoSeriousA11yViolations(me, "the accept-invitation page");
    await me.getByLabel("Your name").fill(artist.name);
    await me.getByLabel("Password", { exact: true }).fill(artist.password);
    await me.getByLabel("Repeat the password").fill(artist.password);
    await me.getByRole("button", { name: "Create my account" }).click();
    await expect(me).toHaveURL("/");
    await expect(
      me.getByRole("heading", { level: 1, name: `Hello, ${artist.name}` }),
    ).toBeVisible();
    await expect(
      me.getByRole("status").filter({ hasText: `Welcome to Greenroom, ${artist.name}.` }),
    ).toBeVisible();
    // An artist sees no administration.
    await expect(mainNav(me).getByRole("link", { name: "People" })).toHaveCount(0);
    await expectNoSeriousA11yViolations(me, "the artist's home page after joining");

    // --- signs out through the account menu
    const signOut = me.getByRole("button", { name: "Sign out" });
    await expect(signOut).toBeHidden();
    await me.getByRole("banner").locator("details > summary").click();
    await expect(signOut).toBeVisible();
    await expect(me.getByRole("banner")).toContainText(artist.email);
    await expectNoSeriousA11yViolations(me, "the home page with the account menu open");
    // Escape closes the menu and leaves focus on its button; it opens again from there.
    await me.keyboard.press("Escape");
    await expect(signOut).toBeHidden();
    await expect(me.getByRole("banner").locator("details > summary")).toBeFocused();
    await me.keyboard.press("Enter");
    await expect(signOut).toBeVisible();
    await signOut.click();
    await expect(me).toHaveURL("/login");
    await expectNoSeriousA11yViolations(me, "the sign-in page after signing out");
    // Signed out means signed out: home sends them back to sign in.
    await me.goto("/");
    await expect(me).toHaveURL("/login");

    // --- signs in again with the new password
    await submitSignIn(me, artist.email, artist.password);
    await expect(me).toHaveURL("/");
    await expect(
      me.getByRole("heading", { level: 1, name: `Hello, ${artist.name}` }),
    ).toBeVisible();
    await expectNoSeriousA11yViolations(me, "the artist's home page after signing in again");

    // --- the admin finds the artist and suspends them
    await mainNav(admin).getByRole("link", { name: "People" }).click();
    await expect(admin).toHaveURL("/admin/people");
    await expect(admin.getByRole("heading", { level: 1, name: "People" })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, "the people list");
    const search = admin.getByRole("search", { name: "Filter people" });
    await search.getByLabel("Search").fill(artist.email);
    await search.getByRole("button", { name: "Apply" }).click();
    await expect(admin).toHaveURL(/\/admin\/people\?q=/);
    const personRow = admin.getByRole("row").filter({ hasText: artist.email });
    await expect(personRow).toHaveCount(1);
    await expect(personRow).toContainText("Active");
    await expectNoSeriousA11yViolations(admin, "the people list filtered by the artist's email");
    await personRow.getByRole("link", { name: artist.name }).click();
    await expect(admin).toHaveURL(/\/admin\/people\/[\w-]+$/);
    await expect(admin.getByRole("heading", { level: 1, name: artist.name })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, "the artist's page");

    await admin.getByRole("button", { name: "Suspend…" }).click();
    const dialog = admin.getByRole("dialog", { name: `Suspend ${artist.name}?` });
    await expect(dialog).toBeVisible();
    await expectNoSeriousA11yViolations(admin, "the suspend dialog");
    await dialog.getByLabel("Reason").fill(suspensionReason);
    await dialog.getByRole("button", { name: "Suspend", exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(
      admin.getByRole("status").filter({ hasText: "Suspended. 1 active session ended at once." }),
    ).toBeVisible();
    await expect(admin.getByRole("main")).toContainText(`Suspended: “${suspensionReason}”`);
    await expect(admin.getByRole("button", { name: "Reactivate…" })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, "the artist's page after suspending them");

    // --- the artist's open tab loses the session at once
    await me.reload();
    await expect(me).toHaveURL("/login?ended=suspended");
    await expect(
      me
        .getByRole("status")
        .filter({ hasText: "Your account has been suspended and you have been signed out." }),
    ).toBeVisible();
    await expect(me.getByRole("button", { name: "Sign out" })).toHaveCount(0);
    await expectNoSeriousA11yViolations(me, "the sign-in page telling a suspended artist why");
    // ...and the password no longer opens the door.
    await submitSignIn(me, artist.email, artist.password);
    await expect(me.getByRole("alert")).toContainText("This account is suspended.");
    await expect(me).toHaveURL(/\/login/);

    // --- reactivated, the artist is told and can sign in again
    await admin.getByRole("button", { name: "Reactivate…" }).click();
    const back = admin.getByRole("dialog", { name: `Reactivate ${artist.name}?` });
    await back.getByLabel("Reason").fill("Talked it through: a shared studio network.");
    await back.getByRole("button", { name: "Reactivate", exact: true }).click();
    await expect(
      admin.getByRole("status").filter({ hasText: "Reactivated. They can sign in again" }),
    ).toBeVisible();
    await submitSignIn(me, artist.email, artist.password);
    await expect(me).toHaveURL("/");
    await me.goto("/notifications");
    await expect(me.getByRole("article", { name: "Unread: Your access is back" })).toContainText(
      "a shared studio network",
    );
  } finally {
    await artistContext.close();
  }
});
