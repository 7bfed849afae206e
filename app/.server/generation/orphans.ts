import { inArray, or } from "drizzle-orm";
import { clips } from "~db/schema";
import type { DbOrTx } from "../db";
import type { ObjectStorage } from "../storage";

// A worker uploads an output before the transaction that records it (runner.ts, store): one that
// dies in between leaves objects nothing refers to. This sweep finds them and removes them, once
// they are older than any upload-to-commit could take, so an output being stored right now is
// never touched. Every process may run it: deleting is idempotent.

/** Comfortably longer than the seconds between an upload and its commit. */
export const ORPHAN_GRACE_MS = 60 * 60_000;
/** The folders outputs are stored in, and the columns that refer to them. */
const OWNED_PREFIXES = ["clips/", "posters/"];
const BATCH = 500;

async function referenced(db: DbOrTx, keys: string[]) {
  const rows = await db
    .select({ video: clips.videoKey, poster: clips.posterKey, original: clips.originalKey })
    .from(clips)
    .where(
      or(
        inArray(clips.videoKey, keys),
        inArray(clips.posterKey, keys),
        inArray(clips.originalKey, keys),
      ),
    );
  return new Set(rows.flatMap((r) => [r.video, r.poster, r.original]));
}

/** Removes the stored objects no clip refers to that are older than the grace period. */
export async function removeOrphanObjects(
  db: DbOrTx,
  storage: ObjectStorage,
  options: { now?: Date; graceMs?: number } = {},
) {
  const cutoff = (options.now ?? new Date()).getTime() - (options.graceMs ?? ORPHAN_GRACE_MS);
  let removed = 0;
  const sweep = async (batch: string[]) => {
    const kept = await referenced(db, batch);
    for (const key of batch)
      if (!kept.has(key)) {
        await storage.delete(key);
        removed++;
      }
  };
  for (const prefix of OWNED_PREFIXES) {
    let batch: string[] = [];
    for await (const object of storage.list(prefix)) {
      if (object.lastModified.getTime() > cutoff) continue;
      batch.push(object.key);
      if (batch.length >= BATCH) {
        await sweep(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await sweep(batch);
  }
  return removed;
}
