import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { frameSize, type AspectRatio, type Resolution, type StylePreset } from "~/lib/generation";
import { FONT, runFfmpeg, writeDrawtextFile, type ProbeResult } from "../media";
import { checkClip, FPS, makePoster, renderMetadataArgs, watermarkFilter } from "../outputs";

// The `local` provider's renderer: a stand-in for the model that makes a real H.264 clip. The scene
// (source, colours, motion) follows from the prompt and the seed, the look from the style preset;
// the prompt is the caption, and every clip carries the moving watermark (a licensed master is
// re-rendered the same way without it). The runner seals it afterwards (sealing.ts).

export type LocalRenderInput = {
  prompt: string;
  seed: number;
  style: StylePreset;
  durationSeconds: number;
  resolution: Resolution;
  aspectRatio: AspectRatio;
  /** Burned into a corner, e.g. "GREENROOM · 3f9a1c2e". */
  watermark: string;
  /** The artist's reference image (image-to-video): the still backdrop the scene drifts over. */
  backdropPath?: string | null;
};

/**
 * A licensed master: the same scene (it follows from prompt, seed, style and size alone) without
 * the visible mark, still signed.
 */
export type LocalMasterInput = Omit<LocalRenderInput, "watermark"> & { watermark: null };

export type RenderedClip = { videoPath: string; posterPath: string; probe: ProbeResult };

/** A deterministic stream of numbers in [0, 1) from the prompt and the seed. */
function randomFrom(prompt: string, seed: number) {
  let state = createHash("sha256").update(`${seed}:${prompt}`).digest();
  let index = 0;
  return () => {
    if (index + 4 > state.length) {
      state = createHash("sha256").update(state).digest();
      index = 0;
    }
    const value = state.readUInt32BE(index) / 2 ** 32;
    index += 4;
    return value;
  };
}

const hex = (r: () => number) =>
  `0x${Math.floor(r() * 0xffffff)
    .toString(16)
    .padStart(6, "0")}`;

/** The moving picture behind the caption: one of several generators, seeded. */
function sceneSource(r: () => number, width: number, height: number, duration: number) {
  const kind = Math.floor(r() * 4);
  // Cheap generators render at a quarter of the size and are scaled up.
  const small = `${Math.max(2, Math.round(width / 4 / 2) * 2)}x${Math.max(2, Math.round(height / 4 / 2) * 2)}`;
  const hueSpeed = Math.round(20 + r() * 60);
  switch (kind) {
    case 0: {
      const points = [
        [-0.743643887037151, 0.13182590420533],
        [-0.7453, 0.1127],
        [-0.16, 1.0405],
        [-1.25066, 0.02012],
        [-0.722, 0.246],
      ];
      const [x, y] = points[Math.floor(r() * points.length)]!;
      return {
        name: "mandelbrot",
        filter: `mandelbrot=size=${small}:rate=${FPS}:start_x=${x}:start_y=${y}:start_scale=${(2 + r() * 2).toFixed(2)}:end_scale=${(0.01 + r() * 0.2).toFixed(3)}:end_pts=${duration * FPS},scale=${width}:${height}:flags=bicubic,hue=h=${hueSpeed}*t`,
      };
    }
    case 1:
      return {
        name: "life",
        filter: `life=size=${small}:rate=${FPS}:random_seed=${Math.floor(r() * 1e6)}:ratio=${(0.08 + r() * 0.2).toFixed(2)}:mold=${Math.floor(5 + r() * 40)}:life_color=${hex(r)}:death_color=${hex(r)}:mold_color=${hex(r)},scale=${width}:${height}:flags=neighbor`,
      };
    case 2:
      return {
        name: "cellular",
        filter: `cellauto=size=${small}:rate=${FPS}:rule=${[18, 22, 30, 45, 60, 90, 105, 110, 150][Math.floor(r() * 9)]}:random_seed=${Math.floor(r() * 1e6)}:scroll=1,scale=${width}:${height}:flags=neighbor,lutrgb=r='val*${(0.3 + r() * 0.7).toFixed(2)}':g='val*${(0.3 + r() * 0.7).toFixed(2)}':b='val*${(0.3 + r() * 0.7).toFixed(2)}',hue=h=${hueSpeed}*t`,
      };
    default: {
      // Wavelengths of a few to a few dozen (quarter-size) pixels: broad, slowly drifting bands.
      const [a, b, c] = [r(), r(), r()].map((v) => (6 + v * 30).toFixed(1));
      const speed = (0.5 + r() * 2).toFixed(2);
      return {
        name: "plasma",
        filter: `color=c=black:size=${small}:rate=${FPS},geq=r='128+127*sin(X/${a}+T*${speed})':g='128+127*sin(Y/${b}+T*${speed}*1.3)':b='128+127*sin((X+Y)/${c}+T*${speed}*0.7)',scale=${width}:${height}:flags=bicubic`,
      };
    }
  }
}

/** The look of each style preset, as ffmpeg filters applied over the scene. */
function styleFilter(style: StylePreset, height: number): string | null {
  const bar = Math.round(height * 0.1);
  switch (style) {
    case "cinematic":
      return `eq=contrast=1.15:saturation=1.1,colorbalance=rs=0.08:bs=-0.08,drawbox=x=0:y=0:w=iw:h=${bar}:color=black:t=fill,drawbox=x=0:y=ih-${bar}:w=iw:h=${bar}:color=black:t=fill`;
    case "animation":
      return "eq=saturation=1.8:contrast=1.1,lutrgb=r='floor(val/48)*48':g='floor(val/48)*48':b='floor(val/48)*48'";
    case "documentary":
      return "eq=saturation=0.6,noise=alls=12:allf=t";
    case "noir":
      return "hue=s=0,eq=contrast=1.5:brightness=-0.05";
    case "dreamlike":
      return "gblur=sigma=4,eq=saturation=1.3,hue=h=15*t";
    case "retro":
      return "curves=preset=vintage,vignette";
    default:
      return null;
  }
}

/** The caption is one line: long prompts are cut with an ellipsis. */
export function captionFor(prompt: string, max = 64) {
  const line = prompt.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** The ffmpeg arguments for a clip; text goes through files so no prompt needs escaping. */
export function renderArgs(
  input: LocalRenderInput | LocalMasterInput,
  files: { caption: string; watermark: string; output: string },
) {
  const { width, height } = frameSize(input.resolution, input.aspectRatio);
  const r = randomFrom(input.prompt, input.seed);
  const scene = sceneSource(r, width, height, input.durationSeconds);
  const caption = captionFor(input.prompt);
  // DejaVu Sans averages about 0.6 em per character: keep the line inside 90% of the width.
  const captionSize = Math.max(
    10,
    Math.min(
      Math.round(Math.min(width, height) / 18),
      Math.floor((width * 0.9) / (0.6 * caption.length)),
    ),
  );
  const backdrop = input.backdropPath ?? null;
  const filters = [
    // With a reference image, the scene is a faint layer over it (the image stays recognisable).
    backdrop
      ? `[0:v]scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1,format=yuv420p[bg];[1:v]format=yuv420p[fg];[bg][fg]blend=all_mode=normal:all_opacity=0.25`
      : scene.filter,
    styleFilter(input.style, height),
    `drawtext=fontfile=${FONT}:textfile=${files.caption}:fontcolor=white:fontsize=${captionSize}:box=1:boxcolor=black@0.5:boxborderw=${Math.round(captionSize / 2)}:x=(w-text_w)/2:y=h-text_h-${Math.round(height * 0.12)}`,
    input.watermark === null
      ? null
      : watermarkFilter(files.watermark, width, height, input.durationSeconds),
    "format=yuv420p",
  ].filter(Boolean);
  const args = backdrop
    ? [
        "-y",
        "-loop",
        "1",
        "-framerate",
        String(FPS),
        "-i",
        backdrop,
        "-f",
        "lavfi",
        "-i",
        scene.filter,
        "-filter_complex",
        filters.join(","),
        "-t",
        String(input.durationSeconds),
        "-r",
        String(FPS),
      ]
    : [
        "-y",
        "-f",
        "lavfi",
        "-i",
        filters.join(","),
        "-t",
        String(input.durationSeconds),
        "-r",
        String(FPS),
      ];
  args.push("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p");
  args.push(...renderMetadataArgs("Greenroom stand-in renderer (not the model)"));
  args.push(files.output);
  return { args, width, height, scene: scene.name };
}

/**
 * Renders the clip and its poster into `dir`, then checks with ffprobe that the file is what was
 * asked (codec, size, duration) before anyone may accept it.
 */
export async function renderLocalClip(
  input: LocalRenderInput | LocalMasterInput,
  dir: string,
  options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<RenderedClip> {
  await mkdir(dir, { recursive: true });
  const files = {
    caption: path.join(dir, "caption.txt"),
    watermark: path.join(dir, "watermark.txt"),
    output: path.join(dir, "video.mp4"),
  };
  await writeDrawtextFile(files.caption, captionFor(input.prompt));
  if (input.watermark !== null) await writeDrawtextFile(files.watermark, input.watermark);
  const { args, width, height } = renderArgs(input, files);
  await runFfmpeg(args, {
    expectedSeconds: input.durationSeconds,
    onProgress: options.onProgress,
    signal: options.signal,
  });

  const result = await checkClip(files.output, {
    width,
    height,
    durationSeconds: input.durationSeconds,
  });
  const posterPath = await makePoster(files.output, input.durationSeconds, dir);
  options.onProgress?.(1);
  return { videoPath: files.output, posterPath, probe: result };
}
