import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { clips } from "~db/schema";
import { hit, type Limit } from "../auth/rate-limit";
import type { Db } from "../db";
import { UserError } from "../errors";
import { runFfmpeg } from "../generation/media";
import { ObjectNotFoundError, type ObjectStorage } from "../storage/storage";
import { verifyLicense } from "./views";

// The public face of a license: /verify/<code>, its JSON twin, its poster and (only while valid)
// a short watermarked preview. Signed out, rate limited per address, and an unknown code is a
// plain "Not found" that says nothing about why.

export const VERIFY_LIMIT: Limit = { bucket: "verify:ip", max: 60, windowSeconds: 60 };
export const PREVIEW_SECONDS = 4;

const NOT_FOUND = "Not found";

export type PublicLicense = NonNullable<Awaited<ReturnType<typeof verifyLicense>>>;

/**
 * The license a code names. An unknown or malformed code is a 404 UserError that says nothing
 * more; one address asking too often a RateLimitedError (429, with its Retry-After).
 */
export async function publicLicense(
  db: Db,
  code: string,
  clientIp: string | null,
): Promise<PublicLicense> {
  await hit(db, VERIFY_LIMIT, clientIp ?? "unknown");
  const license = await verifyLicense(db, code);
  if (!license) throw new UserError(NOT_FOUND, 404);
  return license;
}

/** The public facts of the license a code names (see publicLicense for its refusals). */
export async function publicFacts(db: Db, code: string, clientIp: string | null) {
  return licenseFacts(await publicLicense(db, code, clientIp));
}

/** Everything a platform needs, and nothing else. */
export function licenseFacts(license: PublicLicense) {
  return {
    code: license.code,
    status: license.status,
    title: license.title,
    artist: license.artist,
    platforms: [...license.platforms, ...(license.otherPlatform ? [license.otherPlatform] : [])],
    commercial: license.commercial,
    territory: license.worldwide ? "worldwide" : license.countries,
    termStart: license.termStart,
    termEnd: license.termEnd,
    creditLine: license.creditLine,
    grantedAt: license.grantedAt.toISOString(),
    revokedAt: license.revokedAt ? license.revokedAt.toISOString() : null,
  };
}

export type PublicMediaKind = "poster" | "preview";

export type PublicMedia =
  | { kind: "poster"; key: string; contentType: "image/jpeg" }
  | { kind: "preview"; bytes: Buffer<ArrayBuffer>; contentType: "video/mp4" };

/**
 * A license's poster (always: its stored object) or its short watermarked preview (only while
 * the license is valid: the bytes), for the public page. Null when there is none to show; the
 * code's refusals are publicLicense's, and a clip whose file has gone is a 404 UserError.
 */
export async function publicMedia(
  deps: { db: Db; storage: ObjectStorage },
  code: string,
  clientIp: string | null,
  kind: PublicMediaKind,
): Promise<PublicMedia | null> {
  const license = await publicLicense(deps.db, code, clientIp);
  if (kind === "preview") {
    if (license.status !== "valid") return null;
    const bytes = await previewBytes(deps.db, deps.storage, license.clipId);
    return { kind, bytes, contentType: "video/mp4" };
  }
  const [clip] = await deps.db
    .select({ posterKey: clips.posterKey })
    .from(clips)
    .where(eq(clips.id, license.clipId));
  if (!clip) return null;
  return { kind, key: clip.posterKey, contentType: "image/jpeg" };
}

/** The first seconds of the watermarked clip (keyframe-cut, no re-encode), as bytes. */
async function previewBytes(db: Db, storage: ObjectStorage, clipId: string) {
  const [clip] = await db
    .select({ videoKey: clips.videoKey })
    .from(clips)
    .where(eq(clips.id, clipId));
  if (!clip) throw new UserError(NOT_FOUND, 404);
  const dir = await mkdtemp(path.join(os.tmpdir(), "greenroom-preview-"));
  try {
    const source = path.join(dir, "source.mp4");
    const preview = path.join(dir, "preview.mp4");
    try {
      await storage.download(clip.videoKey, source);
    } catch (error) {
      // The clip's file is gone: the preview is simply not there.
      if (error instanceof ObjectNotFoundError) throw new UserError(NOT_FOUND, 404);
      throw error;
    }
    await runFfmpeg(
      [
        "-y",
        "-i",
        source,
        "-t",
        String(PREVIEW_SECONDS),
        "-c",
        "copy",
        // No provenance or other metadata in a public preview.
        "-map_metadata",
        "-1",
        "-movflags",
        "+faststart",
        preview,
      ],
      { expectedSeconds: PREVIEW_SECONDS },
    );
    return await readFile(preview);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
