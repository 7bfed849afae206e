import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { readContentCredentials } from "~/.server/c2pa/credentials";
import { runFfmpeg } from "~/.server/generation/media";
import { watermarkText } from "~/.server/generation/outputs";
import { PROVENANCE_TAG, readProvenance } from "~/.server/generation/provenance";
import { renderLocalClip } from "~/.server/generation/providers/local-renderer";
import { resealStoredClips, type ResealProgress } from "~/.server/generation/reseal";
import { newObjectKey } from "~/.server/storage";
import { clips, generationJobs, type User } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { createUser, testProvenance, testStorage } from "../../support/factories";
import { CLIP_SCENE, independentVerdict } from "../../support/provenance";

// Clips stored before outputs were sealed get sealed by `npm run provenance:sign`.

const t = useTestDatabase();
const root = mkdtempSync(path.join(os.tmpdir(), "greenroom-reseal-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A clip as an older version stored it: a version 1 record in its metadata and its row. */
async function oldClip(artist: User) {
  const id = randomUUID();
  const dir = path.join(root, `old-${++n}`);
  const rendered = await renderLocalClip({ ...CLIP_SCENE, watermark: watermarkText(id) }, dir);
  const record = {
    v: 1,
    clipId: id,
    accountId: artist.id,
    provider: "local",
    model: "greenroom-stand-in-v1",
    promptSha256: "0".repeat(64),
    createdAt: "2026-10-01T10:00:00.000Z",
    hmac: "0".repeat(64),
  };
  const tagged = path.join(dir, "tagged.mp4");
  await runFfmpeg([
    "-y",
    "-i",
    rendered.videoPath,
    "-c",
    "copy",
    "-movflags",
    "+faststart+use_metadata_tags",
    "-metadata",
    `${PROVENANCE_TAG}=${JSON.stringify(record)}`,
    tagged,
  ]);
  const videoKey = newObjectKey("clips", "mp4");
  const posterKey = newObjectKey("posters", "jpg");
  await testStorage.putFile(videoKey, tagged, "video/mp4");
  await testStorage.putFile(posterKey, rendered.posterPath, "image/jpeg");
  await t.db.insert(generationJobs).values({
    id,
    userId: artist.id,
    provider: "local",
    ...CLIP_SCENE,
    status: "succeeded",
    progress: 1,
    attempts: 1,
    finishedAt: new Date(),
  });
  const [clip] = await t.db
    .insert(clips)
    .values({
      id,
      userId: artist.id,
      videoKey,
      posterKey,
      sizeBytes: 1,
      durationSeconds: rendered.probe.durationSeconds,
      width: rendered.probe.width,
      height: rendered.probe.height,
      provider: "local",
      model: "greenroom-stand-in-v1",
      provenance: record,
    })
    .returning();
  return clip!;
}

describe("signing stored clips again", () => {
  it("seals each old clip as a new one is sealed, once, and leaves no old file behind", async () => {
    const artist = await createUser(t.db);
    const old = await oldClip(artist);
    const progress: ResealProgress[] = [];
    expect(
      await resealStoredClips(t.db, testStorage, testProvenance, {
        onProgress: (p) => progress.push(p),
      }),
    ).toEqual({ sealed: 1, missing: 0, "sealed elsewhere": 0 });
    expect(progress).toEqual([{ done: 1, total: 1, clipId: old.id, outcome: "sealed" }]);

    const [row] = await t.db.select().from(clips).where(eq(clips.id, old.id));
    expect(row!.videoKey).not.toBe(old.videoKey);
    expect(row!.provenance).toMatchObject({
      v: 2,
      clipId: old.id,
      createdAt: "2026-10-01T10:00:00.000Z",
    });
    expect(await testStorage.head(old.videoKey)).toBeNull();
    expect(await testStorage.head(old.posterKey)).toBeNull();

    const file = path.join(root, `stored-${++n}.mp4`);
    await testStorage.download(row!.videoKey, file);
    expect((await readProvenance(file, testProvenance.secret)).status).toBe("valid");
    expect(await readContentCredentials(file, "video/mp4", testProvenance.identity)).toMatchObject({
      present: true,
      ours: true,
      failures: [],
      clip: { clipId: old.id },
    });
    expect(await independentVerdict(file)).toEqual({
      state: "Valid",
      failures: ["signingCredential.untrusted"],
    });

    // Again: nothing to do.
    expect(await resealStoredClips(t.db, testStorage, testProvenance)).toEqual({
      sealed: 0,
      missing: 0,
      "sealed elsewhere": 0,
    });
  });

  it("skips a clip whose file is gone, and picks it up once it is back", async () => {
    const artist = await createUser(t.db);
    const old = await oldClip(artist);
    const kept = path.join(root, `kept-${++n}.mp4`);
    await testStorage.download(old.videoKey, kept);
    await testStorage.delete(old.videoKey);
    expect(await resealStoredClips(t.db, testStorage, testProvenance)).toEqual({
      sealed: 0,
      missing: 1,
      "sealed elsewhere": 0,
    });
    await testStorage.putFile(old.videoKey, kept, "video/mp4");
    expect(await resealStoredClips(t.db, testStorage, testProvenance)).toMatchObject({ sealed: 1 });
  });
});
