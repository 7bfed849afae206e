import path from "node:path";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ADMIN, ARTIST2, DEMO_PASSWORD, escapeRegExp, REVIEWER, signIn } from "./support/auth";

// Approval end to end, the way people use it: an artist submits one of their clips, a reviewer
// asks for changes with a comment on a frame of the clip, the artist finds the comment on that
// frame and resubmits, the reviewer approves, and the artist hears of it (page, in-app
// notification, email in the outbox). The review room's drawings, ranges, threads and compare
// have their own spec (review-room.spec.ts). Each person has a browser context of their own and signs in
// once: the suite shares a per-address login limit (support/auth.ts).
//
// The demo seed may hold submissions of its own (and may grow): this spec finds its items by the
// unique titles it gives them, never by position.

const ARTIST = { email: "artist@greenroom.test", name: "Ari Artist" };

// From db/seed-clips.ts: one of Ari's finished 5-second demo clips.
const ARI_CLIP_PROMPT = "A lighthouse at dusk, waves folding into spirals of light";

const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;

// Demo clips run at 24 fps: frame 24 is the second second, shown 24.5/24 s in (its middle).
const COMMENT_FRAME = 24;
const COMMENT_SECONDS = (COMMENT_FRAME + 0.5) / 24;
const COMMENT_TIMECODE = "00:00:01:00";

async function waitForHydration(page: Page) {
  await page.waitForFunction(() =>
    Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter),
  );
}

async function newSignedInPage(
  browser: Browser,
  who: { email: string; name: string },
): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, who.email, DEMO_PASSWORD, who.name);
  return page;
}

/** With E2E_SCREENSHOTS_DIR set, keeps a full-page picture there for a person to look at. */
async function keepScreenshot(page: Page, name: string) {
  const dir = process.env.E2E_SCREENSHOTS_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

function flash(page: Page, text: string | RegExp) {
  return page.getByRole("status").filter({ hasText: text });
}

/** The video's metadata is there, so it can be sought (a person sees the first frame). */
async function waitForVideo(video: Locator) {
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 1 && v.duration > 0), {
      message: "the video's metadata loads",
      timeout: 15_000,
    })
    .toBe(true);
}

function currentTime(video: Locator) {
  return video.evaluate((v: HTMLVideoElement) => v.currentTime);
}

/** Opens one of Ari's clips from the studio and the clip's submit form. */
async function openClipWithSubmitForm(page: Page) {
  await page.goto("/studio");
  await page
    .getByRole("region", { name: "Your clips" })
    .getByRole("link")
    .filter({ hasText: ARI_CLIP_PROMPT })
    .click();
  await expect(page).toHaveURL(/\/studio\/clips\/[\w-]+$/);
  await expect(page.getByRole("heading", { level: 1, name: "Clip" })).toBeVisible();
  await waitForHydration(page);
  // Collapsed when the clip already has a live submission (the seed may have made one).
  const summary = page.locator("summary", {
    hasText: /^(Submit for approval|Submit it again for another use)$/,
  });
  const details = page.locator("details").filter({ has: summary });
  if (!(await details.evaluate((d: HTMLDetailsElement) => d.open))) await summary.click();
  await expect(page.getByLabel("Title", { exact: true })).toBeVisible();
  return page.locator("form").filter({ has: page.getByLabel("Title", { exact: true }) });
}

async function fillSubmitForm(form: Locator, title: string, options: { terms: boolean }) {
  await form.getByLabel("Title", { exact: true }).fill(title);
  await form
    .getByLabel("Description", { exact: true })
    .fill("The lighthouse clip from my demo reel, for my portfolio site.");
  await form.getByLabel("Intended use", { exact: true }).selectOption({ label: "Portfolio" });
  await form.getByRole("checkbox", { name: "Personal website" }).check();
  const terms = form.getByRole("checkbox", { name: /I agree to the program terms/ });
  if (options.terms) await terms.check();
  else await terms.uncheck();
}

/** Submits a clip through the clip page's form; returns the new submission's id. */
async function submitClip(page: Page, title: string) {
  const form = await openClipWithSubmitForm(page);
  await fillSubmitForm(form, title, { terms: true });
  await form.getByRole("button", { name: "Submit for approval" }).click();
  await expect(page).toHaveURL(/\/submissions\/[\w-]+$/);
  return new URL(page.url()).pathname.split("/").at(-1)!;
}

/** Opens an item from the review queue by its title, paging to newer items if need be. */
async function openFromQueue(page: Page, title: string) {
  await page.goto("/review");
  await expect(page.getByRole("heading", { level: 1, name: "Review queue" })).toBeVisible();
  const link = page.getByRole("link", { name: title, exact: true });
  for (let pages = 0; pages < 40 && (await link.count()) === 0; pages++) {
    const newer = page.getByRole("link", { name: "Newer items →" });
    if ((await newer.count()) === 0) break;
    const before = page.url();
    await newer.click();
    await expect(page).not.toHaveURL(before);
    await expect(page.getByRole("heading", { level: 1, name: "Review queue" })).toBeVisible();
  }
  await expect(link, `"${title}" is in the review queue`).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(/\/review\/[\w-]+$/);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}

test("an artist submits a clip, a reviewer asks for changes at a moment of it, the artist resubmits and the reviewer approves", async ({
  page: ari,
  browser,
}) => {
  // Four people in four browsers, two videos to seek and many axe scans.
  test.setTimeout(180_000);

  const title = `Lighthouse for the portfolio ${stamp}`;
  const comment = `The horizon tilts here, straighten it ${stamp}`;
  const changesNote = `Please straighten the horizon in the first seconds ${stamp}`;
  const resubmitNote = `Same clip: the tilt is the lighthouse's, not the camera's ${stamp}`;
  let submissionId = "";
  let reviewer: Page;

  await test.step("Ari opens a clip from the studio; without the terms the form says so and stays", async () => {
    await signIn(ari, ARTIST.email, DEMO_PASSWORD, ARTIST.name);
    const form = await openClipWithSubmitForm(ari);
    await expectNoSeriousA11yViolations(ari, "the clip page with the submit form open");
    const clipUrl = ari.url();

    await fillSubmitForm(form, title, { terms: false });
    await form.getByRole("button", { name: "Submit for approval" }).click();
    const termsError = ari.locator("#terms-error");
    await expect(termsError).toHaveText("Agree to the program terms to submit.");
    await expect(ari).toHaveURL(clipUrl);
    // Next to the field it is about, and announced with it.
    const terms = ari.getByRole("checkbox", { name: /I agree to the program terms/ });
    await expect(terms).toHaveAttribute("aria-invalid", "true");
    await expect(terms).toHaveAttribute("aria-describedby", "terms-error");
    await expect(
      ari.locator("label", { has: terms }).locator("xpath=following-sibling::*[1]"),
    ).toHaveAttribute("id", "terms-error");
    await expectNoSeriousA11yViolations(ari, "the submit form with an error");
  });

  await test.step("with the terms agreed it is submitted and waits for review", async () => {
    // What Ari typed is still there after the refusal; only the terms are missing.
    await expect(ari.getByLabel("Title", { exact: true })).toHaveValue(title);
    await ari.getByRole("checkbox", { name: /I agree to the program terms/ }).check();
    await ari.getByRole("button", { name: "Submit for approval" }).click();
    await expect(ari).toHaveURL(/\/submissions\/[\w-]+$/);
    submissionId = new URL(ari.url()).pathname.split("/").at(-1)!;
    await expect(ari.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(flash(ari, /^Submitted\. It is in the review queue/)).toBeVisible();
    await expect(ari.getByText("Waiting for review", { exact: true })).toBeVisible();
    await expect(
      ari.getByText(/^Portfolio · Personal website · version 1 · submitted /),
    ).toBeVisible();
    await expectNoSeriousA11yViolations(ari, "a submission waiting for review");

    await ari.goto("/submissions");
    const row = ari.getByRole("row").filter({ has: ari.getByRole("link", { name: title }) });
    await expect(row).toContainText("Waiting for review");
    await expect(row).toContainText("Portfolio");
    await expectNoSeriousA11yViolations(ari, "the submissions list");
  });

  await test.step("Remi opens it from the queue and so claims it", async () => {
    reviewer = await newSignedInPage(browser, REVIEWER);
    await reviewer.goto("/review");
    await expectNoSeriousA11yViolations(reviewer, "the review queue");
    await openFromQueue(reviewer, title);
    expect(reviewer.url()).toMatch(new RegExp(`/review/${escapeRegExp(submissionId)}$`));
    await expect(reviewer.getByText(/^You are reviewing this\./)).toBeVisible();
    await expect(reviewer.getByText("In review", { exact: true })).toBeVisible();
    await expect(
      reviewer.getByText(/^By Ari Artist · Portfolio · Personal website · version 1$/),
    ).toBeVisible();
    await expect(
      reviewer.getByRole("form", { name: "Comment on a frame of the clip" }),
    ).toBeVisible();
    await expect(
      reviewer.getByRole("heading", { level: 2, name: "Decision", exact: true }),
    ).toBeVisible();
    await expectNoSeriousA11yViolations(reviewer, "a claimed review item with its forms");
  });

  await test.step("Remi steps to a frame and comments on it, with the C key", async () => {
    await waitForHydration(reviewer);
    const player = reviewer.getByRole("region", { name: `Player: Version 1: ${title}` });
    const video = player.getByLabel(`Version 1: ${title}`, { exact: true });
    await waitForVideo(video);
    const timecode = player.getByTestId("timecode");
    await expect(timecode).toHaveText("Frame 00:00:00:00 / 00:00:05:00");

    // The scrub bar to the frame before, then one step with the "." key.
    await player.getByRole("slider", { name: "Position" }).fill(String(COMMENT_FRAME - 1));
    await expect(timecode).toContainText("00:00:00:23");
    const next = player.getByRole("button", { name: "Next frame" });
    await next.focus();
    await reviewer.keyboard.press(".");
    await expect(timecode).toContainText(COMMENT_TIMECODE);
    await expect(player.getByTestId("player-announcement")).toHaveText(COMMENT_TIMECODE);

    // C in the player puts the cursor in the comment, which is about the frame on screen.
    await reviewer.keyboard.press("c");
    const body = reviewer.getByRole("textbox", { name: `Comment at ${COMMENT_TIMECODE}` });
    await expect(body).toBeFocused();
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);

    await body.fill(comment);
    await reviewer.getByRole("button", { name: "Add comment" }).click();
    const comments = reviewer.getByRole("region", { name: `Comments on Version 1: ${title}` });
    const item = comments.getByRole("listitem").filter({ hasText: comment });
    await expect(item).toBeVisible();
    await expect(item.getByRole("button", { name: `Show frame ${COMMENT_TIMECODE}` })).toHaveText(
      COMMENT_TIMECODE,
    );
    await expect(item).toContainText("Remi Reviewer");
    await expect(comments.getByRole("heading")).toHaveText("Comments (1 · 1 unresolved)");
    // The form is ready for the next comment.
    await expect(body).toHaveValue("");
    await keepScreenshot(reviewer, "review-item-with-comment");
  });

  await test.step("Remi requests changes with a reason and a note", async () => {
    const decision = reviewer
      .locator("section")
      .filter({ has: reviewer.getByRole("heading", { level: 2, name: "Decision", exact: true }) })
      .first();
    await decision.getByRole("radio", { name: "Request changes" }).check();
    await decision.getByLabel("Reason", { exact: true }).selectOption("Quality");
    await decision.getByLabel("Note to the artist", { exact: true }).fill(changesNote);
    await expectNoSeriousA11yViolations(reviewer, "the decision form, requesting changes");
    await decision.getByRole("button", { name: "Record decision" }).click();
    await expect(reviewer).toHaveURL("/review");
    await expect(
      flash(reviewer, "Changes requested. The artist has been told what to change."),
    ).toBeVisible();
    await expect(reviewer.getByRole("link", { name: title, exact: true })).toHaveCount(0);
  });

  await test.step("Ari sees the changes requested, the reason, the note and the comment at its time", async () => {
    await ari.goto(`/submissions/${submissionId}`);
    await expect(ari.getByText("Changes requested", { exact: true }).first()).toBeVisible();
    const decisions = ari
      .locator("section")
      .filter({ has: ari.getByRole("heading", { level: 2, name: "Decisions" }) })
      .first();
    const decisionItem = decisions.getByRole("listitem").filter({ hasText: changesNote });
    await expect(decisionItem).toContainText(/^Changes requested · version 1 · Remi Reviewer/);
    await expect(decisionItem).toContainText("Reason: Quality");

    const versionSection = ari.getByRole("region", { name: "Version 1" });
    const video = versionSection.getByLabel(`Version 1: ${title}`, { exact: true });
    const item = versionSection.getByRole("listitem").filter({ hasText: comment });
    await expect(item).toBeVisible();
    const timeButton = item.getByRole("button", { name: `Show frame ${COMMENT_TIMECODE}` });
    await expect(timeButton).toHaveText(COMMENT_TIMECODE);
    await expectNoSeriousA11yViolations(ari, "a submission with changes requested");

    await waitForHydration(ari);
    await waitForVideo(video);
    expect(await currentTime(video)).toBeLessThan(0.5);
    await timeButton.click();
    await expect
      .poll(() => currentTime(video), { message: "the player is on the comment's frame" })
      .toBeCloseTo(COMMENT_SECONDS, 3);
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    await keepScreenshot(ari, "submission-changes-requested");
  });

  await test.step("Ari resubmits the same clip with a note as version 2", async () => {
    const resubmit = ari
      .locator("section")
      .filter({ has: ari.getByRole("heading", { level: 2, name: "Resubmit as version 2" }) })
      .first();
    await expect(resubmit.getByLabel("Clip", { exact: true })).toHaveValue(/.+/);
    await expect(resubmit.getByLabel("Clip", { exact: true }).locator("option:checked")).toHaveText(
      new RegExp(`^Same clip: ${escapeRegExp(ARI_CLIP_PROMPT.slice(0, 44))}`),
    );
    await resubmit.getByLabel("Note to the reviewers").fill(resubmitNote);
    await resubmit.getByRole("button", { name: "Resubmit" }).click();
    await expect(flash(ari, "Version 2 is in the review queue.")).toBeVisible();
    await expect(ari).toHaveURL(`/submissions/${submissionId}`);
    await expect(ari.getByText("Waiting for review", { exact: true })).toBeVisible();
    await expect(ari.getByRole("heading", { level: 2, name: "Version 2" })).toBeVisible();
    await expect(ari.getByRole("heading", { level: 2, name: /^Resubmit/ })).toHaveCount(0);
    // Version 1 and its comment stay in the history.
    await expect(ari.locator("summary", { hasText: /^Version 1 · .* · 1 comment$/ })).toBeVisible();
  });

  await test.step("Remi opens version 2, ticks every checklist item and approves", async () => {
    await openFromQueue(reviewer, title);
    await expect(reviewer.getByText(/^You are reviewing this\./)).toBeVisible();
    await expect(reviewer.getByText(/^By Ari Artist · Portfolio · .* · version 2$/)).toBeVisible();
    const artistSays = reviewer
      .locator("section")
      .filter({ has: reviewer.getByRole("heading", { level: 2, name: "What the artist says" }) });
    await expect(artistSays.getByRole("heading", { name: "Note with version 2" })).toBeVisible();
    await expect(artistSays.getByText(resubmitNote, { exact: true })).toBeVisible();
    const decision = reviewer
      .locator("section")
      .filter({ has: reviewer.getByRole("heading", { level: 2, name: "Decision", exact: true }) })
      .first();
    const checklist = decision.getByRole("group", { name: "Content-policy checklist" });
    const boxes = checklist.getByRole("checkbox");
    const all = await boxes.all();
    expect(all.length).toBeGreaterThan(1);
    await waitForHydration(reviewer);

    // One item left unticked: the approval is refused next to the checklist, nothing recorded.
    for (const box of all.slice(0, -1)) await box.check();
    await decision.getByRole("radio", { name: "Approve" }).check();
    await decision.getByRole("button", { name: "Record decision" }).click();
    await expect(checklist.locator("#checklist-error")).toHaveText(
      "Tick every item of the content-policy checklist before approving.",
    );
    await expect(checklist).toHaveAttribute("aria-describedby", "checklist-error");
    await expect(reviewer).toHaveURL(`/review/${submissionId}`);
    await expect(reviewer.getByText(/^You are reviewing this\./)).toBeVisible();

    // What the reviewer chose is still there; the last item completes it.
    await expect(decision.getByRole("radio", { name: "Approve" })).toBeChecked();
    await all.at(-1)!.check();
    for (const box of all) await expect(box).toBeChecked();
    await keepScreenshot(reviewer, "review-item-version-2-approving");
    await decision.getByRole("button", { name: "Record decision" }).click();
    await expect(reviewer).toHaveURL("/review");
    await expect(flash(reviewer, "Approved. The artist has been told.")).toBeVisible();
  });

  await test.step("Ari sees the approval on the page, in the header and in notifications", async () => {
    await ari.goto(`/submissions/${submissionId}`);
    await expect(ari.getByText("Approved", { exact: true }).first()).toBeVisible();
    const decisions = ari
      .locator("section")
      .filter({ has: ari.getByRole("heading", { level: 2, name: "Decisions" }) })
      .first();
    await expect(
      decisions.getByRole("listitem").filter({ hasText: /^Approved · version 2 · Remi Reviewer/ }),
    ).toBeVisible();
    await expect(ari.getByRole("heading", { level: 2, name: /^Resubmit/ })).toHaveCount(0);
    await expectNoSeriousA11yViolations(ari, "an approved submission");
    await keepScreenshot(ari, "submission-approved");

    // The unread count in the header: the comment, the changes requested and the approval at least.
    const bell = ari.getByRole("link", { name: /^Notifications, \d+ unread$/ });
    await expect(bell).toBeVisible();
    const label = (await bell.getAttribute("aria-label")) ?? "";
    const unread = Number(/(\d+) unread/.exec(label)![1]);
    expect(unread).toBeGreaterThanOrEqual(3);
    await expect(bell).toContainText(String(unread > 99 ? "99+" : unread));

    await bell.click();
    await expect(ari).toHaveURL("/notifications");
    const approved = ari.getByRole("article", { name: `Unread: Approved: ${title}` });
    await expect(approved).toBeVisible();
    await expect(approved).toContainText("Version 2 is approved.");
    await expect(
      ari.getByRole("article", { name: `Unread: Changes requested: ${title}` }),
    ).toContainText(`Quality — ${changesNote}`);
    await expect(
      ari.getByRole("article", { name: `Unread: Comment at ${COMMENT_TIMECODE} on ${title}` }),
    ).toContainText(comment);
    await expectNoSeriousA11yViolations(ari, "the notifications");

    // Opening the approval marks it read and leads to the submission.
    await approved
      .getByRole("button", { name: new RegExp(`^Open\\s*: Approved: ${escapeRegExp(title)}$`) })
      .click();
    await expect(ari).toHaveURL(`/submissions/${submissionId}`);
    await expect(
      ari.getByRole("link", { name: `Notifications, ${unread - 1} unread` }),
    ).toBeVisible();
  });

  await test.step("the admin finds the decision emails to Ari in the outbox", async () => {
    const admin = await newSignedInPage(browser, ADMIN);
    await admin.goto("/admin/outbox");
    await expect(admin.getByRole("heading", { level: 1, name: "Outbox" })).toBeVisible();
    const approvedMail = admin.getByRole("article", {
      name: `Your submission is approved: ${title} to ${ARTIST.email}`,
    });
    await expect(approvedMail).toBeVisible();
    await expect(approvedMail.getByRole("heading", { level: 2 })).toHaveText(
      `Your submission is approved: ${title}`,
    );
    await expect(approvedMail).toContainText(`To ${ARTIST.email}`);
    await expect(
      approvedMail.getByRole("link", { name: new RegExp(`/submissions/${submissionId}$`) }),
    ).toBeVisible();
    await expect(
      admin.getByRole("article", {
        name: `Changes requested on your submission: ${title} to ${ARTIST.email}`,
      }),
    ).toBeVisible();
    await admin.context().close();
  });

  await reviewer!.context().close();
});

test("artists cannot see other artists' submissions nor the review queue", async ({
  page: ari,
  browser,
}) => {
  const title = `Lighthouse, private to Ari ${stamp}`;
  await signIn(ari, ARTIST.email, DEMO_PASSWORD, ARTIST.name);
  const submissionId = await submitClip(ari, title);
  await expect(ari.getByRole("heading", { level: 1, name: title })).toBeVisible();

  const bea = await newSignedInPage(browser, ARTIST2);
  try {
    const notYours = await bea.goto(`/submissions/${submissionId}`);
    expect(notYours?.status()).toBe(404);
    await expect(bea.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(bea.getByText(title)).toHaveCount(0);

    await bea.goto("/submissions");
    await expect(bea.getByRole("heading", { level: 1, name: "Submissions" })).toBeVisible();
    await expect(bea.getByRole("link", { name: title })).toHaveCount(0);

    const queue = await bea.goto("/review");
    expect(queue?.status()).toBe(403);
    await expect(bea.getByRole("heading", { level: 1, name: "Not allowed" })).toBeVisible();
    await expect(bea.getByText(title)).toHaveCount(0);
    const item = await bea.goto(`/review/${submissionId}`);
    expect(item?.status()).toBe(403);
    await expect(bea.getByText(title)).toHaveCount(0);
  } finally {
    await bea.context().close();
  }
});
