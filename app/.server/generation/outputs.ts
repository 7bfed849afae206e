import path from "node:path";
import { parseFrameRate } from "~/lib/timecode";
import { FONT, MediaError, probe, runFfmpeg, writeDrawtextFile, type ProbeResult } from "./media";

// What a Greenroom output is, whichever provider made it: its frame rate, the watermark, the
// metadata that carries provenance, the poster, the check that it is the clip that was asked (the
// one place a clip is probed before it is accepted), and the finishing of a provider's raw file
// into such an output. Built on the primitives in media.ts, which know none of this.

export const FPS = 24;

/**
 * The frame rate a clip row stores ("num/den", what the review player counts frames at): the
 * probed r_frame_rate when it is a sensible rational, else FPS, which every output is finished at.
 */
export function clipFrameRate(probed: string) {
  const rate = parseFrameRate(probed);
  return rate ? `${rate.num}/${rate.den}` : `${FPS}/1`;
}

/** An output that is not what was asked (codec, size, duration): asking again would not help. */
export class OutputRejectedError extends MediaError {
  constructor(message: string) {
    super(message);
    this.name = "OutputRejectedError";
  }
}

/** The watermark burned into a corner of every output: program name and short clip id. */
export function watermarkText(clipId: string) {
  return `GREENROOM · ${clipId.slice(0, 8)}`;
}

/**
 * Where the mark is, in turn, over a clip's length: near the four corners, never over the centre
 * (a crop that keeps the middle of the frame still catches it in most of the clip; one that keeps
 * a corner loses the picture). x and y are ffmpeg expressions of the text's size and a margin.
 */
export const WATERMARK_POSITIONS = [
  { x: "w-text_w-MARGIN", y: "MARGIN" }, // top right
  { x: "MARGIN", y: "h-text_h-MARGIN" }, // bottom left
  { x: "w-text_w-MARGIN", y: "h-text_h-MARGIN" }, // bottom right
  { x: "MARGIN", y: "MARGIN" }, // top left
] as const;

/** How long the mark stays in each place: a quarter of the clip, and at least a second. */
export function watermarkDwellSeconds(durationSeconds: number) {
  return Math.max(1, durationSeconds / WATERMARK_POSITIONS.length);
}

/**
 * drawtext for the moving watermark, reading its text from a file so nothing needs escaping. The
 * text is at least 12 px (legible at 480p), half-opaque on a half-opaque box.
 */
export function watermarkFilter(
  textFile: string,
  width: number,
  height: number,
  durationSeconds: number,
) {
  const size = Math.max(12, Math.round(Math.min(width, height) / 26));
  const dwell = watermarkDwellSeconds(durationSeconds).toFixed(3);
  const slot = `mod(floor(t/${dwell}),${WATERMARK_POSITIONS.length})`;
  // Nested ifs over the slot; the quotes keep their commas from the filter graph's parser.
  const pick = (axis: "x" | "y") =>
    WATERMARK_POSITIONS.slice(0, -1)
      .reduceRight(
        (rest, position, i) => `if(eq(${slot},${i}),${position[axis]},${rest})`,
        WATERMARK_POSITIONS.at(-1)![axis] as string,
      )
      .replaceAll("MARGIN", String(size));
  return [
    `drawtext=fontfile=${FONT}:textfile=${textFile}:fontcolor=white@0.7:fontsize=${size}`,
    `box=1:boxcolor=black@0.35:boxborderw=${Math.round(size / 3)}`,
    `x='${pick("x")}':y='${pick("y")}'`,
  ].join(":");
}

/** The render's own metadata; the record and Content Credentials come at sealing (sealing.ts). */
export function renderMetadataArgs(comment: string) {
  return ["-movflags", "+faststart", "-metadata", `comment=${comment}`];
}

/**
 * Checks with ffprobe that a file is the clip that was asked for (H.264, exact frame size,
 * duration within a frame), and throws a MediaError saying what differs.
 */
export async function checkClip(
  file: string,
  expected: { width: number; height: number; durationSeconds: number },
): Promise<ProbeResult> {
  const result = await probe(file);
  if (
    result.codec !== "h264" ||
    result.width !== expected.width ||
    result.height !== expected.height ||
    Math.abs(result.durationSeconds - expected.durationSeconds) > 1 / FPS + 0.01
  ) {
    throw new OutputRejectedError(
      `The clip is not what was asked: ${result.codec} ${result.width}×${result.height}, ${result.durationSeconds.toFixed(2)} s instead of h264 ${expected.width}×${expected.height}, ${expected.durationSeconds} s.`,
    );
  }
  return result;
}

/** A JPEG still from early in the clip. */
export async function makePoster(videoPath: string, durationSeconds: number, dir: string) {
  const posterPath = path.join(dir, "poster.jpg");
  await runFfmpeg([
    "-y",
    "-ss",
    String(Math.min(1, durationSeconds / 2)),
    "-i",
    videoPath,
    "-frames:v",
    "1",
    "-q:v",
    "3",
    posterPath,
  ]);
  return posterPath;
}

/**
 * Turns a provider's raw file into an output: fitted to the asked frame (scaled, letterboxed if its
 * shape differs), cut to the asked duration, watermarked, then checked, with a poster. Sealing
 * (the record and Content Credentials) comes after, in sealing.ts.
 * A file shorter than asked fails the check rather than being padded. A null watermark makes a
 * licensed master from the stored original: the same frames, without the visible mark.
 */
export async function finishProviderOutput(
  rawPath: string,
  dir: string,
  target: {
    width: number;
    height: number;
    durationSeconds: number;
    watermark: string | null;
  },
) {
  const markFile = path.join(dir, "watermark.txt");
  if (target.watermark !== null) await writeDrawtextFile(markFile, target.watermark);
  const { width, height } = target;
  const videoPath = path.join(dir, "video.mp4");
  await runFfmpeg(
    [
      "-y",
      "-i",
      rawPath,
      "-vf",
      [
        `scale=${width}:${height}:force_original_aspect_ratio=decrease`,
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`,
        "setsar=1",
        `fps=${FPS}`,
        target.watermark === null
          ? null
          : watermarkFilter(markFile, width, height, target.durationSeconds),
        "format=yuv420p",
      ]
        .filter(Boolean)
        .join(","),
      "-t",
      String(target.durationSeconds),
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-crf",
      "20",
      "-c:a",
      "aac",
      ...renderMetadataArgs("Greenroom output"),
      videoPath,
    ],
    { expectedSeconds: target.durationSeconds },
  );
  const probed = await checkClip(videoPath, target);
  const posterPath = await makePoster(videoPath, target.durationSeconds, dir);
  return { videoPath, posterPath, probe: probed };
}
