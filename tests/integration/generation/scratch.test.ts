import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { removeAbandonedScratch, runnerFolderName } from "~/.server/generation/scratch";
import { generationJobs } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { artistWith, queueJob, tempDir } from "../../support/generation";

// The folders a killed worker leaves in $DATA_DIR/work: removed when a worker starts and when the
// sweep hands jobs over (queue.ts), kept while their try is alive.

const t = useTestDatabase();

function folder(workDir: string, name: string) {
  mkdirSync(path.join(workDir, name, "render"), { recursive: true });
  writeFileSync(path.join(workDir, name, "render", "video.mp4"), "half a clip");
  return name;
}

async function jobIn(state: {
  status: "running" | "succeeded" | "failed" | "queued";
  bossJobId: string | null;
  heartbeat: boolean;
}) {
  const artist = await artistWith(t.db);
  const job = await queueJob(t.db, artist);
  await t.db
    .update(generationJobs)
    .set({
      status: state.status,
      bossJobId: state.bossJobId,
      heartbeatAt: state.heartbeat ? new Date() : null,
    })
    .where(eq(generationJobs.id, job.id));
  return job.id;
}

describe("scratch folders of ended tries", () => {
  it("removes every folder whose try is over and keeps the live ones", async () => {
    const workDir = tempDir("scratch");
    const liveBoss = randomUUID();
    const live = await jobIn({ status: "running", bossJobId: liveBoss, heartbeat: true });
    const handedOverBoss = randomUUID();
    const handedOver = await jobIn({ status: "running", bossJobId: randomUUID(), heartbeat: true });
    const waitingBoss = randomUUID();
    const waiting = await jobIn({ status: "running", bossJobId: waitingBoss, heartbeat: false });
    const done = await jobIn({ status: "succeeded", bossJobId: randomUUID(), heartbeat: false });
    const failed = await jobIn({ status: "failed", bossJobId: null, heartbeat: false });

    const kept = folder(workDir, runnerFolderName(live, liveBoss));
    // The try a dead worker was on, the job now running elsewhere under a new pg-boss job.
    folder(workDir, runnerFolderName(handedOver, handedOverBoss));
    // Handed over and not yet taken: nobody holds it.
    folder(workDir, runnerFolderName(waiting, waitingBoss));
    folder(workDir, runnerFolderName(done, randomUUID()));
    folder(workDir, runnerFolderName(failed, randomUUID()));
    // A job that no longer exists at all.
    folder(workDir, runnerFolderName(randomUUID(), randomUUID()));
    // Something we cannot tie to a job: kept while fresh, removed once an hour old.
    const fresh = folder(workDir, "left-by-an-older-version");
    const stale = folder(workDir, "older-still");
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(path.join(workDir, stale), hourAgo, hourAgo);

    expect(await removeAbandonedScratch(t.db, workDir)).toBe(6);
    expect(readdirSync(workDir).sort()).toEqual([kept, fresh].sort());
    // Running it again changes nothing.
    expect(await removeAbandonedScratch(t.db, workDir)).toBe(0);
  });

  it("does nothing when no worker ever made the folder", async () => {
    const missing = path.join(tempDir("scratch"), "work");
    expect(await removeAbandonedScratch(t.db, missing)).toBe(0);
    expect(existsSync(missing)).toBe(false);
  });
});
