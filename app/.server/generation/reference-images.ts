import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { UserError } from "../errors";
import { newObjectKey, type ObjectStorage } from "../storage";
import { MediaError, probe, runFfmpeg } from "./media";

// The reference image of image-to-video: what an artist uploads is judged by its bytes, never by
// its name or declared type. It must be a whole PNG, JPEG or WebP file and nothing more (no data
// after its end, no markup inside: a polyglot is refused), within size and pixel limits read from
// its header before anything decodes it, and decodable. What is kept is a fresh PNG re-encoded by
// ffmpeg from the pixels alone, so no metadata (EXIF, GPS, comments, ICC text) survives. It is
// stored like media under a random key that is never served: only its owner's jobs use it.

export const REFERENCE_MAX_BYTES = 8 * 1024 * 1024;
export const REFERENCE_MAX_SIDE = 4096;
export const REFERENCE_MAX_PIXELS = 16_777_216;
export const REFERENCE_MIN_SIDE = 16;
const FIELD = "referenceImage";

export type ImageKind = "png" | "jpeg" | "webp";

const refuse = (message: string, status: 413 | 415 | 422 = 422) =>
  new UserError(message, status, FIELD);

/** The image's type from its first bytes, or null. */
export function sniffImage(bytes: Uint8Array): ImageKind | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])))
    return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (
    b.length >= 12 &&
    b.toString("latin1", 0, 4) === "RIFF" &&
    b.toString("latin1", 8, 12) === "WEBP"
  )
    return "webp";
  return null;
}

/**
 * Width and height from the header, and whether the file ends where its format says it does.
 * Null dimensions: the header could not be read.
 */
export function readHeader(
  kind: ImageKind,
  bytes: Uint8Array,
): { width: number; height: number; wholeFile: boolean } | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (kind === "png") {
      if (b.toString("latin1", 12, 16) !== "IHDR") return null;
      const width = b.readUInt32BE(16);
      const height = b.readUInt32BE(20);
      // Walk the chunks to IEND: the file must end right after it.
      let at = 8;
      while (at + 12 <= b.length) {
        const length = b.readUInt32BE(at);
        const type = b.toString("latin1", at + 4, at + 8);
        at += 12 + length;
        if (type === "IEND") return { width, height, wholeFile: at === b.length };
      }
      return { width, height, wholeFile: false };
    }
    if (kind === "webp") {
      const wholeFile = b.readUInt32LE(4) + 8 === b.length;
      const chunk = b.toString("latin1", 12, 16);
      if (chunk === "VP8X")
        return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3), wholeFile };
      if (chunk === "VP8L") {
        const bits = b.readUInt32LE(21);
        return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff), wholeFile };
      }
      if (chunk === "VP8 ")
        return {
          width: b.readUInt16LE(26) & 0x3fff,
          height: b.readUInt16LE(28) & 0x3fff,
          wholeFile,
        };
      return null;
    }
    // JPEG: the first start-of-frame marker holds the size; the file ends with EOI.
    let at = 2;
    while (at + 4 <= b.length) {
      if (b[at] !== 0xff) return null;
      const marker = b[at + 1]!;
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        at += 2;
        continue;
      }
      const length = b.readUInt16BE(at + 2);
      const isFrame =
        marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) {
        const wholeFile = b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;
        return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7), wholeFile };
      }
      at += 2 + length;
    }
    return null;
  } catch {
    return null;
  }
}

// Markup or script inside an image means it is also meant to be read as something else.
const MARKUP = /<\s*(script|html|svg|body|iframe|object|embed)\b|<\?php|<%@?/i;

/**
 * Checks an uploaded image and writes its clean PNG into `dir`; a UserError (4xx next to the
 * reference image field) tells the artist what is wrong.
 */
export async function cleanReferenceImage(bytes: Uint8Array, dir: string): Promise<string> {
  if (bytes.byteLength === 0) throw refuse("The image is empty (0 bytes). Choose another file.");
  if (bytes.byteLength > REFERENCE_MAX_BYTES)
    throw refuse(
      `The image is larger than ${REFERENCE_MAX_BYTES / 1024 / 1024} MB. Use a smaller one.`,
      413,
    );
  const kind = sniffImage(bytes);
  if (!kind) throw refuse("Use a PNG, JPEG or WebP image.", 415);
  const header = readHeader(kind, bytes);
  if (!header || header.width === 0 || header.height === 0)
    throw refuse(`This ${kind.toUpperCase()} file is damaged: its size cannot be read.`);
  if (
    header.width > REFERENCE_MAX_SIDE ||
    header.height > REFERENCE_MAX_SIDE ||
    header.width * header.height > REFERENCE_MAX_PIXELS
  )
    throw refuse(
      `The image is ${header.width}×${header.height} pixels; use at most ${REFERENCE_MAX_SIDE}×${REFERENCE_MAX_SIDE}.`,
    );
  if (header.width < REFERENCE_MIN_SIDE || header.height < REFERENCE_MIN_SIDE)
    throw refuse(`The image is too small; use at least ${REFERENCE_MIN_SIDE} pixels a side.`);
  if (!header.wholeFile || MARKUP.test(Buffer.from(bytes).toString("latin1")))
    throw refuse(
      "This file holds more than an image (data after its end, or markup inside). Export the picture again and use that.",
    );

  const source = path.join(dir, `upload.${kind}`);
  const clean = path.join(dir, "reference.png");
  await writeFile(source, bytes);
  try {
    const probed = await probe(source);
    const codec = { png: "png", jpeg: "mjpeg", webp: "webp" }[kind];
    if (probed.codec !== codec || probed.width !== header.width || probed.height !== header.height)
      throw refuse("This file is not the image it claims to be.");
    // Pixels only: a new PNG without any of the original's metadata.
    await runFfmpeg([
      "-y",
      "-i",
      source,
      "-map_metadata",
      "-1",
      "-frames:v",
      "1",
      "-pix_fmt",
      "rgb24",
      "-c:v",
      "png",
      clean,
    ]);
  } catch (error) {
    if (error instanceof MediaError)
      throw refuse(`This ${kind.toUpperCase()} file could not be read as an image.`);
    throw error;
  } finally {
    await rm(source, { force: true });
  }
  const { size } = await stat(clean);
  if (size === 0) throw refuse("This image could not be read.");
  return clean;
}

/** Checks, cleans and stores an uploaded reference image; returns its object key. */
export async function storeReferenceImage(storage: ObjectStorage, bytes: Uint8Array) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "greenroom-reference-"));
  try {
    const clean = await cleanReferenceImage(bytes, dir);
    const key = newObjectKey("references", "png");
    await storage.putFile(key, clean, "image/png");
    return key;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
