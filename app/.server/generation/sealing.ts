import path from "node:path";
import { readContentCredentials } from "../c2pa/credentials";
import { signWithManifest } from "../c2pa/engine";
import { outputManifest } from "../c2pa/manifest";
import { runFfmpeg } from "./media";
import {
  accountRefFor,
  encodeProvenance,
  PROVENANCE_TAG,
  signProvenance,
  videoStreamHash,
  type Provenance,
  type ProvenanceKeys,
  type SignedProvenance,
} from "./provenance";

// Sealing is the last thing that happens to an output's bytes, after the watermark and the fit:
// (1) hash the coded video, (2) sign Greenroom's record with that hash (HMAC), (3) remux the record
// into the MP4's metadata (a copy of the streams, no re-encode) with the index at the front, (4) sign
// C2PA Content Credentials over the final bytes (c2pa-rs binds them with a BMFF hash), and the
// poster's too, then (5) read the video back as any verifier would and refuse to go on unless it
// checks out as ours. Nothing may touch the files afterwards.

export type SealRequest = {
  /** The try's scratch folder: sealed files are written there. */
  dir: string;
  videoPath: string;
  /** The poster still (JPEG), signed too; null for a master (a single download). */
  posterPath: string | null;
  record: Omit<Provenance, "videoSha256" | "accountRef"> & { accountId: string };
  /** The visible mark burned in, or null for a watermark-free master. */
  watermark: string | null;
  /** Recorded as metadata beside the record, e.g. "Greenroom output". */
  comment: string;
  keys: ProvenanceKeys;
};

export type Sealed = { videoPath: string; posterPath: string | null; provenance: SignedProvenance };

/** Our own output failed our own check after signing: a bug or a misconfiguration, never the artist's. */
export class SealingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealingError";
  }
}

export async function sealOutput(request: SealRequest): Promise<Sealed> {
  const { keys, record } = request;
  const { accountId, ...fields } = record;
  const provenance = signProvenance(
    {
      ...fields,
      accountRef: accountRefFor(accountId, keys.secret),
      videoSha256: await videoStreamHash(request.videoPath),
    },
    keys.secret,
  );
  const recorded = path.join(request.dir, "sealing.mp4");
  await runFfmpeg([
    "-y",
    "-i",
    request.videoPath,
    "-map",
    "0",
    "-c",
    "copy",
    "-movflags",
    "+faststart+use_metadata_tags",
    "-metadata",
    `comment=${request.comment}`,
    "-metadata",
    `${PROVENANCE_TAG}=${encodeProvenance(provenance)}`,
    recorded,
  ]);

  const credentials = {
    clipId: record.clipId,
    accountRef: provenance.accountRef,
    provider: record.provider,
    model: record.model,
    createdAt: record.createdAt,
    watermark: request.watermark,
    licenseCode: record.licenseCode,
  };
  const videoPath = path.join(request.dir, "sealed.mp4");
  await signWithManifest(
    keys.identity,
    { input: recorded, output: videoPath, format: "video/mp4" },
    outputManifest(credentials, { title: `${record.clipId}.mp4`, format: "video/mp4" }),
  );
  let posterPath: string | null = null;
  if (request.posterPath) {
    posterPath = path.join(request.dir, "sealed-poster.jpg");
    await signWithManifest(
      keys.identity,
      { input: request.posterPath, output: posterPath, format: "image/jpeg" },
      outputManifest(credentials, { title: `${record.clipId}.jpg`, format: "image/jpeg" }),
    );
  }

  const check = await readContentCredentials(videoPath, "video/mp4", keys.identity);
  if (!check.present || !check.ours || check.failures.length > 0)
    throw new SealingError(
      `The signed output does not verify as ours (${check.present ? check.failures.join(", ") || check.state : "no manifest"}).`,
    );
  return { videoPath, posterPath, provenance };
}
