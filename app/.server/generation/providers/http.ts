import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { StylePreset } from "~/lib/generation";
import { ProviderError } from "./provider";

// What the HTTP providers (openai, fal) share: the error mapping of one request, Retry-After, the
// download of a result into the try's folder, and the scrubbing of secrets from messages.

export const MAX_MESSAGE_LENGTH = 500;
// A server that answers 429 with a date already past would otherwise be asked again at once.
export const MIN_RATE_LIMIT_WAIT_MS = 500;
export const OUTPUT_FILE_NAME = "provider-output.mp4";

/** Our style presets as words a video model understands. */
export const STYLE_PHRASES: Record<StylePreset, string> = {
  none: "",
  cinematic: "cinematic film look",
  animation: "animation style, bright saturated flat colour",
  documentary: "documentary footage, muted colour, film grain",
  noir: "film noir, black and white, hard contrast",
  dreamlike: "dreamlike, soft focus, drifting hues",
  retro: "retro 1970s film, faded colour, vignette",
};

export function styledPrompt(prompt: string, style: StylePreset) {
  const phrase = STYLE_PHRASES[style];
  const text = prompt.trim();
  return phrase ? `${text}, ${phrase}` : text;
}

/** Removes every secret from a text we may show or log, and keeps it short. */
export function scrubber(...secrets: (string | undefined)[]) {
  const present = secrets.filter((s): s is string => Boolean(s && s.length >= 4));
  return (text: string) => {
    let out = text;
    for (const secret of present) out = out.split(secret).join("[redacted]");
    return out.slice(0, MAX_MESSAGE_LENGTH);
  };
}

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(header: string | null): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A lost connection or a timeout, as a transient ProviderError naming the provider. */
export function connectionError(error: unknown, label: string, timeoutMs: number) {
  if (error instanceof ProviderError) return error;
  const errorName = (error as { name?: unknown } | null)?.name;
  if (errorName === "TimeoutError" || errorName === "AbortError") {
    return new ProviderError(`${label} did not answer within ${timeoutMs / 1000} s.`, true);
  }
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return new ProviderError(
    `Could not reach ${label}${typeof code === "string" ? ` (${code})` : ""}.`,
    true,
  );
}

/** Streams a response body into `dir`, under a final name only once complete. */
export async function downloadTo(
  response: Response,
  dir: string,
  label: string,
  timeoutMs: number,
): Promise<string> {
  if (!response.body) throw new ProviderError(`${label} sent an empty video file.`, true);
  await mkdir(dir, { recursive: true });
  const videoPath = path.join(dir, OUTPUT_FILE_NAME);
  const partialPath = `${videoPath}.part`;
  try {
    await pipeline(
      Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>),
      createWriteStream(partialPath),
    );
    await rename(partialPath, videoPath);
  } catch (error) {
    await rm(partialPath, { force: true });
    // Our own disk failing (it has a syscall: open, write) is not the provider's connection.
    const local = typeof (error as { syscall?: unknown } | null)?.syscall === "string";
    throw local ? error : connectionError(error, label, timeoutMs);
  }
  return videoPath;
}

/** The smallest of `available` that is at least `asked` (the runner cuts the file to `asked`). */
export function smallestAtLeast(available: readonly number[], asked: number) {
  return [...available].sort((a, b) => a - b).find((n) => n >= asked);
}
