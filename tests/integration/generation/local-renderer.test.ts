import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probe, runFfmpeg } from "~/.server/generation/media";
import {
  hashPrompt,
  PROVENANCE_TAG,
  readProvenance,
  signProvenance,
  verifyProvenanceTag,
  type Provenance,
} from "~/.server/generation/provenance";
import {
  captionFor,
  renderLocalClip,
  type LocalRenderInput,
} from "~/.server/generation/providers/local-renderer";
import { frameSize, STYLE_PRESETS } from "~/lib/generation";

const SECRET = "provenance-secret-for-tests-0123456789";
const root = mkdtempSync(path.join(tmpdir(), "greenroom-render-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = () => path.join(root, String(++n));

const provenanceFor = (prompt: string): Provenance => ({
  clipId: "3f9a1c2e-0000-4000-8000-000000000001",
  accountId: "artist-1",
  provider: "local",
  model: "greenroom-local-1",
  promptSha256: hashPrompt(prompt),
  createdAt: "2026-11-21T12:00:00.000Z",
});

function input(overrides: Partial<LocalRenderInput> = {}): LocalRenderInput {
  const prompt = overrides.prompt ?? "A lighthouse at dusk, waves rolling in";
  return {
    prompt,
    seed: 42,
    style: "none",
    durationSeconds: 1,
    resolution: "480p",
    aspectRatio: "16:9",
    watermark: "GREENROOM · 3f9a1c2e",
    provenance: signProvenance(provenanceFor(prompt), SECRET),
    ...overrides,
  };
}

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("frame sizes", () => {
  it("take the resolution as the short side, in even pixels", () => {
    expect(frameSize("480p", "16:9")).toEqual({ width: 854, height: 480 });
    expect(frameSize("720p", "9:16")).toEqual({ width: 720, height: 1280 });
    expect(frameSize("1080p", "1:1")).toEqual({ width: 1080, height: 1080 });
  });
});

describe("the local renderer", () => {
  it("renders a real H.264 MP4 at the asked size, 24 fps and duration, with a poster and progress", async () => {
    const progress: number[] = [];
    const clip = await renderLocalClip(input({ durationSeconds: 2 }), dir(), {
      onProgress: (p) => progress.push(p),
    });
    expect(clip.probe).toMatchObject({ codec: "h264", width: 854, height: 480, fps: 24 });
    expect(clip.probe.durationSeconds).toBeCloseTo(2, 1);
    const poster = readFileSync(clip.posterPath);
    expect(poster.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it("honours the aspect ratio", async () => {
    const portrait = await renderLocalClip(input({ aspectRatio: "9:16" }), dir());
    expect([portrait.probe.width, portrait.probe.height]).toEqual([480, 854]);
    const square = await renderLocalClip(input({ aspectRatio: "1:1" }), dir());
    expect([square.probe.width, square.probe.height]).toEqual([480, 480]);
  });

  it("makes a different picture for another seed, prompt or style", async () => {
    const posters = await Promise.all(
      [
        input(),
        input({ seed: 7 }),
        input({ prompt: "A neon city in the rain" }),
        input({ style: "noir" }),
      ].map(async (i) => sha((await renderLocalClip(i, dir())).posterPath)),
    );
    expect(new Set(posters).size).toBe(4);
  });

  it("renders every style preset", async () => {
    for (const style of STYLE_PRESETS.map((s) => s.id)) {
      const clip = await renderLocalClip(input({ style }), dir());
      expect(clip.probe.codec, style).toBe("h264");
    }
  }, 120_000);

  it("captions any prompt safely: quotes, colons, backslashes, percent signs, emoji", async () => {
    const prompt = `It's 100% "real": a C:\\path; {braces} [and] 'quotes' — 🎬 %{pts}`;
    const clip = await renderLocalClip(input({ prompt }), dir());
    expect(clip.probe.codec).toBe("h264");
    expect(captionFor("word ".repeat(40))).toHaveLength(64);
  });

  it("stops at once when cancelled", async () => {
    const controller = new AbortController();
    const running = renderLocalClip(input({ durationSeconds: 20, resolution: "1080p" }), dir(), {
      signal: controller.signal,
      // Cancelled once ffmpeg reports the render under way, however long it took to start.
      onProgress: () => controller.abort(),
    });
    await expect(running).rejects.toThrow(/cancelled/);
  });
});

describe("signed provenance", () => {
  it("is written into the file and verifies when read back with ffprobe", async () => {
    const clip = await renderLocalClip(input(), dir());
    const check = await readProvenance(clip.videoPath, SECRET);
    expect(check.status).toBe("valid");
    expect(check.status === "valid" && check.provenance).toMatchObject(
      provenanceFor(input().prompt),
    );
  });

  it("a file whose metadata was edited, or signed under another key, is tampered", async () => {
    const clip = await renderLocalClip(input(), dir());
    const { tags } = await probe(clip.videoPath);
    const forged = JSON.parse(tags[PROVENANCE_TAG]!) as Record<string, string>;
    forged.accountId = "someone-else";
    const edited = path.join(root, "edited.mp4");
    await runFfmpeg([
      "-y",
      "-i",
      clip.videoPath,
      "-c",
      "copy",
      "-movflags",
      "use_metadata_tags",
      "-metadata",
      `${PROVENANCE_TAG}=${JSON.stringify(forged)}`,
      edited,
    ]);
    expect((await readProvenance(edited, SECRET)).status).toBe("tampered");
    expect(
      (await readProvenance(clip.videoPath, "another-secret-another-secret-0123")).status,
    ).toBe("tampered");
  });

  it("a file without provenance is unsigned; garbage in the tag is tampered", async () => {
    const clip = await renderLocalClip(input({ provenance: null }), dir());
    expect((await readProvenance(clip.videoPath, SECRET)).status).toBe("unsigned");
    expect(verifyProvenanceTag("{not json", SECRET).status).toBe("tampered");
    expect(verifyProvenanceTag(JSON.stringify({ v: 1, clipId: "x" }), SECRET).status).toBe(
      "tampered",
    );
  });

  it("ffprobe refuses a file that is not a video", async () => {
    const file = path.join(root, "garbage.mp4");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, "definitely not an mp4");
    await expect(probe(file)).rejects.toThrow(/not a readable video/);
  });
});
