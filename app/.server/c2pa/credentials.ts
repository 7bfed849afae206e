import type { SigningIdentity } from "./certificates";
import { C2paError, readManifestStore } from "./engine";
import { CLIP_ASSERTION } from "./manifest";

// Reads the Content Credentials of any file and says what they are: whose (ours, recognised by
// our signing certificate; or another producer's), intact or not (c2pa-rs's validation codes), and
// what the manifest says was done (its actions). Nothing here decides what the page says; the
// provenance check does (rights/provenance-check.ts).

export type CredentialAction = {
  action: string;
  digitalSourceType?: string;
  softwareAgent?: string;
  description?: string;
};

export type ContentCredentials =
  | { present: false; unreadable: boolean }
  | {
      present: true;
      /** c2pa-rs's verdict: Trusted (chains to our anchor), Valid (intact, signer not trusted), Invalid. */
      state: "Trusted" | "Valid" | "Invalid";
      /**
       * Signed with our signing certificate, chaining to our trust anchor, and the signature over
       * the claim holds: whatever happened to the bytes since, this manifest is ours.
       */
      ours: boolean;
      /** c2pa-rs's failure codes for the active manifest, e.g. assertion.bmffHash.mismatch. */
      failures: string[];
      /** Who made the manifest, as it names itself ("Adobe Firefly 2.3"). */
      claimGenerator: string;
      actions: CredentialAction[];
      /** Our own assertion, when the manifest carries one (whoever signed it). */
      clip: { clipId?: string; accountRef?: string; licenseCode?: string } | null;
      signer: { issuer: string; subject: string; serialNumber: string } | null;
    };

/** Failures meaning the bytes are not the ones that were signed. */
export const CONTENT_CHANGED = [
  "assertion.bmffHash.mismatch",
  "assertion.dataHash.mismatch",
  "assertion.boxesHash.mismatch",
  "assertion.collectionHash.mismatch",
];
/** The signature itself, or what it covers, does not check out. */
export const SIGNATURE_BROKEN = [
  "claimSignature.mismatch",
  "assertion.hashedURI.mismatch",
  "assertion.missing",
  "claim.missing",
];
/** Informational: c2pa-rs could not reach a trust list or OCSP (never fetched here). */
const NOT_A_FAILURE = new Set(["signingCredential.ocsp.skipped"]);

type Named = Record<string, unknown>;
const text = (v: unknown) => (typeof v === "string" ? v : undefined);
const names = (dn: unknown) =>
  dn && typeof dn === "object"
    ? Object.entries(dn as Named)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(", ")
    : "";

function generatorOf(manifest: Named) {
  const info = manifest.claim_generator_info;
  if (Array.isArray(info) && info.length > 0) {
    const first = info[0] as Named;
    return [text(first.name), text(first.version)].filter(Boolean).join(" ");
  }
  return text(manifest.claim_generator) ?? "an unnamed program";
}

function actionsOf(manifest: Named): CredentialAction[] {
  const assertions = (manifest.assertions as Named[] | undefined) ?? [];
  const found = assertions.find((a) => a.label === "c2pa.actions.v2" || a.label === "c2pa.actions");
  const list = ((found?.data as Named | undefined)?.actions as Named[] | undefined) ?? [];
  return list.map((a) => {
    const agent = a.softwareAgent;
    return {
      action: String(a.action),
      digitalSourceType: text(a.digitalSourceType),
      softwareAgent:
        text(agent) ??
        (agent && typeof agent === "object" ? text((agent as Named).name) : undefined),
      description: text(a.description),
    };
  });
}

function clipData(data: unknown) {
  const d = (data ?? {}) as Named;
  return {
    clipId: text(d.clipId),
    accountRef: text(d.accountRef),
    licenseCode: text(d.licenseCode),
  };
}

/** The Content Credentials of the file at `path` (a `format` MIME type), read by c2pa-rs. */
export async function readContentCredentials(
  path: string,
  format: string,
  identity: SigningIdentity,
): Promise<ContentCredentials> {
  let read: { json: string; crJson: string };
  try {
    read = await readManifestStore(path, format, identity.trustAnchorPem);
  } catch (error) {
    if (!(error instanceof C2paError)) throw error;
    // No manifest at all (JumbfNotFound), or a file c2pa-rs cannot parse.
    return { present: false, unreadable: !/JumbfNotFound|ProvenanceMissing/.test(error.message) };
  }
  const store = JSON.parse(read.json) as Named;
  const cr = JSON.parse(read.crJson) as Named;
  const label = String(store.active_manifest);
  const manifest = ((store.manifests as Named)?.[label] ?? {}) as Named;
  const results = ((store.validation_results as Named)?.activeManifest ?? {}) as Named;
  const failures = ((results.failure as Named[] | undefined) ?? [])
    .map((s) => String(s.code))
    .filter((code) => !NOT_A_FAILURE.has(code));
  const crManifest = ((cr.manifests as Named[] | undefined) ?? []).find((m) => m.label === label);
  const certificate = ((crManifest?.signature as Named | undefined)?.certificateInfo ??
    null) as Named | null;
  const signer = certificate
    ? {
        issuer: names(certificate.issuer),
        subject: names(certificate.subject),
        serialNumber: String(certificate.serialNumber ?? "").toLowerCase(),
      }
    : null;
  const state = store.validation_state as "Trusted" | "Valid" | "Invalid";
  const passed = new Set(
    ((results.success as Named[] | undefined) ?? []).map((s) => String(s.code)),
  );
  const clipAssertion = ((manifest.assertions as Named[] | undefined) ?? []).find(
    (a) => a.label === CLIP_ASSERTION,
  );
  return {
    present: true,
    state,
    ours:
      signer?.serialNumber === identity.certificate.serialNumber &&
      passed.has("signingCredential.trusted") &&
      passed.has("claimSignature.validated") &&
      !failures.includes("claimSignature.mismatch"),
    failures,
    claimGenerator: generatorOf(manifest),
    actions: actionsOf(manifest),
    clip: clipAssertion ? clipData(clipAssertion.data) : null,
    signer,
  };
}
