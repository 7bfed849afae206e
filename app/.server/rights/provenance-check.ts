import { mkdtemp, open, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
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
import { PROVENANCE_TAG, verifyProvenanceTag } from "../generation/provenance";
import { licensesOfClip } from "./views";

// Anyone signed in may upload an MP4 and learn whether it carries our signed provenance, and if
// so what became of the clip: its approval and its licenses. The file is received into a private
// temporary folder, checked by content (never by its name or the browser's type), read with
// ffprobe, and deleted before the answer goes out, whatever happened. Nothing is written but the
// rate-limit counter.

/** The largest file the page accepts. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** Room for the multipart framing and a few small fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** A form field that is not the file: anything bigger than this is not from our page. */
const MAX_FIELD_BYTES = 8 * 1024;
const MAX_PARTS = 10;

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
const badUpload = () =>
  new UserError(
    "The upload did not arrive as a file form, or arrived incomplete. Please try again.",
    400,
    "file",
  );

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
  | { status: "tampered"; reason: string }
  | { status: "unsigned" }
  /** Signed with our key, but the clip is not in our records (never ours, or its record is gone). */
  | { status: "foreign"; clipId: string };

/**
 * Checks a file already on disk: is it an MP4 we can read, does it carry our signed provenance,
 * and what do our records say about the clip. A file that is not an MP4 or cannot be read is a
 * UserError (422); the four answers about the signature are results.
 */
export async function checkUploadedFile(
  db: Db,
  viewer: SessionUser,
  filePath: string,
  secret: string,
  now = new Date(),
): Promise<ProvenanceReport> {
  assertCan(viewer, "provenance:check");
  const { size } = await stat(filePath);
  if (size === 0) throw emptyFile();
  if (!hasMp4Signature(await readHeader(filePath))) throw notMp4();
  if (!(await boxesAreComplete(filePath, size))) throw unreadable();
  let probed;
  try {
    probed = await probe(filePath);
  } catch (error) {
    // A missing or broken ffprobe is our fault, not the file's.
    if (error instanceof MediaError && !error.message.startsWith("Could not start"))
      throw unreadable();
    throw error;
  }

  const check = verifyProvenanceTag(probed.tags[PROVENANCE_TAG], secret);
  if (check.status === "unsigned") return { status: "unsigned" };
  if (check.status === "tampered") return { status: "tampered", reason: check.reason };
  const signed = check.provenance;

  const [clip] = await db
    .select({
      id: clips.id,
      userId: clips.userId,
      deletedAt: clips.deletedAt,
      displayName: users.displayName,
      email: users.email,
    })
    .from(clips)
    .innerJoin(users, eq(users.id, clips.userId))
    .where(eq(clips.id, signed.clipId));
  if (!clip) return { status: "foreign", clipId: signed.clipId };

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

  return {
    status: "valid",
    clip: {
      id: clip.id,
      createdAt: signed.createdAt,
      provider: signed.provider,
      model: signed.model,
      promptSha256: signed.promptSha256,
      deletedFromStudio: clip.deletedAt !== null,
      durationSeconds: probed.durationSeconds,
      width: probed.width,
      height: probed.height,
    },
    master: signed.licenseCode
      ? {
          code: signed.licenseCode,
          license: licenses.find((l) => l.code === signed.licenseCode) ?? null,
        }
      : null,
    own,
    artist:
      own || viewer.role === "admin" ? { displayName: clip.displayName, email: clip.email } : null,
    approval,
    submissions: submissionsOfClip,
    licenses,
  };
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

/**
 * Receives the request's file into `dir` with streaming limits: the file part may not exceed
 * `maxBytes`, other fields are tiny, and the body as a whole is counted too (so no part, header
 * or field can grow without bound in memory). Returns the saved file's path.
 */
async function receiveUpload(request: Request, dir: string, maxBytes: number) {
  if (!request.body) throw noFile();
  const bodyLimit = maxBytes + MULTIPART_OVERHEAD_BYTES;
  let total = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > bodyLimit) controller.error(tooLarge(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  const limited = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: counted,
    duplex: "half",
  } as RequestInit);

  let saved: { path: string; size: number; named: boolean } | null = null;
  let parts = 0;
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (++parts > MAX_PARTS) throw badUpload();
    if (name === "file" && typeof filename === "string" && saved === null) {
      // Our own name: the person's file name never reaches the disk or ffprobe.
      const target = path.join(dir, "upload.mp4");
      const handle = await open(target, "wx");
      let size = 0;
      const head: number[] = [];
      try {
        for await (const chunk of data) {
          size += chunk.byteLength;
          if (size > maxBytes) throw tooLarge(maxBytes);
          // Refuse anything that is not an MP4 as soon as its first bytes show it.
          if (head.length < 8) {
            head.push(...chunk.subarray(0, 8 - head.length));
            if (head.length >= 8 && !hasMp4Signature(Uint8Array.from(head))) throw notMp4();
          }
          await handle.write(chunk);
        }
      } finally {
        await handle.close();
      }
      saved = { path: target, size, named: filename !== "" };
      return undefined;
    }
    // Anything else is read and dropped: an unread part would be buffered in memory.
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > MAX_FIELD_BYTES) throw badUpload();
    }
    return undefined;
  };

  try {
    await unstable_parseMultipartFormData(limited, handler);
  } catch (error) {
    if (error instanceof UserError) throw error;
    // Not multipart, a malformed body, or a client that went away mid-upload.
    if (
      (error instanceof TypeError && /parse content as FormData/.test(error.message)) ||
      (error instanceof Error && /^malformed multipart|^aborted$/i.test(error.message)) ||
      request.signal.aborted
    )
      throw badUpload();
    throw error;
  }
  const file = saved as { path: string; size: number; named: boolean } | null;
  // A form sent with no file chosen carries an empty part without a name.
  if (!file || (file.size === 0 && !file.named)) throw noFile();
  return file.path;
}

/**
 * The whole check for one request: counts it against the person's limit, receives the file into a
 * fresh private folder under the system's temporary directory, checks it, and removes the folder
 * afterwards whatever happened.
 */
export async function checkUploadRequest(
  db: Db,
  viewer: SessionUser,
  request: Request,
  options: { secret: string; maxBytes?: number; tmpRoot?: string; now?: Date },
): Promise<ProvenanceReport> {
  assertCan(viewer, "provenance:check");
  await hit(db, PROVENANCE_CHECK_LIMIT, viewer.id, options.now);
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  // A declared length over the limit is refused before a byte is read.
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD_BYTES)
    throw tooLarge(maxBytes);
  const dir = await mkdtemp(path.join(options.tmpRoot ?? os.tmpdir(), "greenroom-provenance-"));
  try {
    const file = await receiveUpload(request, dir, maxBytes);
    return await checkUploadedFile(db, viewer, file, options.secret, options.now);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
