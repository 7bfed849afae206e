import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ADMIN, DEMO_PASSWORD, signIn } from "./support/auth";

// The model catalog end to end: an admin adds a model open to everyone that takes an image; an
// artist picks it and generates a clip from a prompt and a reference image, which becomes a clip
// that records the model; the admin switches it off and the artist can no longer pick it.

const ARTIST = { email: "artist@greenroom.test", name: "Ari Artist" };
const stamp = Date.now();
const MODEL_NAME = `Backdrop cut ${stamp}`;
const prompt = `A harbour at first light seen through the reference picture ${stamp}`;

/** A small real PNG made by ffmpeg (the one the server ships with). */
function referencePng() {
  const ffmpeg = ffmpegInstaller.path;
  const file = path.join(mkdtempSync(path.join(tmpdir(), "greenroom-e2e-ref-")), "harbour.png");
  execFileSync(ffmpeg, [
    "-loglevel",
    "error",
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=320x180",
    "-frames:v",
    "1",
    "-y",
    file,
  ]);
  return file;
}

async function waitForHydration(page: Page) {
  await page.waitForFunction(() =>
    Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter),
  );
}

test("an artist generates from a catalog model with an image; once the admin switches it off it cannot be picked", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();

  await test.step("the admin adds a model that takes an image", async () => {
    await signIn(admin, ADMIN.email, DEMO_PASSWORD, ADMIN.name);
    await admin.goto("/admin/models");
    await expect(admin.getByRole("heading", { level: 1, name: "Models" })).toBeVisible();
    // The default entry mirrors GENERATION_PROVIDER (local in the e2e server).
    await expect(admin.getByRole("table", { name: "Models" })).toContainText("(default)");
    const form = admin
      .locator("form")
      .filter({ has: admin.getByRole("button", { name: "Add model" }) });
    await form.getByLabel("Name artists see").fill(MODEL_NAME);
    await form.getByLabel("Provider").selectOption("local");
    await form.getByLabel("Model id").fill(`greenroom-backdrop-${stamp}`);
    await form.getByLabel("Takes a reference image (image-to-video)").check();
    await form.getByRole("button", { name: "Add model" }).click();
    await expect(
      admin.getByRole("status").filter({ hasText: `Added ${MODEL_NAME}` }),
    ).toBeVisible();
  });

  await test.step("the artist picks it and generates from a prompt and an image", async () => {
    await signIn(page, ARTIST.email, DEMO_PASSWORD, ARTIST.name);
    await page.goto("/studio");
    await waitForHydration(page);
    const model = page.getByLabel("Model");
    const value = await model
      .locator("option")
      .filter({ hasText: MODEL_NAME })
      .getAttribute("value");
    await model.selectOption(value!);
    await page.getByLabel("Prompt", { exact: true }).fill(prompt);
    await page.getByLabel("Duration").selectOption("5");
    await page.getByLabel("Resolution").selectOption({ label: "480p" });
    await page.getByLabel("Reference image (optional)").setInputFiles(referencePng());
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(
      page.getByRole("status").filter({ hasText: /^Queued: 5 s at 480p/ }),
    ).toBeVisible();
    const clipLink = page
      .getByRole("region", { name: "Your clips" })
      .getByRole("link")
      .filter({ hasText: prompt });
    await expect(clipLink).toBeVisible({ timeout: 90_000 });
  });

  await test.step("the admin switches it off; the artist can no longer pick it", async () => {
    await admin.getByRole("button", { name: `Switch off ${MODEL_NAME}` }).click();
    await expect(
      admin.getByRole("status").filter({ hasText: `${MODEL_NAME} is off` }),
    ).toBeVisible();
    await page.goto("/studio");
    await expect(
      page.getByLabel("Model").locator("option").filter({ hasText: MODEL_NAME }),
    ).toHaveCount(0);
  });
  await adminContext.close();
});
