import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateIdentityFiles, identityFrom } from "~/.server/c2pa/certificates";
import { readContentCredentials } from "~/.server/c2pa/credentials";
import { TRAINED_ALGORITHMIC_MEDIA } from "~/.server/c2pa/manifest";
import { runFfmpeg } from "~/.server/generation/media";
import { FPS, watermarkFilter, WATERMARK_POSITIONS } from "~/.server/generation/outputs";
import { accountRefFor, readProvenance } from "~/.server/generation/provenance";
import { testProvenance } from "../../support/factories";
import { independentVerdict, renderAndSeal } from "../../support/provenance";
import { writeDrawtextFile } from "~/.server/generation/media";

// Every output is sealed after its last byte-changing step: Greenroom's record bound to the coded
// video, and C2PA Content Credentials bound to the file's bytes, which a standard verifier reads.

const root = mkdtempSync(path.join(os.tmpdir(), "greenroom-sealing-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(root, String(++n));
const CLIP_ID = "3f9a1c2e-0000-4000-8000-0000000000aa";
const ACCOUNT = "3f9a1c2e-0000-4000-8000-0000000000bb";

describe("a sealed clip", () => {
  it("carries Content Credentials that a standard verifier reads as valid (only our CA is new to it)", async () => {
    const sealed = await renderAndSeal({ dir: fresh(), clipId: CLIP_ID, accountId: ACCOUNT });
    expect(await independentVerdict(sealed.videoPath)).toEqual({
      state: "Valid",
      failures: ["signingCredential.untrusted"],
    });
    expect(await independentVerdict(sealed.posterPath!, "image/jpeg")).toEqual({
      state: "Valid",
      failures: ["signingCredential.untrusted"],
    });
  });

  it("says what made it, that it was marked, and whose it is (pseudonymously)", async () => {
    const sealed = await renderAndSeal({ dir: fresh(), clipId: CLIP_ID, accountId: ACCOUNT });
    const credentials = await readContentCredentials(
      sealed.videoPath,
      "video/mp4",
      testProvenance.identity,
    );
    expect(credentials).toMatchObject({
      present: true,
      state: "Trusted",
      ours: true,
      failures: [],
      claimGenerator: "Greenroom 1",
      clip: { clipId: CLIP_ID, accountRef: accountRefFor(ACCOUNT, testProvenance.secret) },
    });
    expect(credentials.present && credentials.actions).toEqual([
      {
        action: "c2pa.created",
        digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
        softwareAgent: "greenroom-stand-in-v1 (local)",
      },
      expect.objectContaining({
        action: "c2pa.watermarked.unbound",
        description: expect.stringContaining("GREENROOM · 3f9a1c2e"),
      }),
    ]);
    // The account's own id appears nowhere in the file's credentials.
    expect(JSON.stringify(credentials)).not.toContain(ACCOUNT);
  });

  it("carries Greenroom's record, bound to its own coded video and under our secret only", async () => {
    const sealed = await renderAndSeal({ dir: fresh(), clipId: CLIP_ID, accountId: ACCOUNT });
    const check = await readProvenance(sealed.videoPath, testProvenance.secret);
    expect(check).toMatchObject({
      status: "valid",
      provenance: { v: 2, clipId: CLIP_ID, videoSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(
      (await readProvenance(sealed.videoPath, "another-secret-another-secret-0123")).status,
    ).toBe("tampered");
    // The unsealed render has no record at all.
    expect((await readProvenance(sealed.unsealedPath, testProvenance.secret)).status).toBe(
      "unsigned",
    );
  });

  it("is recognised as ours only by our signing certificate, not by a look-alike CA's names", async () => {
    const lookalike = identityFrom(generateIdentityFiles("Greenroom"), "generated");
    const sealed = await renderAndSeal({
      dir: fresh(),
      clipId: CLIP_ID,
      accountId: ACCOUNT,
      keys: { secret: testProvenance.secret, identity: lookalike },
    });
    const seen = await readContentCredentials(
      sealed.videoPath,
      "video/mp4",
      testProvenance.identity,
    );
    expect(seen).toMatchObject({ present: true, ours: false, clip: { clipId: CLIP_ID } });
  });
});

describe("the moving watermark", () => {
  // The mark alone, over a still black frame: any difference between two moments is the mark.
  async function frameAt(seconds: number, video: string, dir: string) {
    const out = path.join(dir, `at-${seconds}.rgb`);
    await runFfmpeg([
      "-y",
      "-ss",
      String(seconds),
      "-i",
      video,
      "-frames:v",
      "1",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "gray",
      out,
    ]);
    const { readFileSync } = await import("node:fs");
    return readFileSync(out);
  }

  it("is in another corner in the last second than in the first, and never over the centre", async () => {
    const dir = fresh();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir, { recursive: true });
    const [width, height, duration] = [854, 480, 8];
    const text = path.join(dir, "mark.txt");
    await writeDrawtextFile(text, "GREENROOM · 3f9a1c2e");
    const video = path.join(dir, "marked.mp4");
    await runFfmpeg([
      "-y",
      "-f",
      "lavfi",
      "-i",
      `color=c=black:size=${width}x${height}:rate=${FPS},${watermarkFilter(text, width, height, duration)},format=yuv420p`,
      "-t",
      String(duration),
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      video,
    ]);
    const first = await frameAt(0.5, video, dir);
    const last = await frameAt(duration - 0.5, video, dir);
    /** How many bright pixels a region of a grey frame holds (the mark is white on grey). */
    const brightIn = (frame: Buffer, x0: number, y0: number, x1: number, y1: number) => {
      let count = 0;
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++) if (frame[y * width + x]! > 128) count++;
      return count;
    };
    const topRight = [width * 0.6, 0, width, height * 0.2].map(Math.round) as [
      number,
      number,
      number,
      number,
    ];
    const topLeft = [0, 0, width * 0.4, height * 0.2].map(Math.round) as [
      number,
      number,
      number,
      number,
    ];
    const centre = [width * 0.3, height * 0.3, width * 0.7, height * 0.7].map(Math.round) as [
      number,
      number,
      number,
      number,
    ];
    // The first quarter: top right; the last: top left (WATERMARK_POSITIONS' order).
    expect(WATERMARK_POSITIONS).toHaveLength(4);
    expect(brightIn(first, ...topRight)).toBeGreaterThan(50);
    expect(brightIn(first, ...topLeft)).toBe(0);
    expect(brightIn(last, ...topLeft)).toBeGreaterThan(50);
    expect(brightIn(last, ...topRight)).toBe(0);
    for (const frame of [first, last]) expect(brightIn(frame, ...centre)).toBe(0);
  });
});
