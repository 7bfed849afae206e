import { and, eq } from "drizzle-orm";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { frameSize, type AspectRatio, type Resolution, type StylePreset } from "~/lib/generation";
import { licenseStatus } from "~/lib/rights";
import {
  clips,
  generationJobs,
  licenses,
  type Clip,
  type GenerationJob,
  type License,
} from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db } from "../db";
import { UserError } from "../errors";
import { finishProviderOutput } from "../generation/outputs";
import { hashPrompt, type ProvenanceKeys, type SignedProvenance } from "../generation/provenance";
import { sealOutput, type SealRequest } from "../generation/sealing";
import { renderLocalClip } from "../generation/providers/local-renderer";
import { ObjectNotFoundError, type ObjectStorage } from "../storage";
import { todayUtc } from "./requests";

// The watermark-free master of a licensed clip, for the license's owner only. It is made on
// demand and never stored: a local clip is re-rendered from its prompt, seed, style and size
// without the visible mark; a remote provider's clip is fitted from the original we kept when it
// arrived (clips.original_key), again without the mark. Either way the file carries signed
// provenance naming the license, so a master found in the wild leads back to its terms.
//
// Why not cache masters in storage: object keys are random (ADR 0009), so a cached master would
// need a column to find it again; a master is downloaded rarely and renders in seconds, so the
// file lives in a private temporary folder only while it is being sent.

export type MasterDeps = {
  db: Db;
  storage: ObjectStorage;
  /** Signs the master (sealing.ts): the record's secret and the C2PA identity. */
  provenance: ProvenanceKeys;
  /** Where masters are made; a private folder under the system's temp dir unless given. */
  workDir?: string;
  now?: Date;
};

export const MASTER_CONTENT_TYPE = "video/mp4";

/** A master as a download, before it is made: what HEAD answers. */
export type MasterDownload = { contentType: typeof MASTER_CONTENT_TYPE; downloadName: string };

export type PreparedMaster = MasterDownload & {
  filePath: string;
  sizeBytes: number;
  license: License;
  /** Removes the temporary file; call once the response was sent or abandoned. */
  dispose: () => Promise<void>;
};

const NOT_FOUND = "Not found.";

// Leftovers of a process that died while sending a master; older than any download takes.
const STALE_MS = 60 * 60 * 1000;

// One master in the making per person in this process: each is a full ffmpeg render, so a
// double click or a script must not start a dozen of them.
const preparing = new Set<string>();

export function masterDownloadName(code: string) {
  return `greenroom-${code}-master.mp4`;
}

/**
 * The license `owner` may download a master for, with its clip and the job that made it. Someone
 * else's license, or none, is "not found" whatever its state; a license without a master, or one
 * that is not in force, is refused saying why.
 */
export async function masterLicense(
  db: Db,
  owner: ActingUser,
  licenseId: string,
  now = new Date(),
) {
  assertCan(owner, "studio:use");
  const [row] = await db
    .select({ license: licenses, clip: clips, job: generationJobs })
    .from(licenses)
    .innerJoin(clips, eq(clips.id, licenses.clipId))
    .innerJoin(generationJobs, eq(generationJobs.id, clips.id))
    .where(and(eq(licenses.id, licenseId), eq(licenses.userId, owner.id)));
  if (!row || row.clip.userId !== owner.id) throw new UserError(NOT_FOUND, 404);
  const { license } = row;
  if (!license.masterAllowed)
    throw new UserError(
      `License ${license.code} does not include a watermark-free master. Ask for one in a new rights request.`,
      403,
    );
  const status = licenseStatus(license, todayUtc(now));
  if (status === "revoked")
    throw new UserError(
      `License ${license.code} was revoked, so its master can no longer be downloaded.`,
      409,
    );
  if (status === "expired")
    throw new UserError(
      `License ${license.code} expired on ${license.termEnd}, so its master can no longer be downloaded.`,
      409,
    );
  if (status === "not_started")
    throw new UserError(
      `License ${license.code} comes into force on ${license.termStart}; its master can be downloaded from then.`,
      409,
    );
  return row;
}

/**
 * What downloading the master of `licenseId` would send, checked as masterLicense checks it; it
 * makes and records nothing.
 */
export async function describeMaster(
  db: Db,
  owner: ActingUser,
  licenseId: string,
  now = new Date(),
): Promise<MasterDownload> {
  const { license } = await masterLicense(db, owner, licenseId, now);
  return { contentType: MASTER_CONTENT_TYPE, downloadName: masterDownloadName(license.code) };
}

/** What the clip's record said when it was made, now naming the license (sealing signs it). */
function masterRecord(clip: Clip, job: GenerationJob, license: License): SealRequest["record"] {
  const original = clip.provenance as Partial<SignedProvenance> | null;
  return {
    clipId: clip.id,
    accountId: clip.userId,
    provider: clip.provider,
    model: clip.model,
    promptSha256: hashPrompt(job.prompt),
    createdAt:
      typeof original?.createdAt === "string" ? original.createdAt : clip.createdAt.toISOString(),
    licenseCode: license.code,
  };
}

async function sweepStale(root: string) {
  const entries = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((name) => name.startsWith("master-"))
      .map(async (name) => {
        const folder = path.join(root, name);
        const info = await stat(folder).catch(() => null);
        if (info && Date.now() - info.mtimeMs > STALE_MS)
          await rm(folder, { recursive: true, force: true });
      }),
  );
}

/**
 * Makes the master of `licenseId` for its owner in a temporary folder and records the download.
 * The caller sends `filePath` (its size, type and download name are given) and then calls
 * `dispose`.
 */
export async function prepareMaster(
  deps: MasterDeps,
  owner: ActingUser,
  licenseId: string,
): Promise<PreparedMaster> {
  assertCan(owner, "studio:use");
  if (preparing.has(owner.id))
    throw new UserError(
      "A master is already being prepared for you. Wait for that download to start, then try again.",
      429,
    );
  preparing.add(owner.id);
  let dir: string | null = null;
  try {
    const { license, clip, job } = await masterLicense(deps.db, owner, licenseId, deps.now);
    const root = deps.workDir ?? path.join(os.tmpdir(), "greenroom-masters");
    await mkdir(root, { recursive: true, mode: 0o700 });
    await sweepStale(root);
    dir = await mkdtemp(path.join(root, "master-"));
    const resolution = job.resolution as Resolution;
    const aspectRatio = job.aspectRatio as AspectRatio;

    let madePath: string;
    let source: "re-render" | "original";
    if (clip.provider === "local") {
      source = "re-render";
      ({ videoPath: madePath } = await renderLocalClip(
        {
          prompt: job.prompt,
          seed: job.seed,
          style: job.style as StylePreset,
          durationSeconds: job.durationSeconds,
          resolution,
          aspectRatio,
          watermark: null,
        },
        dir,
      ));
    } else {
      source = "original";
      const missing = new UserError(
        `The original file of this clip from ${clip.provider} was not kept, so no master can be made from it.`,
        409,
      );
      if (!clip.originalKey) throw missing;
      const rawPath = path.join(dir, "original.mp4");
      try {
        await deps.storage.download(clip.originalKey, rawPath);
      } catch (error) {
        if (error instanceof ObjectNotFoundError) throw missing;
        throw error;
      }
      ({ videoPath: madePath } = await finishProviderOutput(rawPath, dir, {
        ...frameSize(resolution, aspectRatio),
        durationSeconds: job.durationSeconds,
        watermark: null,
      }));
    }
    // The last step: the record and Content Credentials naming the license, without a mark.
    const { videoPath: filePath } = await sealOutput({
      dir,
      videoPath: madePath,
      posterPath: null,
      record: masterRecord(clip, job, license),
      watermark: null,
      comment: "Greenroom licensed master",
      keys: deps.provenance,
    });
    const { size } = await stat(filePath);

    await recordAudit(deps.db, auditActor(owner), {
      action: "rights.master_downloaded",
      subjectType: "license",
      subjectId: license.id,
      data: { code: license.code, clipId: clip.id, source, sizeBytes: size },
    });
    const folder = dir;
    dir = null;
    return {
      filePath,
      sizeBytes: size,
      contentType: MASTER_CONTENT_TYPE,
      downloadName: masterDownloadName(license.code),
      license,
      dispose: () => rm(folder, { recursive: true, force: true }),
    };
  } finally {
    preparing.delete(owner.id);
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
