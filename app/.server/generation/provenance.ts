import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { SigningIdentity } from "../c2pa/certificates";
import { probe, runFfmpegCapture } from "./media";

// Greenroom's own provenance record, in every output's MP4 metadata beside the C2PA Content
// Credentials: the clip, the account (pseudonymously), the provider and model, a hash of the
// prompt, when, a master's license, and a SHA-256 of the coded video itself, all under an HMAC
// with PROVENANCE_SECRET. The video hash binds the record to the pixels: copied onto any other
// video (remuxing keeps the metadata, never the coded frames) it no longer matches. See
// docs/decisions/0021.

/** The MP4 metadata tag (written with `-movflags use_metadata_tags`) that carries the record. */
export const PROVENANCE_TAG = "greenroom_provenance";

/** What signs an output: the record's HMAC secret and the C2PA signing identity. */
export type ProvenanceKeys = { secret: string; identity: SigningIdentity };

export type Provenance = {
  clipId: string;
  /** An HMAC of the account id (accountRefFor): the account stays private outside Greenroom. */
  accountRef: string;
  provider: string;
  model: string;
  promptSha256: string;
  createdAt: string;
  /** Set on watermark-free masters: the license they were released under. */
  licenseCode?: string;
  /** SHA-256 of the video stream's coded packets (videoStreamHash). */
  videoSha256: string;
};

export type SignedProvenance = Provenance & { v: 2; hmac: string };

/** A record written before records were bound to the video (it names the account's id). */
export type LegacyProvenance = {
  v: 1;
  clipId: string;
  accountId: string;
  provider: string;
  model: string;
  promptSha256: string;
  createdAt: string;
  licenseCode?: string;
  hmac: string;
};

export type ProvenanceCheck =
  | { status: "valid"; provenance: SignedProvenance }
  /** Signed by us, but for another video: the metadata was copied onto this one. */
  | { status: "grafted"; provenance: SignedProvenance }
  /** Signed by us before records were bound to the video: it proves nothing about the pixels. */
  | { status: "legacy"; provenance: LegacyProvenance }
  | { status: "tampered"; reason: string }
  | { status: "unsigned" };

export function hashPrompt(prompt: string) {
  return createHash("sha256").update(prompt, "utf8").digest("hex");
}

/** The pseudonymous account reference outputs carry: the same account, the same reference. */
export function accountRefFor(accountId: string, secret: string) {
  return createHmac("sha256", secret)
    .update(`greenroom account reference:${accountId}`)
    .digest("hex")
    .slice(0, 32);
}

// Fields are signed in a fixed order, so the signature does not depend on how JSON orders keys.
function mac(p: Provenance, secret: string) {
  const fields = [
    2,
    p.clipId,
    p.accountRef,
    p.provider,
    p.model,
    p.promptSha256,
    p.createdAt,
    p.licenseCode ?? null,
    p.videoSha256,
  ];
  return createHmac("sha256", secret).update(JSON.stringify(fields)).digest("hex");
}

function legacyMac(p: LegacyProvenance, secret: string) {
  const fields = [
    1,
    p.clipId,
    p.accountId,
    p.provider,
    p.model,
    p.promptSha256,
    p.createdAt,
    p.licenseCode ?? null,
  ];
  return createHmac("sha256", secret).update(JSON.stringify(fields)).digest("hex");
}

export function signProvenance(p: Provenance, secret: string): SignedProvenance {
  return { v: 2, ...p, hmac: mac(p, secret) };
}

/** The tag's value as written into the file. */
export function encodeProvenance(p: SignedProvenance) {
  return JSON.stringify(p);
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
};

const STRING_FIELDS = ["clipId", "provider", "model", "promptSha256", "createdAt", "hmac"] as const;

/**
 * Checks a tag's value and, for a current record, that it belongs to this video (`videoSha256`
 * of the file it came from, computed by the caller). Missing is "unsigned"; unreadable or a wrong
 * HMAC is "tampered".
 */
export function verifyProvenanceTag(
  value: string | undefined,
  secret: string,
  videoSha256?: string,
): ProvenanceCheck {
  if (value === undefined || value === "") return { status: "unsigned" };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(value) as Record<string, unknown>;
  } catch {
    return { status: "tampered", reason: "The provenance record is not readable." };
  }
  const complete =
    parsed &&
    typeof parsed === "object" &&
    STRING_FIELDS.every((f) => typeof parsed[f] === "string");
  if (complete && parsed.v === 1 && typeof parsed.accountId === "string") {
    const legacy = parsed as unknown as LegacyProvenance;
    return same(legacyMac(legacy, secret), legacy.hmac)
      ? { status: "legacy", provenance: legacy }
      : { status: "tampered", reason: "The provenance record's signature does not match." };
  }
  if (
    !complete ||
    parsed.v !== 2 ||
    typeof parsed.accountRef !== "string" ||
    typeof parsed.videoSha256 !== "string"
  )
    return { status: "tampered", reason: "The provenance record is incomplete." };
  const signed = parsed as unknown as SignedProvenance;
  if (!same(mac(signed, secret), signed.hmac))
    return { status: "tampered", reason: "The provenance record's signature does not match." };
  if (videoSha256 !== undefined && signed.videoSha256 !== videoSha256)
    return { status: "grafted", provenance: signed };
  return { status: "valid", provenance: signed };
}

/**
 * SHA-256 of a file's first video stream as coded (its packets, without the container): the same
 * for any remux of the file, different for any other video or any change to the frames.
 */
export async function videoStreamHash(file: string) {
  const out = await runFfmpegCapture([
    "-v",
    "error",
    "-i",
    file,
    "-map",
    "0:v:0",
    "-c",
    "copy",
    "-f",
    "hash",
    "-hash",
    "sha256",
    "-",
  ]);
  const match = /SHA256=([0-9a-f]{64})/.exec(out);
  if (!match) throw new Error("ffmpeg did not give the video's hash.");
  return match[1]!;
}

/** Reads and checks the record of a video file, bound to the video it is in. */
export async function readProvenance(file: string, secret: string): Promise<ProvenanceCheck> {
  const [{ tags }, videoSha256] = await Promise.all([probe(file), videoStreamHash(file)]);
  return verifyProvenanceTag(tags[PROVENANCE_TAG], secret, videoSha256);
}
