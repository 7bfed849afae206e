import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ADMIN, DEMO_PASSWORD, REVIEWER, signIn } from "./support/auth";

// The review room end to end (issue 18): a reviewer steps frame by frame, draws an arrow on a
// frame of a range comment and requests changes pointing at a failed checklist item; the artist
// sees the drawing on that frame, replies and resubmits; the reviewer compares version 2 with
// version 1 and approves. Then the player with the keyboard alone, and an admin's release that
// holds against the old holder's open tab, with and without JavaScript.
//
// The demo seed may hold submissions of its own: this spec finds its items by unique titles.

const ARTIST = { email: "artist@greenroom.test", name: "Ari Artist" };
const LIGHTHOUSE = "A lighthouse at dusk, waves folding into spirals of light";
const NEON = "Rain on a neon alley, a detective's shadow crossing slowly";
const LOGOS = "No third-party logos or trademarks";
const FPS = 24;

const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;

async function waitForHydration(page: Page) {
  await page.waitForFunction(() =>
    Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter),
  );
}

async function newSignedInPage(
  browser: Browser,
  who: { email: string; name: string },
  options: { javaScriptEnabled?: boolean } = {},
) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  if (options.javaScriptEnabled === false) {
    // Without JavaScript the sign-in form posts as a plain form; the home page greets.
    await page.goto("/login");
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Hello, ${who.name}` })).toBeVisible();
  } else await signIn(page, who.email, DEMO_PASSWORD, who.name);
  return page;
}

function flash(page: Page, text: string | RegExp) {
  return page.getByRole("status").filter({ hasText: text });
}

async function waitForVideo(video: Locator) {
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 2 && v.duration > 0), {
      message: "the video's first frame has loaded",
      timeout: 15_000,
    })
    .toBe(true);
}

/** The frame the video element is on, from its own clock (not from the player's display). */
function videoFrame(video: Locator) {
  return video.evaluate(
    (v: HTMLVideoElement, fps) => (v.seeking ? -1 : Math.floor(v.currentTime * fps + 1e-3)),
    FPS,
  );
}

/** Submits one of Ari's demo clips from its page; returns the submission's id. */
async function submit(page: Page, prompt: string, title: string) {
  await page.goto("/studio");
  await page
    .getByRole("region", { name: "Your clips" })
    .getByRole("link")
    .filter({ hasText: prompt })
    .first()
    .click();
  await expect(page).toHaveURL(/\/studio\/clips\/[\w-]+$/);
  await waitForHydration(page);
  const summary = page.locator("summary", {
    hasText: /^(Submit for approval|Submit it again for another use)$/,
  });
  const details = page.locator("details").filter({ has: summary });
  if (!(await details.evaluate((d: HTMLDetailsElement) => d.open))) await summary.click();
  const form = page.locator("form").filter({ has: page.getByLabel("Title", { exact: true }) });
  await form.getByLabel("Title", { exact: true }).fill(title);
  await form.getByLabel("Description", { exact: true }).fill("For the review room spec.");
  await form.getByLabel("Intended use", { exact: true }).selectOption({ label: "Portfolio" });
  await form.getByRole("checkbox", { name: "Personal website" }).check();
  await form.getByRole("checkbox", { name: /I agree to the program terms/ }).check();
  await form.getByRole("button", { name: "Submit for approval" }).click();
  await expect(page).toHaveURL(/\/submissions\/[\w-]+$/);
  return new URL(page.url()).pathname.split("/").at(-1)!;
}

/** Opens a review item from the queue by its title (newest items are on later pages). */
async function openFromQueue(page: Page, title: string) {
  await page.goto("/review");
  const link = page.getByRole("link", { name: title, exact: true });
  for (let pages = 0; pages < 40 && (await link.count()) === 0; pages++) {
    const newer = page.getByRole("link", { name: "Newer items →" });
    if ((await newer.count()) === 0) break;
    const before = page.url();
    await newer.click();
    await expect(page).not.toHaveURL(before);
  }
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}

/** Drags across the drawing surface from one point to another (fractions of its box). */
async function drag(page: Page, surface: Locator, from: [number, number], to: [number, number]) {
  await surface.evaluate((el) => el.scrollIntoView({ block: "center" }));
  const box = (await surface.boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++)
    await page.mouse.move(
      box.x + box.width * (from[0] + ((to[0] - from[0]) * i) / 8),
      box.y + box.height * (from[1] + ((to[1] - from[1]) * i) / 8),
    );
  await page.mouse.up();
}

test("a range comment with a drawn arrow, a failed checklist item, a thread, a second version compared, and an approval", async ({
  page: ari,
  browser,
}) => {
  test.setTimeout(240_000);
  const title = `Lighthouse, review room ${stamp}`;
  const note = `The buoy's logo must go ${stamp}`;
  const reply = `Painted it out in the next version ${stamp}`;
  let remi: Page;
  let submissionId = "";

  await test.step("Ari submits a clip", async () => {
    await signIn(ari, ARTIST.email, DEMO_PASSWORD, ARTIST.name);
    submissionId = await submit(ari, LIGHTHOUSE, title);
  });

  await test.step("Remi steps frame by frame: every step lands on the exact frame", async () => {
    remi = await newSignedInPage(browser, REVIEWER);
    await openFromQueue(remi, title);
    await expect(remi.getByText(/^You are reviewing this\./)).toBeVisible();
    await waitForHydration(remi);
    const player = remi.getByRole("region", { name: `Player: Version 1: ${title}` });
    const video = player.getByLabel(`Version 1: ${title}`, { exact: true });
    await waitForVideo(video);
    const next = player.getByRole("button", { name: "Next frame" });
    const previous = player.getByRole("button", { name: "Previous frame" });
    const announced = player.getByTestId("player-announcement");
    for (const [button, frame] of [
      [next, 1],
      [next, 2],
      [next, 3],
      [previous, 2],
      [next, 3],
    ] as const) {
      await button.click();
      const timecode = `00:00:00:${String(frame).padStart(2, "0")}`;
      await expect(player.getByTestId("timecode")).toContainText(`${timecode} /`);
      await expect(announced).toHaveText(timecode);
      await expect.poll(() => videoFrame(video), { message: `on frame ${frame}` }).toBe(frame);
    }
    await expectNoSeriousA11yViolations(remi, "the review room with the frame player");
  });

  await test.step("Remi marks a range, draws an arrow on its first frame and comments", async () => {
    const player = remi.getByRole("region", { name: `Player: Version 1: ${title}` });
    const video = player.getByLabel(`Version 1: ${title}`, { exact: true });
    const scrub = player.getByRole("slider", { name: "Position" });
    await scrub.fill("48");
    await player.getByRole("button", { name: "Mark loop out" }).click();
    await scrub.fill("24");
    await player.getByRole("button", { name: "Mark loop in" }).click();
    await expect(player.getByText("Loop 00:00:01:00 – 00:00:02:00")).toBeVisible();
    await expect.poll(() => videoFrame(video)).toBe(24);

    await player.getByRole("button", { name: "Arrow" }).click();
    const surface = player.getByTestId("annotation-editor");
    await expect(surface).toBeVisible();
    await drag(remi, surface, [0.2, 0.25], [0.55, 0.6]);
    await expect(surface).toHaveAttribute("aria-label", /^Your drawing: red arrow\./);
    await expect(player.getByTestId("comment-target")).toHaveText(
      "Range 00:00:01:00 – 00:00:02:00 · with your drawing",
    );
    const body = remi.getByLabel("Comment at 00:00:01:00 – 00:00:02:00");
    await body.fill(note);
    await remi.getByRole("button", { name: "Add comment" }).click();

    const thread = remi
      .getByRole("region", { name: `Comments on Version 1: ${title}` })
      .getByRole("listitem")
      .filter({ hasText: note });
    await expect(thread).toBeVisible();
    await expect(
      thread.getByRole("button", { name: "Show range 00:00:01:00–00:00:02:00" }),
    ).toBeVisible();
    await expect(thread).toContainText("Drawing");
    // Saved: the draft, the tool and the loop are cleared; the note is on the timeline.
    await expect(player.getByRole("button", { name: "Clear loop" })).toHaveCount(0);
    await expect(
      player.getByRole("button", { name: /^Comment from 00:00:01:00 to 00:00:02:00: Remi/ }),
    ).toBeVisible();
    // On its first frame the saved drawing shows over the picture.
    await expect(
      player.getByRole("img", { name: "Drawing on this frame: red arrow" }),
    ).toBeVisible();
  });

  await test.step("Remi requests changes, pointing at the failed checklist item", async () => {
    const decision = remi
      .locator("section")
      .filter({ has: remi.getByRole("heading", { level: 2, name: "Decision", exact: true }) })
      .first();
    const holds = decision.getByRole("group", { name: "Content-policy checklist" });
    for (const box of await holds.getByRole("checkbox").all())
      if ((await box.getAttribute("value")) !== LOGOS) await box.check();
    await decision.getByRole("radio", { name: "Request changes" }).check();
    await decision.getByLabel("Reason", { exact: true }).selectOption("Third-party marks or logos");
    await decision
      .getByRole("group", { name: "What failed" })
      .getByRole("checkbox", { name: LOGOS })
      .check();
    await decision.getByLabel("Note to the artist", { exact: true }).fill(note);
    await expectNoSeriousA11yViolations(remi, "the decision pointing at a failed item");
    await decision.getByRole("button", { name: "Record decision" }).click();
    await expect(remi).toHaveURL("/review");
    await expect(flash(remi, /^Changes requested\./)).toBeVisible();
  });

  await test.step("Ari sees the drawing on its frame, the failed item, and replies", async () => {
    await ari.goto(`/submissions/${submissionId}`);
    await waitForHydration(ari);
    const decisions = ari
      .locator("section")
      .filter({ has: ari.getByRole("heading", { level: 2, name: "Decisions" }) })
      .first();
    await expect(decisions).toContainText(`Not met: ${LOGOS}`);
    await expect(decisions).toContainText(note);

    const player = ari.getByRole("region", { name: `Player: Version 1: ${title}` });
    const video = player.getByLabel(`Version 1: ${title}`, { exact: true });
    await waitForVideo(video);
    const drawing = player.getByRole("img", { name: "Drawing on this frame: red arrow" });
    await expect(drawing).toHaveCount(0);
    const thread = ari.getByRole("listitem").filter({ hasText: note }).first();
    await thread.getByRole("button", { name: "Show range 00:00:01:00–00:00:02:00" }).click();
    await expect.poll(() => videoFrame(video)).toBe(24);
    await expect(drawing).toBeVisible();
    // A frame before the range: no drawing.
    await player.getByRole("button", { name: "Previous frame" }).click();
    await expect(drawing).toHaveCount(0);
    await expectNoSeriousA11yViolations(ari, "the artist's page with a drawn note");

    await thread.getByLabel("Reply to Remi Reviewer at 00:00:01:00–00:00:02:00").fill(reply);
    await thread.getByRole("button", { name: /^Reply/ }).click();
    await expect(thread.getByRole("list", { name: /^Replies to Remi Reviewer/ })).toContainText(
      reply,
    );
    await expect(thread).toContainText("Ari Artist (artist)");
  });

  await test.step("Ari resubmits another clip as version 2", async () => {
    const resubmit = ari
      .locator("section")
      .filter({ has: ari.getByRole("heading", { level: 2, name: "Resubmit as version 2" }) })
      .first();
    const clip = resubmit.getByLabel("Clip", { exact: true });
    const neon = await clip
      .locator("option")
      .filter({ hasText: NEON.slice(0, 30) })
      .first()
      .getAttribute("value");
    await clip.selectOption(neon!);
    await resubmit.getByLabel("Note to the reviewers").fill("No buoy in this one.");
    await resubmit.getByRole("button", { name: "Resubmit" }).click();
    await expect(flash(ari, "Version 2 is in the review queue.")).toBeVisible();
  });

  await test.step("Remi hears of the reply, compares version 2 with version 1, and approves", async () => {
    await remi.goto("/notifications");
    await expect(
      remi.getByRole("article", {
        name: `Unread: Ari Artist replied at 00:00:01:00–00:00:02:00 on ${title}`,
      }),
    ).toBeVisible();

    await openFromQueue(remi, title);
    await expect(remi.getByText(/^You are reviewing this\./)).toBeVisible();
    await remi.getByRole("link", { name: "Compare versions" }).click();
    await expect(
      remi.getByRole("heading", { level: 1, name: `Compare versions · ${title}` }),
    ).toBeVisible();
    await waitForHydration(remi);
    const compare = remi.getByRole("region", { name: "Compare Version 2 with Version 1" });
    const earlier = compare.getByLabel("Version 1", { exact: true });
    const later = compare.getByLabel("Version 2", { exact: true });
    await waitForVideo(earlier);
    await waitForVideo(later);
    // Stepping moves both.
    for (let i = 0; i < 3; i++) await compare.getByRole("button", { name: "Next frame" }).click();
    await expect(compare.getByTestId("compare-timecode")).toContainText("00:00:00:03 /");
    await expect.poll(() => videoFrame(earlier)).toBe(3);
    await expect.poll(() => videoFrame(later)).toBe(3);
    // Version 1's thread is beside it; choosing it shows its frame in both.
    const v1 = remi.getByRole("region", { name: /^Comments on version 1/ });
    await expect(v1).toContainText(reply);
    await v1.getByRole("button", { name: "Show range 00:00:01:00–00:00:02:00" }).click();
    await expect.poll(() => videoFrame(earlier)).toBe(24);
    await expect.poll(() => videoFrame(later)).toBe(24);
    await expect(
      compare.getByRole("img", { name: "Drawing on this frame: red arrow" }),
    ).toBeVisible();
    await expectNoSeriousA11yViolations(remi, "compare, side by side");
    // Wipe and overlay are the same two videos in one frame.
    await compare.getByText("Wipe", { exact: true }).click();
    await expect(compare.getByRole("slider", { name: "Wipe position" })).toBeVisible();
    await compare.getByText("Overlay", { exact: true }).click();
    await expect(compare.getByRole("slider", { name: "Opacity of Version 2" })).toBeVisible();
    await expectNoSeriousA11yViolations(remi, "compare, overlay");

    await remi.getByRole("link", { name: "← Back to the review" }).click();
    await expect(remi.getByText(/^You are reviewing this\./)).toBeVisible();
    await expect(
      remi.getByRole("heading", { level: 2, name: "Decision", exact: true }),
    ).toBeVisible();
    const decision = remi
      .locator("section")
      .filter({ has: remi.getByRole("heading", { level: 2, name: "Decision", exact: true }) })
      .first();
    for (const box of await decision
      .getByRole("group", { name: "Content-policy checklist" })
      .getByRole("checkbox")
      .all())
      await box.check();
    await decision.getByRole("radio", { name: "Approve" }).check();
    await decision.getByRole("button", { name: "Record decision" }).click();
    await expect(flash(remi, "Approved. The artist has been told.")).toBeVisible();
  });

  await test.step("Ari's history shows both decisions with their checklists", async () => {
    await ari.goto(`/submissions/${submissionId}`);
    await expect(ari.getByText("Approved", { exact: true }).first()).toBeVisible();
    const history = ari.getByRole("list", { name: "History" });
    await expect(history.getByText("Checklist: 4 of 5 held")).toBeVisible();
    await expect(history.getByText("Checklist: 5 of 5 held")).toBeVisible();
  });
  await remi!.context().close();
});

test("the player with the keyboard alone: step, loop, shortcuts, play and pause, comment", async ({
  page,
}) => {
  const title = `Lighthouse, keyboard ${stamp}`;
  await signIn(page, ARTIST.email, DEMO_PASSWORD, ARTIST.name);
  await submit(page, LIGHTHOUSE, title);
  await page.context().clearCookies();
  await signIn(page, REVIEWER.email, DEMO_PASSWORD, REVIEWER.name);
  await openFromQueue(page, title);
  await expect(page.getByText(/^You are reviewing this\./)).toBeVisible();
  await waitForHydration(page);
  const player = page.getByRole("region", { name: `Player: Version 1: ${title}` });
  await waitForVideo(player.getByLabel(`Version 1: ${title}`, { exact: true }));
  const announced = player.getByTestId("player-announcement");

  // Tab from the top of the page into the player's first control.
  const play = player.getByRole("button", { name: "Play" });
  for (let i = 0; i < 60 && !(await play.evaluate((b) => b === document.activeElement)); i++)
    await page.keyboard.press("Tab");
  await expect(play).toBeFocused();
  await expect(play).toHaveCSS("outline-style", "solid");

  for (let i = 0; i < 5; i++) await page.keyboard.press(".");
  await expect(announced).toHaveText("00:00:00:05");
  await page.keyboard.press(",");
  await expect(announced).toHaveText("00:00:00:04");
  await page.keyboard.press("i");
  await expect(announced).toHaveText("Loop 00:00:00:04 to 00:00:04:23");
  await page.keyboard.press(".");
  await page.keyboard.press(".");
  await page.keyboard.press("o");
  await expect(announced).toHaveText("Loop 00:00:00:04 to 00:00:00:06");

  await page.keyboard.press("?");
  const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText("Comment on this frame");
  await expectNoSeriousA11yViolations(page, "the shortcut sheet");
  await page.keyboard.press("Escape");
  await expect(sheet).toBeHidden();

  await page.keyboard.press("l");
  await expect(player.getByRole("button", { name: "Pause" })).toBeVisible();
  await page.keyboard.press("k");
  await expect(player.getByRole("button", { name: "Play" })).toBeVisible();

  await page.keyboard.press("x");
  await expect(announced).toHaveText("Loop cleared");
  await page.keyboard.press("Home");
  await expect(announced).toHaveText("00:00:00:00");
  await page.keyboard.press("c");
  const body = page.getByLabel("Comment at 00:00:00:00");
  await expect(body).toBeFocused();
  await page.keyboard.type(`First frame, by keyboard ${stamp}`);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Add comment" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(
    page.getByRole("listitem").filter({ hasText: `First frame, by keyboard ${stamp}` }),
  ).toBeVisible();
  // Leave the queue as it was for the other specs.
  await page.getByRole("button", { name: "Stop reviewing" }).click();
  await expect(page).toHaveURL("/review");
});

test("an admin's release holds: the old holder's next write is refused and says who holds it, with and without JavaScript", async ({
  page: ari,
  browser,
}) => {
  test.setTimeout(120_000);
  const title = `Lighthouse, released ${stamp}`;
  await signIn(ari, ARTIST.email, DEMO_PASSWORD, ARTIST.name);
  await submit(ari, LIGHTHOUSE, title);

  const remi = await newSignedInPage(browser, REVIEWER);
  const admin = await newSignedInPage(browser, ADMIN);
  const remiNoJs = await newSignedInPage(browser, REVIEWER, { javaScriptEnabled: false });
  let itemUrl = "";

  await test.step("with JavaScript: the comment is refused, the banner says why, no claim is taken back", async () => {
    await openFromQueue(remi, title);
    await expect(remi.getByText(/^You are reviewing this\./)).toBeVisible();
    await waitForHydration(remi);
    itemUrl = remi.url();

    await admin.goto(itemUrl);
    await expect(admin.getByText(/Remi Reviewer is reviewing this until/)).toBeVisible();
    await waitForHydration(admin);
    await admin.getByRole("button", { name: "Release their claim" }).click();
    await expect(flash(admin, "Claim released: the item is back in the queue.")).toBeVisible();

    await remi.getByLabel(/^Comment at /).fill("Too late?");
    await remi.getByRole("button", { name: "Add comment" }).click();
    const banner = remi.getByTestId("claim-banner");
    await expect(banner.getByRole("alert")).toHaveText(
      "Ada Admin released your claim; nobody is reviewing this now. Nothing was saved. Claim it again if you mean to go on.",
    );
    await expect(remi.getByText(/^You are reviewing this\./)).toHaveCount(0);
    await expect(banner).toContainText("Ada Admin released your claim at");
    await expect(banner.getByRole("button", { name: "Claim it again" })).toBeVisible();
    await expectNoSeriousA11yViolations(remi, "a released claim");
    // Reopening does not take it back either.
    await remi.reload();
    await waitForHydration(remi);
    await expect(
      remi.getByTestId("claim-banner").getByRole("button", { name: "Claim it again" }),
    ).toBeVisible();
    await expect(remi.getByText(/^You are reviewing this\./)).toHaveCount(0);
  });

  await test.step("without JavaScript: the decision is refused with a 409 page that says why", async () => {
    await remiNoJs.goto(itemUrl);
    await remiNoJs.getByRole("button", { name: "Claim it again" }).click();
    await expect(remiNoJs.getByText(/^You are reviewing this\./)).toBeVisible();

    await admin.goto(itemUrl);
    await waitForHydration(admin);
    await admin.getByRole("button", { name: "Release their claim" }).click();
    await expect(flash(admin, "Claim released: the item is back in the queue.")).toBeVisible();

    const decision = remiNoJs
      .locator("section")
      .filter({ has: remiNoJs.getByRole("heading", { level: 2, name: "Decision", exact: true }) })
      .first();
    await decision.getByRole("radio", { name: "Reject" }).check();
    // Without JavaScript the labels do not follow the chosen decision.
    await decision.getByLabel(/^Reason/).selectOption("Quality");
    await decision.getByLabel(/^Note to the artist/).fill("Blurry.");
    const answer = remiNoJs.waitForResponse(
      (res) =>
        res.request().method() === "POST" && new URL(res.url()).pathname.startsWith("/review/"),
    );
    await decision.getByRole("button", { name: "Record decision" }).click();
    expect((await answer).status()).toBe(409);
    await expect(remiNoJs.getByTestId("claim-banner").getByRole("alert")).toHaveText(
      /^Ada Admin released your claim; nobody is reviewing this now\. Nothing was recorded\./,
    );
    await expect(remiNoJs.getByText(/^You are reviewing this\./)).toHaveCount(0);
    await expect(
      remiNoJs.getByRole("heading", { level: 2, name: "Decision", exact: true }),
    ).toHaveCount(0);
  });

  await test.step("the loser of a claim race hears who won", async () => {
    // The admin takes it; Remi's "Claim it again" then loses and is told so.
    await admin.goto(itemUrl);
    await waitForHydration(admin);
    await expect(admin.getByText(/^You are reviewing this\./)).toBeVisible();
    await remi.getByRole("button", { name: "Claim it again" }).click();
    await expect(remi.getByTestId("claim-banner").getByRole("alert")).toHaveText(
      "Ada Admin is reviewing this now.",
    );
    await expect(remi.getByText(/Ada Admin is reviewing this until/)).toBeVisible();
    await admin.getByRole("button", { name: "Stop reviewing" }).click();
  });

  for (const page of [remi, admin, remiNoJs]) await page.context().close();
});
