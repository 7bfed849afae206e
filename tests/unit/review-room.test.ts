import { describe, expect, it } from "vitest";
import { clipFrameRate } from "~/.server/generation/outputs";
import { clipRate, commentTimecode } from "~/lib/review";
import { FRAME_RATES, lastFrameOf } from "~/lib/timecode";

// The review room's small pieces of frame arithmetic: what a clip row stores as its rate, how it
// is read back, and how a comment's place reads at 24, 25, 30 and 29.97 fps.

describe("a clip's frame rate", () => {
  it.each([
    ["24/1", "24/1"],
    ["30000/1001", "30000/1001"],
    ["25", "25/1"],
    ["", "24/1"],
    ["0/0", "24/1"],
    ["garbage", "24/1"],
  ])("ffprobe's %j is stored as %j", (probed, stored) => {
    expect(clipFrameRate(probed)).toBe(stored);
  });

  it("reads back as the exact rational, 24 fps when unreadable", () => {
    expect(clipRate("30000/1001")).toEqual(FRAME_RATES.ntsc);
    expect(clipRate("24/1")).toEqual({ num: 24, den: 1 });
    expect(clipRate("nonsense")).toEqual(FRAME_RATES.film);
  });
});

describe("a comment's place", () => {
  it.each([
    ["24/1", { frame: 36, endFrame: 60 }, "00:00:01:12–00:00:02:12"],
    ["25/1", { frame: 36, endFrame: null }, "00:00:01:11"],
    ["30/1", { frame: 3599, endFrame: 3600 }, "00:01:59:29–00:02:00:00"],
    ["30000/1001", { frame: 1800, endFrame: null }, "00:01:00:00"],
  ])("at %s, %j reads %s", (rate, comment, expected) => {
    expect(commentTimecode(comment, clipRate(rate))).toBe(expected);
  });

  it("a 5-second clip's last frame at each rate", () => {
    expect(["24/1", "25/1", "30/1", "30000/1001"].map((r) => lastFrameOf(5, clipRate(r)))).toEqual([
      119, 124, 149, 148,
    ]);
  });
});
