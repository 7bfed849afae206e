import { describe, expect, it } from "vitest";
import {
  FRAME_RATES,
  clampFrame,
  formatTimecode,
  frameAt,
  frameCount,
  lastFrameOf,
  parseFrameRate,
  parseTimecode,
  secondsOfFrame,
  startOfFrame,
  timecodeBase,
  type FrameRate,
} from "~/lib/timecode";

// Frame maths at the rates clips arrive in. The player seeks to secondsOfFrame and reads frames
// back with frameAt, so the round trip must be exact for every frame, including hours in.

const rates: [string, FrameRate][] = [
  ["24", FRAME_RATES.film],
  ["25", FRAME_RATES.pal],
  ["30", FRAME_RATES.thirty],
  ["29.97", FRAME_RATES.ntsc],
];

// Small frames, frames around each second and minute, and ones days into a clip.
const sampleFrames = [
  ...Array.from({ length: 200 }, (_, i) => i),
  1799,
  1800,
  1801,
  17_982,
  17_983,
  107_892,
  107_999,
  108_000,
  2_589_407,
  10_000_000,
  123_456_789,
];

describe.each(rates)("at %s fps", (_name, rate) => {
  it("maps frame → seek time → frame for every sampled frame", () => {
    for (const frame of sampleFrames)
      expect(frameAt(secondsOfFrame(frame, rate), rate)).toBe(frame);
  });

  it("seeks to the middle of the frame", () => {
    for (const frame of [0, 1, 99, 10_000]) {
      const middle = secondsOfFrame(frame, rate);
      const start = startOfFrame(frame, rate);
      const next = startOfFrame(frame + 1, rate);
      expect(middle).toBeGreaterThan(start);
      expect(middle).toBeLessThan(next);
      expect(middle - start).toBeCloseTo((next - start) / 2, 12);
    }
  });

  it("treats a time just short of a boundary (float error) as the next frame", () => {
    for (const frame of [1, 2, 3, 24, 25, 30, 1001, 17_982, 1_000_000]) {
      const boundary = (frame * rate.den) / rate.num;
      expect(frameAt(boundary - 1e-9, rate)).toBe(frame);
      expect(frameAt(boundary, rate)).toBe(frame);
      expect(frameAt(boundary + 1e-9, rate)).toBe(frame);
      // Well inside the previous frame is still the previous frame.
      expect(frameAt(boundary - (0.1 * rate.den) / rate.num, rate)).toBe(frame - 1);
    }
  });

  it("clamps nonsense times to frame 0", () => {
    for (const t of [Number.NaN, -1, -0.0001, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY])
      expect(frameAt(t, rate)).toBe(0);
    expect(secondsOfFrame(Number.NaN, rate)).toBe(secondsOfFrame(0, rate));
    expect(secondsOfFrame(-5, rate)).toBe(secondsOfFrame(0, rate));
  });

  it("formats and parses timecodes both ways", () => {
    for (const frame of sampleFrames) {
      const text = formatTimecode(frame, rate);
      expect(text).toMatch(/^\d{2,}:\d{2}:\d{2}:\d{2}$/);
      if (frame < 360_000 * timecodeBase(rate)) expect(parseTimecode(text, rate)).toBe(frame);
    }
  });
});

describe("formatTimecode", () => {
  it("counts frames 0..ceil(fps)-1 within each timecode second", () => {
    expect(formatTimecode(0, FRAME_RATES.pal)).toBe("00:00:00:00");
    expect(formatTimecode(24, FRAME_RATES.pal)).toBe("00:00:00:24");
    expect(formatTimecode(25, FRAME_RATES.pal)).toBe("00:00:01:00");
    expect(formatTimecode(23, FRAME_RATES.film)).toBe("00:00:00:23");
    expect(formatTimecode(24, FRAME_RATES.film)).toBe("00:00:01:00");
    expect(formatTimecode(29, FRAME_RATES.thirty)).toBe("00:00:00:29");
    expect(formatTimecode(30 * 3600 + 30 * 61 + 7, FRAME_RATES.thirty)).toBe("01:01:01:07");
  });

  it("is non-drop-frame at 29.97: 30 frames to the timecode second", () => {
    const ntsc = FRAME_RATES.ntsc;
    expect(timecodeBase(ntsc)).toBe(30);
    expect(formatTimecode(29, ntsc)).toBe("00:00:00:29");
    expect(formatTimecode(30, ntsc)).toBe("00:00:01:00");
    // Frame 1800 is 00:01:00:00 in NDF, though 60.06 s of real time have passed.
    expect(formatTimecode(1800, ntsc)).toBe("00:01:00:00");
    expect(startOfFrame(1800, ntsc)).toBeCloseTo(60.06, 9);
    expect(formatTimecode(107_892, ntsc)).toBe("00:59:56:12");
  });

  it("never shows NaN", () => {
    expect(formatTimecode(Number.NaN, FRAME_RATES.pal)).toBe("00:00:00:00");
    expect(formatTimecode(-3, FRAME_RATES.pal)).toBe("00:00:00:00");
    expect(formatTimecode(10, { num: 0, den: 0 })).toBe("00:00:00:10");
  });
});

describe("parseTimecode", () => {
  const pal = FRAME_RATES.pal;
  it("reads HH:MM:SS:FF", () => {
    expect(parseTimecode("00:00:01:05", pal)).toBe(30);
    expect(parseTimecode(" 01:00:00:00 ", pal)).toBe(90_000);
    expect(parseTimecode("00:00:01:05", FRAME_RATES.ntsc)).toBe(35);
  });

  it("refuses malformed or out-of-range input", () => {
    for (const bad of [
      "",
      "1:2:3:4",
      "00:00:01",
      "00:00:01:05:00",
      "00:60:00:00",
      "00:00:60:00",
      "00:00:00:25",
      "00:00:01;05",
      "aa:bb:cc:dd",
      "-0:00:00:00",
      "00:00:00:5",
      "00:00:00:0x",
    ])
      expect(parseTimecode(bad, pal), bad).toBeNull();
    expect(parseTimecode("00:00:00:29", FRAME_RATES.ntsc)).toBe(29);
    expect(parseTimecode("00:00:00:30", FRAME_RATES.ntsc)).toBeNull();
    expect(parseTimecode("00:00:00:24", FRAME_RATES.film)).toBeNull();
  });
});

describe("parseFrameRate", () => {
  it("reads rationals, integers and NTSC decimals", () => {
    expect(parseFrameRate("30000/1001")).toEqual({ num: 30000, den: 1001 });
    expect(parseFrameRate("25/1")).toEqual({ num: 25, den: 1 });
    expect(parseFrameRate("24")).toEqual({ num: 24, den: 1 });
    expect(parseFrameRate("29.97")).toEqual({ num: 30000, den: 1001 });
    expect(parseFrameRate("23.976")).toEqual({ num: 24000, den: 1001 });
    expect(parseFrameRate("59.94")).toEqual({ num: 60000, den: 1001 });
    expect(parseFrameRate("12.5")).toEqual({ num: 125, den: 10 });
  });

  it("refuses nonsense", () => {
    for (const bad of ["", "0", "0/1", "25/0", "abc", "-25", "1e3", "25/1/1", "NaN", "5000"])
      expect(parseFrameRate(bad), bad).toBeNull();
  });
});

describe("frame counts", () => {
  it("counts the frames in a duration", () => {
    expect(frameCount(4, FRAME_RATES.pal)).toBe(100);
    expect(lastFrameOf(4, FRAME_RATES.pal)).toBe(99);
    expect(frameCount(4.004, FRAME_RATES.ntsc)).toBe(120);
    expect(frameCount(3.9999999, FRAME_RATES.pal)).toBe(100);
    expect(frameCount(Number.NaN, FRAME_RATES.pal)).toBe(0);
    expect(lastFrameOf(0, FRAME_RATES.pal)).toBe(0);
    expect(lastFrameOf(-1, FRAME_RATES.pal)).toBe(0);
  });

  it("clamps frames into the clip", () => {
    expect(clampFrame(-1, 99)).toBe(0);
    expect(clampFrame(100, 99)).toBe(99);
    expect(clampFrame(5.7, 99)).toBe(5);
    expect(clampFrame(Number.NaN, 99)).toBe(0);
  });
});
