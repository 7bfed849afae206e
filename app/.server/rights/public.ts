import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { clips } from "~db/schema";
import { hit, RateLimitedError, type Limit } from "../auth/rate-limit";
import type { Db } from "../db";
import { runFfmpeg } from "../generation/media";
import { ObjectNotFoundError, type ObjectStorage } from "../storage/storage";
import { verifyLicense } from "./views";

// The public face of a license: /verify/<code>, its JSON twin, its poster and (only while valid)
// a short watermarked preview. Signed out, rate limited per address, and an unknown code is a
// plain 404 that says nothing about why.

export const VERIFY_LIMIT: Limit = { bucket: "verify:ip", max: 60, windowSeconds: 60 };
export const PREVIEW_SECONDS = 4;

const notFound = () =>
  new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain" } });

/** The license's public facts, or a thrown 404/429 Response. */
export async function publicLicense(db: Db, code: string, clientIp: string | null) {
  try {
    await hit(db, VERIFY_LIMIT, clientIp ?? "unknown");
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    throw new Response(error.message, {
      status: 429,
      headers: { "Content-Type": "text/plain", "Retry-After": String(error.retryAfterSeconds) },
    });
  }
  const license = await verifyLicense(db, code);
  if (!license) throw notFound();
  return license;
}

/** Everything a platform needs, and nothing else. */
export function licenseFacts(license: NonNullable<Awaited<ReturnType<typeof verifyLicense>>>) {
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

/** The first seconds of the watermarked clip (keyframe-cut, no re-encode), as bytes. */
export async function previewBytes(db: Db, storage: ObjectStorage, clipId: string) {
  const [clip] = await db
    .select({ videoKey: clips.videoKey })
    .from(clips)
    .where(eq(clips.id, clipId));
  if (!clip) throw notFound();
  const dir = await mkdtemp(path.join(os.tmpdir(), "greenroom-preview-"));
  try {
    const source = path.join(dir, "source.mp4");
    const preview = path.join(dir, "preview.mp4");
    try {
      await storage.download(clip.videoKey, source);
    } catch (error) {
      // The clip's file is gone: the preview is simply not there.
      if (error instanceof ObjectNotFoundError) throw notFound();
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
