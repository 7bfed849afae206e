import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ADMIN, DEMO_PASSWORD, escapeRegExp, submitSignIn } from "./support/auth";

// The studio loop (issue 19) end to end: an admin invites a new artist into a cohort; the artist
// joins and can generate at once, sees their limits up front, watches place and progress change
// over the live stream without a reload, is told the clip is ready, and asks for more seconds;
// the admin grants part of them, and the artist's studio shows the answer without a reload.

const stamp = Date.now();
const artist = {
  email: `cohort.artist.${stamp}@example.test`,
  name: "Cory Cohort",
  password: "a long cohort password",
};
const prompt = `A kite tangled in a lighthouse beam over a winter sea ${stamp}`;

test("a new artist invited into a cohort generates at once, is told the clip is ready, asks for more seconds and is granted part", async ({
  page: admin,
  browser,
}) => {
  // Two browsers, a real render, and axe scans on each page.
  test.setTimeout(120_000);

  await admin.goto("/login");
  await submitSignIn(admin, ADMIN.email, DEMO_PASSWORD);
  await expect(admin).toHaveURL("/");
  // The admin's home says what waits on generation access (the seed's open request).
  await expect(admin.getByText(/1 request for more seconds waiting/)).toBeVisible();

  // --- the invitation names a cohort
  await admin.goto("/admin/invites");
  await admin.getByLabel("Email").fill(artist.email);
  await admin
    .getByLabel("Cohort (artists)")
    .selectOption({ label: "Spring 2027 · 180 s a month, up to 10 s at 720p" });
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(
    admin.getByRole("status").filter({ hasText: `Invitation sent to ${artist.email}.` }),
  ).toBeVisible();
  await admin.goto("/admin/outbox");
  const message = admin.getByRole("article", {
    name: new RegExp(`to ${escapeRegExp(artist.email)}$`),
  });
  const inviteUrl = await message.getByRole("link", { name: /\/invite\// }).getAttribute("href");

  const artistContext = await browser.newContext();
  try {
    const me = await artistContext.newPage();
    await me.goto(inviteUrl!);
    await me.getByLabel("Your name").fill(artist.name);
    await me.getByLabel("Password", { exact: true }).fill(artist.password);
    await me.getByLabel("Repeat the password").fill(artist.password);
    await me.getByRole("button", { name: "Create my account" }).click();
    await expect(me).toHaveURL("/");

    // --- the studio: limits up front, and the form works at once
    await me.goto("/studio");
    const limits = me.getByRole("list", { name: "Your limits" });
    await expect(limits).toContainText("Up to 1 job at once");
    await expect(limits).toContainText("Clips up to 10 s at up to 720p");
    await expect(me.getByText("180 s left")).toBeVisible();
    await expect(
      me.getByLabel("Duration").locator("option", { hasText: "15 seconds" }),
    ).toBeDisabled();
    const live = me.locator("[data-live]");
    await expect(live).toHaveAttribute("data-live", "live");
    await expectNoSeriousA11yViolations(me, "a new artist's studio");

    // Marks the document: the mark survives live updates, not a reload. Records the job row's
    // texts as they change.
    await me.evaluate((text) => {
      const w = window as unknown as { __notReloaded?: boolean; __rows?: string[] };
      w.__notReloaded = true;
      w.__rows = [];
      new MutationObserver(() => {
        const row = [...document.querySelectorAll("li[data-job-status]")].find((li) =>
          li.textContent?.includes(text),
        );
        const state = row ? `${row.getAttribute("data-job-status")}|${row.textContent}` : null;
        if (state && w.__rows!.at(-1) !== state) w.__rows!.push(state);
      }).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    }, prompt);

    const promptField = me.getByLabel("Prompt", { exact: true });
    await expect(async () => {
      await promptField.fill("");
      await promptField.fill(prompt);
      await expect(me.getByText(`${prompt.length} / 2,000 characters`)).toBeVisible({
        timeout: 1_000,
      });
    }).toPass({ timeout: 10_000 });
    await me.getByLabel("Duration").selectOption("5");
    await me.getByLabel("Resolution").selectOption("480p");
    await me.getByRole("button", { name: "Generate" }).click();

    const row = me.locator("li[data-job-status]").filter({ hasText: prompt });
    // "Your clip is ready": the row, a toast and the tab's title, all without a reload.
    await expect(row).toHaveAttribute("data-job-status", "succeeded", { timeout: 60_000 });
    await expect(row).toContainText("Your clip is ready.");
    await expect(me.getByRole("status").filter({ hasText: "Your clip is ready" })).toBeVisible();
    await expect(me).toHaveTitle(/^\(Clip ready\) /);
    const { notReloaded, rows } = await me.evaluate(() => {
      const w = window as unknown as { __notReloaded?: boolean; __rows?: string[] };
      return { notReloaded: w.__notReloaded === true, rows: w.__rows ?? [] };
    });
    // The Generate form posts and the page reloads its data; the document stays the same one.
    expect(notReloaded).toBe(true);
    test.info().annotations.push({ type: "job row states", description: rows.join(" → ") });
    expect(rows.some((r) => r.startsWith("queued|") || r.startsWith("running|"))).toBe(true);
    await expectNoSeriousA11yViolations(me, "the studio with a finished job");

    // --- asks for more seconds
    await me.getByText("Ask for more seconds").click();
    await me.getByLabel("Seconds").fill("60");
    await me.getByLabel("What they are for").fill("A sequence of five shots for the showcase.");
    await me.getByRole("button", { name: "Send the request" }).click();
    const requestState = me.getByTestId("quota-request-state");
    await expect(requestState).toContainText("Waiting for an answer");

    // --- the admin grants part of it
    await admin.goto("/admin/access");
    await expect(admin.getByRole("heading", { level: 1, name: "Generation access" })).toBeVisible();
    await expectNoSeriousA11yViolations(admin, "the generation access page");
    const card = admin.getByRole("listitem").filter({ hasText: `${artist.name} asks for 60 s` });
    await card.getByLabel("Seconds to grant").fill("20");
    await card
      .getByLabel("Note for the artist (optional)")
      .fill("Twenty now; ask again next week.");
    await card.getByRole("button", { name: /^Answer/ }).click();
    await expect(
      admin.getByRole("status").filter({ hasText: "20 s granted for this month" }),
    ).toBeVisible();

    // The artist's studio hears it live: the request's answer and the seconds left.
    await expect(requestState).toContainText("Partly granted");
    await expect(requestState).toContainText("20 s granted this month");
    await expect(me.getByText("195 s left")).toBeVisible();
    expect(await me.evaluate(() => (window as { __notReloaded?: boolean }).__notReloaded)).toBe(
      true,
    );
  } finally {
    await artistContext.close();
  }
});
