import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { probe } from "./media";

/** The MP4 metadata tag (written with `-movflags use_metadata_tags`) that carries provenance. */
export const PROVENANCE_TAG = "greenroom_provenance";

export type Provenance = {
  clipId: string;
  accountId: string;
  provider: string;
  model: string;
  promptSha256: string;
  createdAt: string;
  /** Set on watermark-free masters: the license they were released under. */
  licenseCode?: string;
};

export type SignedProvenance = Provenance & { v: 1; hmac: string };

export type ProvenanceCheck =
  | { status: "valid"; provenance: SignedProvenance }
  | { status: "tampered"; provenance: SignedProvenance | null; reason: string }
  | { status: "unsigned" };

export function hashPrompt(prompt: string) {
  return createHash("sha256").update(prompt, "utf8").digest("hex");
}

// Fields are signed in a fixed order, so the signature does not depend on how JSON orders keys.
function canonical(p: Provenance) {
  return JSON.stringify([
    1,
    p.clipId,
    p.accountId,
    p.provider,
    p.model,
    p.promptSha256,
    p.createdAt,
    p.licenseCode ?? null,
  ]);
}

function mac(p: Provenance, secret: string) {
  return createHmac("sha256", secret).update(canonical(p)).digest("hex");
}

export function signProvenance(p: Provenance, secret: string): SignedProvenance {
  return { v: 1, ...p, hmac: mac(p, secret) };
}

/** The tag's value as written into the file. */
export function encodeProvenance(p: SignedProvenance) {
  return JSON.stringify(p);
}

/** Checks a tag value: missing is "unsigned"; unreadable or a wrong HMAC is "tampered". */
export function verifyProvenanceTag(value: string | undefined, secret: string): ProvenanceCheck {
  if (value === undefined || value === "") return { status: "unsigned" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return {
      status: "tampered",
      provenance: null,
      reason: "The provenance metadata is not readable.",
    };
  }
  const p = parsed as Partial<SignedProvenance>;
  const fields = [
    "clipId",
    "accountId",
    "provider",
    "model",
    "promptSha256",
    "createdAt",
    "hmac",
  ] as const;
  if (p.v !== 1 || fields.some((f) => typeof p[f] !== "string")) {
    return {
      status: "tampered",
      provenance: null,
      reason: "The provenance metadata is incomplete.",
    };
  }
  const signed = p as SignedProvenance;
  const expected = Buffer.from(mac(signed, secret), "hex");
  const actual = Buffer.from(signed.hmac, "hex");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return {
      status: "tampered",
      provenance: signed,
      reason: "The signature does not match: the file was changed or signed elsewhere.",
    };
  }
  return { status: "valid", provenance: signed };
}

/** Reads and checks the provenance of a video file with ffprobe. */
export async function readProvenance(file: string, secret: string): Promise<ProvenanceCheck> {
  const { tags } = await probe(file);
  return verifyProvenanceTag(tags[PROVENANCE_TAG], secret);
}
