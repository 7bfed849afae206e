import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import { clips, generationJobs } from "~db/schema";
import type { Db } from "../db";
import { newObjectKey, ObjectNotFoundError, type ObjectStorage } from "../storage";
import { watermarkText } from "./outputs";
import { hashPrompt, type LegacyProvenance, type ProvenanceKeys } from "./provenance";
import { sealOutput } from "./sealing";

// Clips stored before outputs were sealed (their record is version 1, without Content
// Credentials): each is downloaded, sealed as the runner seals a new output, stored under new
// keys, and its row switched over in one conditional update, then the old objects go. One clip at
// a time, each committed on its own: stopping half way loses nothing, and running again picks up
// where it stopped (a sealed clip's record is version 2, so it is never done twice).

/** A clip whose record is not yet version 2. */
const unsealed = or(
  isNull(sql`${clips.provenance} ->> 'v'`),
  sql`${clips.provenance} ->> 'v' <> '2'`,
)!;

export type ResealProgress = {
  done: number;
  total: number;
  clipId: string;
  outcome: "sealed" | "missing" | "sealed elsewhere";
};

export async function resealStoredClips(
  db: Db,
  storage: ObjectStorage,
  keys: ProvenanceKeys,
  options: { onProgress?: (progress: ResealProgress) => void; tmpRoot?: string } = {},
) {
  const waiting = await db
    .select({
      id: clips.id,
      userId: clips.userId,
      videoKey: clips.videoKey,
      posterKey: clips.posterKey,
      provider: clips.provider,
      model: clips.model,
      provenance: clips.provenance,
      createdAt: clips.createdAt,
      prompt: generationJobs.prompt,
    })
    .from(clips)
    .innerJoin(generationJobs, eq(generationJobs.id, clips.id))
    .where(unsealed)
    .orderBy(asc(clips.createdAt), asc(clips.id));
  const counts = { sealed: 0, missing: 0, "sealed elsewhere": 0 };
  let done = 0;
  for (const clip of waiting) {
    const dir = await mkdtemp(path.join(options.tmpRoot ?? os.tmpdir(), "greenroom-reseal-"));
    let outcome: ResealProgress["outcome"];
    try {
      outcome = await resealOne(db, storage, keys, clip, dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    counts[outcome]++;
    options.onProgress?.({ done: ++done, total: waiting.length, clipId: clip.id, outcome });
  }
  return counts;
}

async function resealOne(
  db: Db,
  storage: ObjectStorage,
  keys: ProvenanceKeys,
  clip: {
    id: string;
    userId: string;
    videoKey: string;
    posterKey: string;
    provider: string;
    model: string;
    provenance: unknown;
    createdAt: Date;
    prompt: string;
  },
  dir: string,
): Promise<ResealProgress["outcome"]> {
  const video = path.join(dir, "stored.mp4");
  const poster = path.join(dir, "stored.jpg");
  try {
    await storage.download(clip.videoKey, video);
    await storage.download(clip.posterKey, poster);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return "missing";
    throw error;
  }
  const old = (clip.provenance ?? {}) as Partial<LegacyProvenance>;
  const sealed = await sealOutput({
    dir,
    videoPath: video,
    posterPath: poster,
    record: {
      clipId: clip.id,
      accountId: clip.userId,
      provider: clip.provider,
      model: clip.model,
      promptSha256: hashPrompt(clip.prompt),
      createdAt: typeof old.createdAt === "string" ? old.createdAt : clip.createdAt.toISOString(),
    },
    watermark: watermarkText(clip.id),
    comment: "Greenroom output (signed again with Content Credentials)",
    keys,
  });
  const videoKey = newObjectKey("clips", "mp4");
  const posterKey = newObjectKey("posters", "jpg");
  await storage.putFile(videoKey, sealed.videoPath, "video/mp4");
  await storage.putFile(posterKey, sealed.posterPath!, "image/jpeg");
  const { size } = await stat(sealed.videoPath);
  // Only if nobody sealed it meanwhile (another run of this command): then ours go instead.
  const [switched] = await db
    .update(clips)
    .set({ videoKey, posterKey, sizeBytes: size, provenance: sealed.provenance })
    .where(and(eq(clips.id, clip.id), eq(clips.videoKey, clip.videoKey), unsealed))
    .returning({ id: clips.id });
  const stale = switched ? [clip.videoKey, clip.posterKey] : [videoKey, posterKey];
  for (const key of stale) await storage.delete(key).catch(() => undefined);
  return switched ? "sealed" : "sealed elsewhere";
}
