import { open, stat } from "node:fs/promises";
import { desc, eq, sql } from "drizzle-orm";
import { LICENSE_STATUS_LABELS, termsInWords, type LicenseStatus } from "~/lib/rights";
import { can } from "~/lib/permissions";
import type { IntendedUse, SubmissionState } from "~/lib/review";
import { clips, reviewDecisions, submissions, submissionVersions, users } from "~db/schema";
import { hit, type Limit } from "../auth/rate-limit";
import { assertCan } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db } from "../db";
import { UserError } from "../errors";
import { MediaError, probe } from "../generation/media";
import {
  PROVENANCE_TAG,
  verifyProvenanceTag,
  videoStreamHash,
  type ProvenanceCheck,
  type ProvenanceKeys,
  type SignedProvenance,
} from "../generation/provenance";
import {
  CONTENT_CHANGED,
  readContentCredentials,
  type ContentCredentials,
} from "../c2pa/credentials";
import { actionPhrase, actionsSentence } from "~/lib/content-credentials";
import { licensesOfClip } from "./views";

// Anyone signed in may upload an MP4 and learn whether it carries our signed provenance, and if
// so what became of the clip: its approval and its licenses. The file is received into a private
// temporary folder, checked by content (never by its name or the browser's type), read with
// ffprobe, and deleted before the answer goes out, whatever happened. Nothing is written but the
// rate-limit counter.

/** The largest file the page accepts. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** Each check runs ffprobe on up to 200 MB: enough for real use, not for a loop. */
export const PROVENANCE_CHECK_LIMIT: Limit = {
  bucket: "provenance:check",
  max: 30,
  windowSeconds: 10 * 60,
};

export function formatMegabytes(bytes: number) {
  return `${Math.floor(bytes / (1024 * 1024))} MB`;
}

const tooLarge = (maxBytes: number) =>
  new UserError(
    `The file is larger than ${formatMegabytes(maxBytes)}, the most this page accepts.`,
    413,
    "file",
  );
const notMp4 = () =>
  new UserError(
    "This is not an MP4 file. Only MP4 videos can be checked, whatever the file is called.",
    422,
    "file",
  );
const unreadable = () =>
  new UserError(
    "This file is not a video we can read. It may be cut short or damaged.",
    422,
    "file",
  );
const noFile = () => new UserError("Choose an MP4 file to check.", 400, "file");
const emptyFile = () =>
  new UserError("The file is empty. Choose an MP4 video to check.", 422, "file");

/** An MP4 (ISO base media) file opens with its 'ftyp' box: the type is at bytes 4–8. */
export function hasMp4Signature(header: Uint8Array) {
  return (
    header.length >= 8 &&
    header[4] === 0x66 && // f
    header[5] === 0x74 && // t
    header[6] === 0x79 && // y
    header[7] === 0x70 // p
  );
}

/**
 * Walks the top-level boxes. Our clips keep their metadata at the front (faststart), so ffprobe
 * happily reads the first few kilobytes of a file that was cut short; a box that claims to run
 * past the end of the file is how truncation shows.
 */
async function boxesAreComplete(file: string, size: number) {
  const handle = await open(file, "r");
  try {
    const header = Buffer.alloc(16);
    let offset = 0;
    for (let boxes = 0; offset < size; boxes++) {
      if (boxes > 100_000) return false;
      // A few stray bytes at the end cannot hold a box; tools that pad files leave them.
      if (size - offset < 8) return true;
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      let boxSize = header.readUInt32BE(0);
      if (boxSize === 1) {
        if (bytesRead < 16) return false;
        const large = header.readBigUInt64BE(8);
        if (large < 16n || large > BigInt(Number.MAX_SAFE_INTEGER)) return false;
        boxSize = Number(large);
      } else if (boxSize === 0) {
        boxSize = size - offset; // "to the end of the file"
      } else if (boxSize < 8) {
        return false;
      }
      if (offset + boxSize > size) return false;
      offset += boxSize;
    }
    return true;
  } finally {
    await handle.close();
  }
}

async function readHeader(file: string) {
  const handle = await open(file, "r");
  try {
    const header = Buffer.alloc(12);
    const { bytesRead } = await handle.read(header, 0, 12, 0);
    return header.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Where a submission that includes the clip stands, as far as this clip is concerned. */
export type ClipApprovalState = SubmissionState | "superseded";
export type ApprovalSummary = ClipApprovalState | "never_submitted";

// The most telling state first: one approval outweighs an older rejection.
const SUMMARY_ORDER: ClipApprovalState[] = [
  "approved",
  "in_review",
  "pending",
  "changes_requested",
  "superseded",
  "rejected",
  "withdrawn",
];

export type ProvenanceLicense = {
  code: string;
  status: LicenseStatus;
  statusLabel: string;
  scope: string;
  creditLine: string;
  grantedAt: Date;
  revokedAt: Date | null;
};

export type ProvenanceSubmission = {
  /** Only for people who may open the submission: its owner and the review side. */
  title: string | null;
  link: string | null;
  state: ClipApprovalState;
  intendedUse: IntendedUse;
  version: number;
  currentVersion: number;
  approvals: number;
  approvalsNeeded: number;
  decidedAt: Date | null;
};

export type ValidReport = {
  status: "valid";
  clip: {
    id: string;
    /** When it was made, as signed into the file. */
    createdAt: string;
    provider: string;
    model: string;
    promptSha256: string;
    /** The artist deleted it from their studio; the program keeps the record. */
    deletedFromStudio: boolean;
    durationSeconds: number;
    width: number;
    height: number;
  };
  /**
   * "signed": C2PA Content Credentials and the record, both intact. "repackaged": the credentials
   * were dropped by a remux that kept the coded video (and our record) exactly as signed.
   */
  credentials: "signed" | "repackaged";
  /** Set when the file is a watermark-free master released under a license. */
  master: { code: string; license: ProvenanceLicense | null } | null;
  /** The viewer's own clip. */
  own: boolean;
  /** Display name and email: only for admins and for the artist themself. */
  artist: { displayName: string; email: string } | null;
  approval: ApprovalSummary;
  submissions: ProvenanceSubmission[];
  licenses: ProvenanceLicense[];
};

export type ProvenanceReport =
  | ValidReport
  /** Signed by Greenroom, then changed: the bytes no longer match what was signed. */
  | { status: "altered"; clipId: string | null; reason: string }
  /** Claims to be Greenroom's, but Greenroom did not sign it (another key, a broken signature). */
  | { status: "forged"; clipId: string | null; reason: string; signer: string | null }
  /** Greenroom's record, copied onto another video. */
  | { status: "grafted"; clipId: string }
  /** Content Credentials from someone else: who made them, and what they say was done. */
  | {
      status: "other";
      generator: string;
      signer: string | null;
      /** The credentials still match the file (c2pa-rs found no failure). */
      intact: boolean;
      actions: string;
      aiGenerated: boolean;
    }
  /** Greenroom's older record, from before outputs were signed over their pixels. */
  | { status: "legacy"; clipId: string }
  | { status: "unsigned" }
  /** Signed with our key, but the clip is not in our records (never ours, or its record is gone). */
  | { status: "foreign"; clipId: string };

/**
 * Checks a file already on disk: is it an MP4 we can read, what its Content Credentials and our
 * record say, whether they still match the file's bytes, and what our records say about the clip.
 * A file that is not an MP4 or cannot be read is a UserError (422); every verdict is a result.
 */
export async function checkUploadedFile(
  db: Db,
  viewer: SessionUser,
  filePath: string,
  keys: ProvenanceKeys,
  now = new Date(),
): Promise<ProvenanceReport> {
  assertCan(viewer, "provenance:check");
  const { size } = await stat(filePath);
  if (size === 0) throw emptyFile();
  if (!hasMp4Signature(await readHeader(filePath))) throw notMp4();
  if (!(await boxesAreComplete(filePath, size))) throw unreadable();
  let probed;
  let videoSha256;
  try {
    [probed, videoSha256] = await Promise.all([probe(filePath), videoStreamHash(filePath)]);
  } catch (error) {
    // A missing or broken ffmpeg is our fault, not the file's.
    if (error instanceof MediaError && !error.message.startsWith("Could not start"))
      throw unreadable();
    throw error;
  }
  const [credentials, record] = await Promise.all([
    readContentCredentials(filePath, "video/mp4", keys.identity),
    Promise.resolve(verifyProvenanceTag(probed.tags[PROVENANCE_TAG], keys.secret, videoSha256)),
  ]);

  const verdict = verdictOf(credentials, record);
  if (verdict.status !== "ours") return verdict;
  const report = await clipReport(db, viewer, verdict.clipId, now);
  if (!report) return { status: "foreign", clipId: verdict.clipId };
  // Intact credentials on a file whose picture or length is not the clip's cannot happen by
  // accident: say so rather than vouch for it.
  const clip = report.clipRow;
  if (
    clip.width !== probed.width ||
    clip.height !== probed.height ||
    Math.abs(clip.durationSeconds - probed.durationSeconds) > 0.1
  )
    return {
      status: "altered",
      clipId: clip.id,
      reason: `Its picture is ${probed.width}×${probed.height} and ${probed.durationSeconds.toFixed(1)} s long, but the clip is ${clip.width}×${clip.height} and ${clip.durationSeconds.toFixed(1)} s.`,
    };
  const signed = verdict.record;
  return {
    ...report.valid,
    credentials: verdict.credentials,
    clip: {
      ...report.valid.clip,
      createdAt: signed?.createdAt ?? report.valid.clip.createdAt,
      promptSha256: signed?.promptSha256 ?? report.valid.clip.promptSha256,
      durationSeconds: probed.durationSeconds,
      width: probed.width,
      height: probed.height,
    },
    master: verdict.licenseCode
      ? {
          code: verdict.licenseCode,
          license: report.valid.licenses.find((l) => l.code === verdict.licenseCode) ?? null,
        }
      : null,
  };
}

type Ours = {
  status: "ours";
  clipId: string;
  licenseCode: string | null;
  record: SignedProvenance | null;
  credentials: "signed" | "repackaged";
};

/**
 * What the file's Content Credentials and our record, taken together, say it is. Ours only when a
 * signature of ours vouches for these very bytes: our C2PA manifest intact, or (when a remux dropped
 * it) our record bound to this coded video.
 */
function verdictOf(
  credentials: ContentCredentials,
  record: ProvenanceCheck,
): Ours | Exclude<ProvenanceReport, ValidReport> {
  if (credentials.present) {
    const clipId = credentials.clip?.clipId ?? null;
    if (credentials.ours) {
      if (credentials.failures.some((f) => CONTENT_CHANGED.includes(f)))
        return {
          status: "altered",
          clipId,
          reason:
            "Its bytes no longer match the Content Credentials Greenroom signed: the picture or the file was changed after signing.",
        };
      if (credentials.failures.length > 0 || !clipId)
        return {
          status: "forged",
          clipId,
          signer: credentials.signer?.subject ?? null,
          reason: `Greenroom's signature is there, but what it covers was edited (${credentials.failures.join(", ") || "no clip named"}).`,
        };
      return {
        status: "ours",
        clipId,
        licenseCode: credentials.clip?.licenseCode ?? null,
        record: record.status === "valid" ? record.provenance : null,
        credentials: "signed",
      };
    }
    if (credentials.clip)
      return {
        status: "forged",
        clipId,
        signer: credentials.signer?.subject ?? null,
        reason: credentials.failures.includes("claimSignature.mismatch")
          ? "Its Content Credentials carry Greenroom's certificate, but the signature was not made with Greenroom's key."
          : "Its Content Credentials name a Greenroom clip, but they were signed by someone else, not by Greenroom.",
      };
    return {
      status: "other",
      generator: credentials.claimGenerator,
      signer: credentials.signer?.subject ?? null,
      // Whether they match the file; who signed them is a separate question (trust lists).
      intact: credentials.failures.every((f) => f.startsWith("signingCredential.")),
      actions: actionsSentence(credentials.actions),
      aiGenerated: credentials.actions.some((a) =>
        actionPhrase(a).startsWith("generated by an AI"),
      ),
    };
  }
  if (record.status === "valid")
    return {
      status: "ours",
      clipId: record.provenance.clipId,
      licenseCode: record.provenance.licenseCode ?? null,
      record: record.provenance,
      credentials: "repackaged",
    };
  if (record.status === "grafted") return { status: "grafted", clipId: record.provenance.clipId };
  if (record.status === "legacy") return { status: "legacy", clipId: record.provenance.clipId };
  if (record.status === "tampered")
    return { status: "forged", clipId: null, signer: null, reason: record.reason };
  return { status: "unsigned" };
}

/** What our records say about a clip, for the viewer; null when it is not in our records. */
async function clipReport(db: Db, viewer: SessionUser, clipId: string, now: Date) {
  const [clip] = await db
    .select({
      id: clips.id,
      userId: clips.userId,
      deletedAt: clips.deletedAt,
      provider: clips.provider,
      model: clips.model,
      createdAt: clips.createdAt,
      durationSeconds: clips.durationSeconds,
      width: clips.width,
      height: clips.height,
      provenance: clips.provenance,
      displayName: users.displayName,
      email: users.email,
    })
    .from(clips)
    .innerJoin(users, eq(users.id, clips.userId))
    .where(eq(clips.id, clipId));
  if (!clip) return null;

  const own = clip.userId === viewer.id;
  const licenses = (await licensesOfClip(db, [clip.id], now)).map((l): ProvenanceLicense => ({
    code: l.code,
    status: l.status,
    statusLabel: LICENSE_STATUS_LABELS[l.status],
    scope: termsInWords(l),
    creditLine: l.creditLine,
    grantedAt: l.grantedAt,
    revokedAt: l.revokedAt,
  }));
  licenses.sort((a, b) => b.grantedAt.getTime() - a.grantedAt.getTime());
  const submissionsOfClip = await clipSubmissions(db, viewer, clip.id, own, now);
  const states = new Set(submissionsOfClip.map((s) => s.state));
  const approval: ApprovalSummary =
    SUMMARY_ORDER.find((state) => states.has(state)) ?? "never_submitted";
  const stored = (clip.provenance ?? {}) as Partial<SignedProvenance>;
  const valid: ValidReport = {
    status: "valid",
    credentials: "signed",
    clip: {
      id: clip.id,
      createdAt: stored.createdAt ?? clip.createdAt.toISOString(),
      provider: clip.provider,
      model: clip.model,
      promptSha256: stored.promptSha256 ?? "",
      deletedFromStudio: clip.deletedAt !== null,
      durationSeconds: clip.durationSeconds,
      width: clip.width,
      height: clip.height,
    },
    master: null,
    own,
    artist:
      own || viewer.role === "admin" ? { displayName: clip.displayName, email: clip.email } : null,
    approval,
    submissions: submissionsOfClip,
    licenses,
  };
  return { valid, clipRow: clip };
}

/** Every submission that includes the clip as one of its versions. */
async function clipSubmissions(
  db: Db,
  viewer: SessionUser,
  clipId: string,
  own: boolean,
  now: Date,
): Promise<ProvenanceSubmission[]> {
  const rows = await db
    .select({
      id: submissions.id,
      title: submissions.title,
      state: submissions.state,
      claimExpiresAt: submissions.claimExpiresAt,
      intendedUse: submissions.intendedUse,
      currentVersion: submissions.currentVersion,
      approvalsNeeded: submissions.approvalsNeeded,
      decidedAt: submissions.decidedAt,
      version: submissionVersions.number,
      versionDecidedAt: submissionVersions.decidedAt,
      approvals: sql<number>`(select count(*)::int from ${reviewDecisions} where ${reviewDecisions.submissionId} = ${submissions.id} and ${reviewDecisions.versionNumber} = ${submissionVersions.number} and ${reviewDecisions.decision} = 'approve')`,
    })
    .from(submissionVersions)
    .innerJoin(submissions, eq(submissions.id, submissionVersions.submissionId))
    .where(eq(submissionVersions.clipId, clipId))
    .orderBy(desc(submissions.createdAt), desc(submissionVersions.number));
  const reviewing = can(viewer.role, "review:work");
  return rows.map((r) => {
    const current = r.version === r.currentVersion;
    // "In review" only while a reviewer holds it, as the artist's own pages say.
    const held = r.claimExpiresAt !== null && r.claimExpiresAt > now;
    const state: ClipApprovalState = !current
      ? "superseded"
      : r.state === "in_review" && !held
        ? "pending"
        : r.state;
    return {
      title: own || reviewing ? r.title : null,
      link: own ? `/submissions/${r.id}` : reviewing ? `/review/${r.id}` : null,
      state,
      intendedUse: r.intendedUse,
      version: r.version,
      currentVersion: r.currentVersion,
      approvals: Number(r.approvals),
      approvalsNeeded: r.approvalsNeeded,
      decidedAt: current ? r.decidedAt : r.versionDecidedAt,
    };
  });
}

/** Counts one check against the person's limit (each reads up to 200 MB through ffprobe). */
export async function beginProvenanceCheck(db: Db, viewer: SessionUser, now?: Date) {
  assertCan(viewer, "provenance:check");
  await hit(db, PROVENANCE_CHECK_LIMIT, viewer.id, now);
}

/** How the upload of a file to check is received (app/.server/uploads.ts). */
export function provenanceUpload(options: { maxBytes?: number; tmpRoot?: string } = {}) {
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  return {
    field: "file",
    maxBytes,
    tooLarge: () => tooLarge(maxBytes),
    noFile,
    // Anything that is not an MP4 is refused as soon as its first bytes show it.
    firstBytes: {
      count: 8,
      refuse: (head: Uint8Array) => (hasMp4Signature(head) ? null : notMp4()),
    },
    tmpRoot: options.tmpRoot,
    prefix: "greenroom-provenance-",
  };
}
