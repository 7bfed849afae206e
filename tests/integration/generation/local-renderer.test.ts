import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probe } from "~/.server/generation/media";
import {
  captionFor,
  renderLocalClip,
  type LocalRenderInput,
} from "~/.server/generation/providers/local-renderer";
import { frameSize, STYLE_PRESETS } from "~/lib/generation";

const root = mkdtempSync(path.join(tmpdir(), "greenroom-render-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = () => path.join(root, String(++n));

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

describe("ffprobe", () => {
  it("ffprobe refuses a file that is not a video", async () => {
    const file = path.join(root, "garbage.mp4");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, "definitely not an mp4");
    await expect(probe(file)).rejects.toThrow(/not a readable video/);
  });
});
