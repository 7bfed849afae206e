import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { inArray } from "drizzle-orm";
import { generationJobs } from "~db/schema";
import type { DbOrTx } from "../db";

// Every try of a job works in its own folder under $DATA_DIR/work, removed when the try ends. A
// worker that is killed cannot remove its own, so the folders of tries that no longer hold their
// job are removed here: when a worker starts, and when the sweep hands jobs over.
//
// A try's folder is named <job id>-<pg-boss job id> (runner.ts); the provider works inside it
// (ProviderRequest.workDir), so nothing else is left behind.

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const RUNNER_FOLDER = new RegExp(`^(${UUID})-(${UUID})$`, "i");
/** Folders we cannot tie to a job (from older versions) are removed once this old. */
const UNKNOWN_FOLDER_MAX_AGE_MS = 3600_000;

export function runnerFolderName(jobId: string, bossJobId: string) {
  return `${jobId}-${bossJobId}`;
}

/**
 * Removes the folders of tries that are over: the job is no longer running, or it runs under
 * another pg-boss job (handed over), or nobody holds it. A live try always keeps its folder: a job
 * is claimed (its row names the pg-boss job, with a heartbeat) before its folder is made. Returns
 * how many folders went.
 */
export async function removeAbandonedScratch(db: DbOrTx, workDir: string, now = new Date()) {
  let entries: string[];
  try {
    entries = await readdir(workDir);
  } catch {
    return 0; // No folder yet: nothing ever ran here.
  }
  const owners = new Map<string, { jobId: string; bossJobId: string }>();
  const unknown: string[] = [];
  for (const name of entries) {
    const runner = RUNNER_FOLDER.exec(name);
    if (runner)
      owners.set(name, { jobId: runner[1]!.toLowerCase(), bossJobId: runner[2]!.toLowerCase() });
    else unknown.push(name);
  }
  const jobIds = [...new Set([...owners.values()].map((owner) => owner.jobId))];
  const live =
    jobIds.length === 0
      ? []
      : await db
          .select({
            id: generationJobs.id,
            bossJobId: generationJobs.bossJobId,
            status: generationJobs.status,
            heartbeatAt: generationJobs.heartbeatAt,
          })
          .from(generationJobs)
          .where(inArray(generationJobs.id, jobIds));
  const byId = new Map(live.map((job) => [job.id, job]));

  let removed = 0;
  for (const [name, owner] of owners) {
    const job = byId.get(owner.jobId);
    const held =
      job?.status === "running" &&
      job.heartbeatAt !== null &&
      job.bossJobId?.toLowerCase() === owner.bossJobId;
    if (held) continue;
    await rm(path.join(workDir, name), { recursive: true, force: true });
    removed++;
  }
  for (const name of unknown) {
    const full = path.join(workDir, name);
    const info = await stat(full).catch(() => null);
    if (info && now.getTime() - info.mtimeMs > UNKNOWN_FOLDER_MAX_AGE_MS) {
      await rm(full, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
