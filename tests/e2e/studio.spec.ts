import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ARTIST2, DEMO_PASSWORD, escapeRegExp, signIn } from "./support/auth";

// The studio end to end, the way an artist uses it: generate a clip, watch the job move without
// reloading, open and play the clip, start again from its seed, and delete it. A second artist, in
// a browser of their own, cannot see the clip or fetch its video. One sign-in per artist: the
// suite shares a per-address login limit (support/auth.ts).

const ARTIST = { email: "artist@greenroom.test", name: "Ari Artist" };

// From db/seed-clips.ts: Ari's three demo clips, and one of Bea's that Ari must not see.
const ARI_SEEDED_PROMPTS = [
  "A lighthouse at dusk, waves folding into spirals of light",
  "Paper birds migrating across a city of stacked books",
  "Rain on a neon alley, a detective's shadow crossing slowly",
];
const BEA_SEEDED_PROMPT = "Morning fog lifting off a mountain lake, a heron takes flight";

const stamp = Date.now();
// No status words (queued, running…) in it: the job's row is read for its status.
const prompt = `A paper lantern drifting down a night river past sleeping houseboats ${stamp}`;

type JobSample = { status: string | null; valueNow: number | null; text: string };
type StudioWindow = { __jobSamples?: JobSample[]; __studioNotReloaded?: boolean };

function mainNav(page: Page) {
  return page.getByRole("navigation", { name: "Main" });
}

async function waitForHydration(page: Page) {
  await page.waitForFunction(() =>
    Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter),
  );
}

/**
 * Records every state of the job's row in Jobs as the page re-renders it (the page polls every
 * 1.5 s), so a render that is over in a second still leaves its trace. Also marks the document:
 * the mark survives client-side updates, not a reload.
 */
async function watchJobRow(page: Page, jobPrompt: string) {
  await page.evaluate((text) => {
    const w = window as unknown as StudioWindow;
    w.__jobSamples = [];
    w.__studioNotReloaded = true;
    const sample = () => {
      const heading = [...document.querySelectorAll("h2")].find((h) => h.textContent === "Jobs");
      const row = [...(heading?.closest("section")?.querySelectorAll("li") ?? [])].find((li) =>
        li.textContent?.includes(text),
      );
      if (!row) return;
      const bar = row.querySelector('[role="progressbar"]');
      // The row's text runs together (prompt, settings, status badge…): no word boundaries.
      const rest = (row.textContent ?? "").replace(text, "");
      // Badges read as people write them ("Running", "Cancelled"); samples use the job states.
      const word = /(queued|running|succeeded|failed|cancell?ed)/i.exec(rest)?.[1]?.toLowerCase();
      const status = word === "cancelled" ? "canceled" : (word ?? null);
      const next: JobSample = {
        status,
        valueNow: bar ? Number(bar.getAttribute("aria-valuenow")) : null,
        text: row.textContent ?? "",
      };
      const last = w.__jobSamples!.at(-1);
      if (!last || JSON.stringify(last) !== JSON.stringify(next)) w.__jobSamples!.push(next);
    };
    new MutationObserver(sample).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  }, jobPrompt);
}

test("an artist generates a clip, watches it render, plays it, reuses its seed and deletes it; another artist cannot see it", async ({
  page,
  browser,
}) => {
  // A real render, a video to play, two browsers and several axe scans.
  test.setTimeout(120_000);

  const clipsRegion = page.getByRole("region", { name: "Your clips" });
  const clipLink = clipsRegion.getByRole("link").filter({ hasText: prompt });
  const jobsCard = page
    .locator("section")
    .filter({ has: page.getByRole("heading", { level: 2, name: "Jobs" }) });
  const jobRow = jobsCard.getByRole("listitem").filter({ hasText: prompt });
  const quotaLeft = page.getByText(/^\d+ s left$/);

  let quotaBefore = 0;
  let seed = "";
  let clipId = "";

  await test.step("Ari signs in and opens Studio from the main navigation", async () => {
    await signIn(page, ARTIST.email, DEMO_PASSWORD, ARTIST.name);
    await waitForHydration(page);
    await mainNav(page).getByRole("link", { name: "Studio" }).click();
    await expect(page).toHaveURL("/studio");
    await expect(page.getByRole("heading", { level: 1, name: "Studio" })).toBeVisible();
    await expect(page.getByText("Stand-in renderer.")).toBeVisible();
    await expect(page.getByRole("main")).toContainText(/clips are made by\s+a local stand-in/);
    await expect(quotaLeft).toBeVisible();
    quotaBefore = Number.parseInt((await quotaLeft.textContent()) ?? "", 10);
    expect(quotaBefore).toBeGreaterThanOrEqual(5);
    await expect(page.getByText(/ s this month/)).toBeVisible();
    for (const seeded of ARI_SEEDED_PROMPTS) {
      await expect(clipsRegion.getByRole("link").filter({ hasText: seeded })).toHaveCount(1);
    }
    await expect(clipsRegion.getByRole("link").filter({ hasText: BEA_SEEDED_PROMPT })).toHaveCount(
      0,
    );
    await expect(clipLink).toHaveCount(0);
    await expectNoSeriousA11yViolations(page, "the studio");
  });

  await test.step("generates a 5-second 480p clip and watches the job until the clip is there", async () => {
    await waitForHydration(page);
    const promptField = page.getByLabel("Prompt", { exact: true });
    // Typing updates the character count once the page is interactive.
    await expect(async () => {
      await promptField.fill("");
      await promptField.fill(prompt);
      await expect(page.getByText(`${prompt.length} / 2,000 characters`)).toBeVisible({
        timeout: 1_000,
      });
    }).toPass({ timeout: 10_000 });
    await page.getByLabel("Duration").selectOption("5");
    await page.getByLabel("Resolution").selectOption({ label: "480p" });
    await expect(page.getByLabel("Duration")).toHaveValue("5");
    await expect(page.getByLabel("Resolution")).toHaveValue("480p");

    await watchJobRow(page, prompt);
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page).toHaveURL("/studio");
    const flash = page.getByRole("status").filter({ hasText: /^Queued: 5 s at 480p, seed \d+\./ });
    await expect(flash).toBeVisible();
    seed = /seed (\d+)\./.exec((await flash.textContent()) ?? "")![1]!;

    // The job shows up in Jobs (unless a very fast render already turned it into a clip).
    await expect(jobRow.or(clipLink).first()).toBeVisible();
    // It becomes a clip without anyone reloading the page.
    await expect(clipLink).toBeVisible({ timeout: 60_000 });
    // The Jobs panel keeps the finished job for a day, saying so (issue 19).
    await expect(jobRow).toContainText("Your clip is ready.");

    const { samples, notReloaded } = await page.evaluate(() => {
      const w = window as unknown as StudioWindow;
      return { samples: w.__jobSamples ?? [], notReloaded: w.__studioNotReloaded === true };
    });
    expect(notReloaded, "the studio updated in place, without a reload").toBe(true);
    expect(samples.length, "the job appeared in Jobs").toBeGreaterThan(0);
    for (const sample of samples) {
      expect(["queued", "running", "succeeded"], `job row: ${sample.text}`).toContain(
        sample.status,
      );
      if (sample.status === "running") expect(sample.valueNow).not.toBeNull();
      if (sample.status === "queued") expect(sample.text).toMatch(/in line|Waiting/);
    }
    const sawProgress = samples.some((s) => (s.valueNow ?? 0) > 0);
    test.info().annotations.push({
      type: "job states seen",
      description: samples
        .map((s) => `${s.status}${s.valueNow !== null ? ` ${s.valueNow}%` : ""}`)
        .join(" → "),
    });
    // Progress above 0 was shown, or the render was so quick that it went straight to a clip.
    expect(sawProgress || (await clipLink.isVisible())).toBe(true);

    await expect(clipLink).toContainText("5 s");
    await expect(clipLink).toContainText(/\d+×480/);
    // Charged once it succeeded: five seconds fewer.
    await expect(quotaLeft).toHaveText(`${quotaBefore - 5} s left`);
    for (const seeded of ARI_SEEDED_PROMPTS) {
      await expect(clipsRegion.getByRole("link").filter({ hasText: seeded })).toHaveCount(1);
    }
    const href = await clipLink.getAttribute("href");
    expect(href).toMatch(/^\/studio\/clips\/[\w-]+$/);
    clipId = href!.split("/").at(-1)!;
  });

  await test.step("opens the clip, checks its record and plays it", async () => {
    await clipLink.click();
    await expect(page).toHaveURL(`/studio/clips/${clipId}`);
    await expect(page.getByRole("heading", { level: 1, name: "Clip" })).toBeVisible();
    const settings = page
      .locator("section")
      .filter({ has: page.getByRole("heading", { level: 2, name: "Prompt and settings" }) });
    await expect(settings.getByText(prompt, { exact: true })).toBeVisible();
    const setting = (name: string) =>
      settings.locator("dt", { hasText: new RegExp(`^${escapeRegExp(name)}$`) }).locator("+ dd");
    await expect(setting("Duration")).toHaveText("5 s");
    await expect(setting("Resolution")).toHaveText("480p");
    await expect(setting("Aspect ratio")).toHaveText("16:9");
    await expect(setting("Seed")).toHaveText(seed);
    await expect(page.getByText("Signature valid", { exact: true })).toBeVisible();
    await expect(page.getByText(clipId, { exact: true })).toBeVisible();

    const video = page.getByLabel(`Clip: ${prompt.slice(0, 80)}`);
    await expect(video).toBeVisible();
    await expect(video).toHaveAttribute("controls", "");
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.duration || 0), {
        message: "the video's metadata loads",
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(duration).toBeGreaterThan(4);
    expect(duration).toBeLessThan(6);

    // A click, as a person would, then play() (a click on the picture alone need not start it).
    await video.click();
    await video.evaluate(async (v: HTMLVideoElement) => {
      if (v.paused) await v.play();
    });
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), {
        message: "the video starts playing",
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    const firstTime = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), {
        message: "the video keeps playing",
        timeout: 10_000,
      })
      .toBeGreaterThan(firstTime);
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    await expectNoSeriousA11yViolations(page, "the clip page");
  });

  await test.step("'Again with this seed' opens the studio with the prompt and seed filled in", async () => {
    await page.getByRole("link", { name: "Again with this seed" }).click();
    await expect(page).toHaveURL(`/studio?again=${clipId}`);
    await expect(page.getByLabel("Prompt", { exact: true })).toHaveValue(prompt);
    await expect(page.getByLabel("Seed (optional)")).toHaveValue(seed);
    await expect(page.getByLabel("Duration")).toHaveValue("5");
    await expect(page.getByLabel("Resolution")).toHaveValue("480p");
    await expect(page.getByLabel("Aspect ratio")).toHaveValue("16:9");
  });

  await test.step("another artist gets a 404 for the clip and its video; its owner gets the bytes", async () => {
    const beaContext = await browser.newContext();
    try {
      const bea = await beaContext.newPage();
      await signIn(bea, ARTIST2.email, DEMO_PASSWORD, ARTIST2.name);
      const response = await bea.goto(`/studio/clips/${clipId}`);
      expect(response?.status()).toBe(404);
      await expect(bea.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
      await expect(bea.getByText(prompt)).toHaveCount(0);
      for (const kind of ["video", "poster"]) {
        const media = await bea.request.get(`/media/clips/${clipId}/${kind}`, {
          headers: { Range: "bytes=0-99" },
        });
        expect(media.status(), `Bea's request for the ${kind}`).toBe(404);
      }
    } finally {
      await beaContext.close();
    }

    const own = await page.request.get(`/media/clips/${clipId}/video`, {
      headers: { Range: "bytes=0-99" },
    });
    expect(own.status()).toBe(206);
    expect(own.headers()["content-range"]).toMatch(/^bytes 0-99\/\d+$/);
    expect(own.headers()["content-type"]).toBe("video/mp4");
    expect((await own.body()).length).toBe(100);
  });

  await test.step("Ari deletes the clip through the confirmation dialog", async () => {
    await page.goto(`/studio/clips/${clipId}`);
    await expect(page.getByRole("heading", { level: 1, name: "Clip" })).toBeVisible();
    await waitForHydration(page);
    const dialog = page.getByRole("dialog", { name: "Delete this clip?" });
    await expect(dialog).toBeHidden();
    await page.getByRole("button", { name: "Delete…" }).click();
    await expect(dialog).toBeVisible();
    // Keeping it closes the dialog and changes nothing.
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await expect(dialog).toBeHidden();
    await page.getByRole("button", { name: "Delete…" }).click();
    await expect(dialog).toBeVisible();
    await expectNoSeriousA11yViolations(page, "the delete-clip dialog");
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page).toHaveURL("/studio");
    await expect(page.getByRole("status").filter({ hasText: "Clip deleted." })).toBeVisible();
    await expect(clipLink).toHaveCount(0);
    for (const seeded of ARI_SEEDED_PROMPTS) {
      await expect(clipsRegion.getByRole("link").filter({ hasText: seeded })).toHaveCount(1);
    }
    const gone = await page.request.get(`/media/clips/${clipId}/video`);
    expect(gone.status()).toBe(404);
  });
});
