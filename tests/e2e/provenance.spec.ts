import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { ARTIST2, DEMO_PASSWORD, submitSignIn } from "./support/auth";

// A clip made in the demo, an altered copy (one byte of its picture flipped) and a grafted copy
// (its metadata copied onto another video), checked on /provenance as an artist would.

const dir = mkdtempSync(path.join(os.tmpdir(), "greenroom-e2e-provenance-"));

function ffmpeg(args: string[]) {
  const run = spawnSync(ffmpegInstaller.path, ["-v", "error", "-y", ...args]);
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr.toString()}`);
}

/** One byte in the middle of the MP4's mdat box (the coded picture), flipped. */
function flipOneByteOfPicture(bytes: Buffer) {
  const copy = Buffer.from(bytes);
  for (let at = 0; at + 8 <= copy.length;) {
    const size = copy.readUInt32BE(at);
    if (copy.toString("latin1", at + 4, at + 8) === "mdat") {
      copy[at + Math.floor(size / 2)]! ^= 0xff;
      return copy;
    }
    at += size;
  }
  throw new Error("no mdat box");
}

async function check(page: Page, file: string) {
  await page.goto("/provenance");
  await page.getByLabel("MP4 file").setInputFiles(file);
  await page.getByRole("button", { name: "Check this file" }).click();
  await expect(page.getByRole("button", { name: "Check this file" })).toBeEnabled();
}

test("an artist checks a demo clip, an altered copy and a grafted copy", async ({ page }) => {
  await page.goto("/login");
  await submitSignIn(page, ARTIST2.email, DEMO_PASSWORD);
  await expect(page).toHaveURL("/");
  await page.goto("/studio");
  const href = await page.locator('a[href^="/studio/clips/"]').first().getAttribute("href");
  const clipId = href!.split("/").pop()!;
  const download = await page.request.get(`/media/clips/${clipId}/video`);
  expect(download.status()).toBe(200);
  const clip = path.join(dir, "clip.mp4");
  writeFileSync(clip, await download.body());

  await check(page, clip);
  await expect(page.getByRole("heading", { name: "Made in Greenroom" })).toBeVisible();
  await expect(page.getByText(clipId)).toBeVisible();
  await expect(page.getByText(/Content Credentials are signed with the program/)).toBeVisible();
  await expectNoSeriousA11yViolations(page, "a valid clip's provenance");

  const altered = path.join(dir, "altered.mp4");
  writeFileSync(altered, flipOneByteOfPicture(readFileSync(clip)));
  await check(page, altered);
  await expect(
    page.getByRole("heading", { name: "This file was changed after Greenroom signed it" }),
  ).toBeVisible();
  await expect(page.getByText("Altered", { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "an altered copy's provenance");

  const other = path.join(dir, "other.mp4");
  ffmpeg([
    "-f",
    "lavfi",
    "-i",
    "testsrc=duration=2:size=854x480:rate=24",
    "-c:v",
    "libx264",
    "-pix_fmt",
    "yuv420p",
    other,
  ]);
  const grafted = path.join(dir, "grafted.mp4");
  ffmpeg([
    "-i",
    other,
    "-i",
    clip,
    "-map",
    "0",
    "-map_metadata",
    "1",
    "-c",
    "copy",
    "-movflags",
    "use_metadata_tags",
    grafted,
  ]);
  await check(page, grafted);
  await expect(
    page.getByRole("heading", { name: "This is not the video its record belongs to" }),
  ).toBeVisible();
  await expect(page.getByText("Not valid", { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "a grafted copy's provenance");
});
