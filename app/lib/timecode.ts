// Frame-accurate time for the review player, shared by the server and the browser. A clip's frame
// rate is a rational (NTSC 29.97 is exactly 30000/1001, which no float spells), and every function
// here clamps its input: a player reading `currentTime` before metadata arrives gets frame 0, never
// NaN.

/** Frames per `den` seconds: 25 fps is { num: 25, den: 1 }, 29.97 fps is { num: 30000, den: 1001 }. */
export type FrameRate = { num: number; den: number };

export const FRAME_RATES = {
  film: { num: 24, den: 1 },
  filmNtsc: { num: 24000, den: 1001 },
  pal: { num: 25, den: 1 },
  ntsc: { num: 30000, den: 1001 },
  thirty: { num: 30, den: 1 },
} as const satisfies Record<string, FrameRate>;

const DEFAULT_RATE: FrameRate = FRAME_RATES.pal;

// The NTSC family as people and tools write them in decimals; ffprobe writes the exact rational.
const NTSC_DECIMALS: Record<string, FrameRate> = {
  "23.976": FRAME_RATES.filmNtsc,
  "23.98": FRAME_RATES.filmNtsc,
  "29.97": FRAME_RATES.ntsc,
  "47.952": { num: 48000, den: 1001 },
  "59.94": { num: 60000, den: 1001 },
};

// Up to 1000 fps over up to 1001 seconds covers every real rate and keeps num * frame exact.
const MAX_TERM = 1_000_000;

// A media time this close below a frame boundary (in frames) counts as that frame: Chromium
// reports times rounded to the microsecond, and 1001/30000 s boundaries are not representable.
const BOUNDARY_TOLERANCE = 1e-3;

const isTerm = (n: number) => Number.isInteger(n) && n > 0 && n <= MAX_TERM;

/** The rate, or 25 fps when it is not a sensible rational (so the maths below never divides by 0). */
export function normalizeRate(rate: FrameRate): FrameRate {
  return isTerm(rate.num) && isTerm(rate.den) && rate.num / rate.den <= 1000 ? rate : DEFAULT_RATE;
}

/** Frames per second as a float, for display and timers only. */
export function fps(rate: FrameRate) {
  const { num, den } = normalizeRate(rate);
  return num / den;
}

/**
 * "30000/1001", "25", "25/1", "29.97" or "23.976" → a rate; null for anything else. The NTSC
 * decimals map to their exact rationals; other decimals ("12.5") become num / 10^k.
 */
export function parseFrameRate(text: string): FrameRate | null {
  const trimmed = text.trim();
  const ntsc = NTSC_DECIMALS[trimmed];
  if (ntsc) return ntsc;
  const ratio = /^(\d{1,7})(?:\/(\d{1,7}))?$/.exec(trimmed);
  if (ratio) {
    const rate = { num: Number(ratio[1]), den: ratio[2] === undefined ? 1 : Number(ratio[2]) };
    return normalizeRate(rate) === rate ? rate : null;
  }
  const decimal = /^(\d{1,4})\.(\d{1,3})$/.exec(trimmed);
  if (decimal) {
    const den = 10 ** decimal[2]!.length;
    const rate = { num: Number(decimal[1]) * den + Number(decimal[2]), den };
    return normalizeRate(rate) === rate ? rate : null;
  }
  return null;
}

/** A frame index: a whole number from 0, whatever came in (NaN and negatives become 0). */
function wholeFrame(frame: number) {
  if (!Number.isFinite(frame) || frame <= 0) return 0;
  return Math.min(Math.floor(frame), Number.MAX_SAFE_INTEGER);
}

/** The frame on screen at media time `seconds` (frame n covers [n, n + 1) / fps). */
export function frameAt(seconds: number, rate: FrameRate) {
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  const { num, den } = normalizeRate(rate);
  return wholeFrame((seconds * num) / den + BOUNDARY_TOLERANCE);
}

/** Where frame `frame` starts, in seconds: for loop boundaries and durations, not for seeking. */
export function startOfFrame(frame: number, rate: FrameRate) {
  const { num, den } = normalizeRate(rate);
  return (wholeFrame(frame) * den) / num;
}

/**
 * The media time to seek to so the browser shows exactly frame `frame`: its middle. Seeking to
 * the boundary itself can land on the previous frame in Chromium (the decoder's timestamps are
 * rounded and a boundary like 1001/30000 s is not a float), and half a frame of margin absorbs any
 * such error while still being inside the frame.
 */
export function secondsOfFrame(frame: number, rate: FrameRate) {
  const { num, den } = normalizeRate(rate);
  return ((wholeFrame(frame) + 0.5) * den) / num;
}

/** How many whole frames a clip of `durationSeconds` holds (0 for a bad duration). */
export function frameCount(durationSeconds: number, rate: FrameRate) {
  return frameAt(durationSeconds, rate);
}

/** The last frame of a clip of `durationSeconds`: `frameCount - 1`, and 0 for an empty clip. */
export function lastFrameOf(durationSeconds: number, rate: FrameRate) {
  return Math.max(0, frameCount(durationSeconds, rate) - 1);
}

/** `frame` kept within 0..lastFrame. */
export function clampFrame(frame: number, lastFrame: number) {
  return Math.min(wholeFrame(frame), wholeFrame(lastFrame));
}

/**
 * Frames per timecode second: 24 for 23.976, 30 for 29.97. The FF field counts 0..this − 1.
 */
export function timecodeBase(rate: FrameRate) {
  const { num, den } = normalizeRate(rate);
  return Math.ceil(num / den);
}

const two = (n: number) => String(n).padStart(2, "0");

/**
 * Frame → "HH:MM:SS:FF". Non-drop-frame at every rate: at 29.97 the frames are counted 30 to the
 * timecode second, so the timecode runs 3.6 s an hour behind the clock. That is what NLEs show for
 * NDF and is exact frame for frame, which is what a review note needs; drop-frame (";") is not
 * supported.
 */
export function formatTimecode(frame: number, rate: FrameRate) {
  const base = timecodeBase(rate);
  const n = wholeFrame(frame);
  const ff = n % base;
  const totalSeconds = Math.floor(n / base);
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  const hh = Math.floor(totalSeconds / 3600);
  return `${two(hh)}:${two(mm)}:${two(ss)}:${two(ff)}`;
}

/** "HH:MM:SS:FF" (non-drop-frame, see formatTimecode) → frame; null if malformed or out of range. */
export function parseTimecode(text: string, rate: FrameRate): number | null {
  const match = /^(\d{2,4}):(\d{2}):(\d{2}):(\d{2,3})$/.exec(text.trim());
  if (!match) return null;
  const [hh, mm, ss, ff] = match.slice(1).map(Number) as [number, number, number, number];
  const base = timecodeBase(rate);
  if (mm > 59 || ss > 59 || ff >= base) return null;
  return ((hh * 60 + mm) * 60 + ss) * base + ff;
}
