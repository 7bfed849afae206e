import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "~/.server/errors";
import { probe, runFfmpeg } from "~/.server/generation/media";
import {
  cleanReferenceImage,
  REFERENCE_MAX_BYTES,
  sniffImage,
} from "~/.server/generation/reference-images";
import { tempDir } from "../../support/generation";

// Reference images are judged by their bytes: type, size, pixels, wholeness; what is kept is a
// fresh PNG without the original's metadata.

async function image(format: "png" | "jpg" | "webp" | "gif", size = "64x48") {
  const file = path.join(tempDir("img"), `in.${format}`);
  await runFfmpeg(["-f", "lavfi", "-i", `testsrc=size=${size}`, "-frames:v", "1", "-y", file]);
  return new Uint8Array(readFileSync(file));
}

async function refusal(bytes: Uint8Array) {
  const error = await cleanReferenceImage(bytes, tempDir("clean")).then(
    () => {
      throw new Error("Expected the image to be refused");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).field).toBe("referenceImage");
  return error as UserError;
}

/** A JPEG with an APP1 (Exif) segment carrying a secret right after its start marker. */
function withExif(jpeg: Uint8Array, secret: string) {
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), Buffer.from(secret)]);
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from(jpeg.subarray(0, 2)),
      segment,
      payload,
      Buffer.from(jpeg.subarray(2)),
    ]),
  );
}

describe("reference images", () => {
  it("accepts PNG, JPEG and WebP by content, and keeps a clean PNG of the same size", async () => {
    for (const format of ["png", "jpg", "webp"] as const) {
      const bytes = await image(format);
      expect(sniffImage(bytes)).toBe(format === "jpg" ? "jpeg" : format);
      const clean = await cleanReferenceImage(bytes, tempDir("clean"));
      expect(await probe(clean)).toMatchObject({ codec: "png", width: 64, height: 48 });
    }
  });

  it("strips metadata: the Exif of a JPEG does not survive", async () => {
    const bytes = withExif(await image("jpg"), "GPS-SECRET-51.5N-0.12W");
    expect(Buffer.from(bytes).includes("GPS-SECRET")).toBe(true);
    const clean = await cleanReferenceImage(bytes, tempDir("clean"));
    const out = readFileSync(clean);
    expect(out.includes("GPS-SECRET")).toBe(false);
    expect(out.includes("Exif")).toBe(false);
  });

  it("refuses other types whatever they are called, and zero bytes", async () => {
    expect((await refusal(await image("gif"))).status).toBe(415);
    expect((await refusal(new TextEncoder().encode("<svg onload=alert(1)>"))).status).toBe(415);
    const empty = await refusal(new Uint8Array());
    expect(empty).toMatchObject({ status: 422 });
    expect(empty.message).toMatch(/empty/);
  });

  it("refuses an oversized file", async () => {
    const big = new Uint8Array(REFERENCE_MAX_BYTES + 1);
    big.set(await image("png"));
    expect((await refusal(big)).status).toBe(413);
  });

  it("refuses huge dimensions from the header, before decoding (a decompression bomb)", async () => {
    const bytes = Buffer.from(await image("png"));
    bytes.writeUInt32BE(50_000, 16);
    bytes.writeUInt32BE(50_000, 20);
    const error = await refusal(new Uint8Array(bytes));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/50000×50000 pixels/);
    expect((await refusal(await image("png", "5000x16"))).message).toMatch(/at most 4096/);
  });

  it("refuses polyglots: data after the image's end, or markup inside it", async () => {
    const zip = Buffer.from("PK\u0003\u0004hidden archive", "latin1");
    for (const format of ["png", "jpg"] as const) {
      const appended = Buffer.concat([Buffer.from(await image(format)), zip]);
      expect((await refusal(new Uint8Array(appended))).message).toMatch(/more than an image/);
    }
    const html = withExif(await image("jpg"), "<script>alert(1)</script>");
    expect((await refusal(html)).message).toMatch(/more than an image/);
    const webp = Buffer.from(await image("webp"));
    const grown = Buffer.concat([webp, Buffer.from("<html>")]);
    expect((await refusal(new Uint8Array(grown))).message).toMatch(/more than an image/);
  });

  it("refuses a damaged file whose header is fine but whose pixels are not", async () => {
    const bytes = Buffer.from(await image("png", "64x64"));
    // Corrupt the compressed pixel data (inside IDAT) but keep the structure whole.
    const idat = bytes.indexOf("IDAT");
    for (let i = idat + 8; i < idat + 40; i++) bytes[i] = 0xff;
    const error = await refusal(new Uint8Array(bytes));
    expect(error.status).toBe(422);
  });
});
