import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

// The ffmpeg and ffprobe primitives: real binaries shipped inside npm packages (libx264,
// drawtext) and a font from npm, so rendering works the same on every machine without system
// packages; running ffmpeg, reading a file with ffprobe, feeding drawtext. Nothing here knows what
// a Greenroom clip must be: that is outputs.ts, which builds on these and never the other way.
export const FFMPEG = ffmpegInstaller.path;
export const FFPROBE = ffprobeInstaller.path;
export const FONT = path.join(
  path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")),
  "ttf",
  "DejaVuSans.ttf",
);

export class MediaError extends Error {
  constructor(
    message: string,
    readonly stderr = "",
  ) {
    super(message);
    this.name = "MediaError";
  }
}

/** Writes text for drawtext: it treats % as an expansion, so a literal percent sign is doubled. */
export function writeDrawtextFile(file: string, text: string) {
  return writeFile(file, text.replace(/%/g, "%%"));
}

/**
 * Runs ffmpeg. With `expectedSeconds`, reports progress (0–1) from ffmpeg's `-progress` output.
 * An aborted signal kills the process.
 */
export function runFfmpeg(
  args: string[],
  options: {
    expectedSeconds?: number;
    onProgress?: (fraction: number) => void;
    signal?: AbortSignal;
  } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      FFMPEG,
      ["-hide_banner", "-nostats", "-loglevel", "error", "-progress", "pipe:1", ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    let buffered = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^out_time_ms=(\d+)/.exec(line);
        if (match && options.expectedSeconds && options.onProgress) {
          // Despite its name, out_time_ms is in microseconds.
          options.onProgress(Math.min(1, Number(match[1]) / 1e6 / options.expectedSeconds));
        }
      }
    });
    const abort = () => child.kill("SIGKILL");
    options.signal?.addEventListener("abort", abort, { once: true });
    child.on("error", (error) =>
      reject(new MediaError(`Could not start ffmpeg: ${error.message}`)),
    );
    child.on("close", (code) => {
      options.signal?.removeEventListener("abort", abort);
      if (options.signal?.aborted) return reject(new MediaError("Rendering was cancelled."));
      if (code === 0) return resolve();
      reject(new MediaError(`ffmpeg exited with code ${code}`, stderr));
    });
  });
}

/** Runs ffmpeg for what it writes to standard output (a hash, say), not for a file. */
export function runFfmpegCapture(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, ["-hide_banner", "-nostats", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on("error", (error) =>
      reject(new MediaError(`Could not start ffmpeg: ${error.message}`)),
    );
    child.on("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new MediaError(`ffmpeg exited with code ${code}`, stderr)),
    );
  });
}

export type ProbeResult = {
  durationSeconds: number;
  width: number;
  height: number;
  codec: string;
  fps: number;
  /** The exact rate as ffprobe writes it ("24/1", "30000/1001"); "" when it gave none. */
  frameRate: string;
  tags: Record<string, string>;
};

/** What ffprobe reads from a file; a file it cannot read as video is a MediaError. */
export function probe(file: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      FFPROBE,
      ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", (error) =>
      reject(new MediaError(`Could not start ffprobe: ${error.message}`)),
    );
    child.on("close", (code) => {
      if (code !== 0) return reject(new MediaError("The file is not a readable video.", err));
      try {
        const json = JSON.parse(out) as {
          format?: { duration?: string; tags?: Record<string, string> };
          streams?: {
            codec_type?: string;
            codec_name?: string;
            width?: number;
            height?: number;
            r_frame_rate?: string;
          }[];
        };
        const video = json.streams?.find((s) => s.codec_type === "video");
        if (!video) return reject(new MediaError("The file has no video stream."));
        const [num, den] = (video.r_frame_rate ?? "0/1").split("/").map(Number);
        resolve({
          durationSeconds: Number(json.format?.duration ?? 0),
          width: video.width ?? 0,
          height: video.height ?? 0,
          codec: video.codec_name ?? "",
          fps: den ? num! / den : 0,
          frameRate: num && den ? `${num}/${den}` : "",
          tags: json.format?.tags ?? {},
        });
      } catch {
        reject(new MediaError("ffprobe gave an unreadable answer."));
      }
    });
  });
}
