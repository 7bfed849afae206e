import { utimesSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORPHAN_GRACE_MS, removeOrphanObjects } from "~/.server/generation/orphans";
import { createStorage, newObjectKey, type ObjectStorage } from "~/.server/storage";
import { clips } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { createUser } from "../../support/factories";
import { type FakeS3, startFakeS3, stopFakeS3 } from "../../support/fake-s3";
import { createFinishedClip } from "../../support/generation";

// Objects a worker uploaded before it died, with no clip to refer to them, are removed by the
// periodic sweep once they are older than the grace period; everything a clip refers to, and
// anything recent (an output being stored right now), stays.

const t = useTestDatabase();
let fake: FakeS3;
let dir: string;
let file: string;
beforeAll(async () => {
  fake = await startFakeS3();
  dir = await mkdtemp(path.join(os.tmpdir(), "greenroom-orphans-"));
  file = path.join(dir, "bytes.mp4");
  await writeFile(file, "some bytes");
});
afterAll(async () => {
  await stopFakeS3(fake);
  await rm(dir, { recursive: true, force: true });
});

const drivers: { name: string; make: () => ObjectStorage; age: (key: string, at: Date) => void }[] =
  [
    {
      name: "local",
      make: () => createStorage({ driver: "local", root: path.join(dir, "media") }),
      age: (key, at) => utimesSync(path.join(dir, "media", key), at, at),
    },
    {
      name: "s3",
      make: () =>
        createStorage({
          driver: "s3",
          bucket: fake.bucket,
          region: fake.region,
          endpoint: fake.endpoint,
          accessKeyId: fake.accessKeyId,
          secretAccessKey: fake.secretAccessKey,
          forcePathStyle: true,
        }),
      age: (key, at) => (fake.objects.get(key)!.lastModified = at),
    },
  ];

describe.each(drivers)("the orphan sweep over the $name driver", ({ make, age }) => {
  it("removes old objects nothing refers to, and nothing else", async () => {
    const storage = make();
    const artist = await createUser(t.db);
    const { clip } = await createFinishedClip(t.db, artist, { storage });
    const original = newObjectKey("clips", "mp4");
    await storage.putFile(original, file, "video/mp4");
    await t.db.update(clips).set({ originalKey: original }).where(eq(clips.id, clip.id));
    const oldOrphans = [newObjectKey("clips", "mp4"), newObjectKey("posters", "jpg")];
    const freshOrphan = newObjectKey("clips", "mp4");
    for (const key of [...oldOrphans, freshOrphan])
      await storage.putFile(key, file, key.endsWith("jpg") ? "image/jpeg" : "video/mp4");
    const longAgo = new Date(Date.now() - ORPHAN_GRACE_MS - 60_000);
    for (const key of [...oldOrphans, clip.videoKey, clip.posterKey, original]) age(key, longAgo);

    expect(await removeOrphanObjects(t.db, storage)).toBe(2);
    for (const key of oldOrphans) expect(await storage.head(key)).toBeNull();
    for (const key of [clip.videoKey, clip.posterKey, original, freshOrphan])
      expect(await storage.head(key), key).not.toBeNull();
    // Again: nothing left to remove.
    expect(await removeOrphanObjects(t.db, storage)).toBe(0);
  });
});
