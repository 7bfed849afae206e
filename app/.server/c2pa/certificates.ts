import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject,
} from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { C2paAlgorithm } from "./cose";

// Who signs Greenroom's Content Credentials. In production: a certificate from a CA on the C2PA
// trust list (C2PA_SIGNING_CERT, the chain in PEM, signing certificate first; C2PA_SIGNING_KEY, its
// key in PEM). Otherwise generated once at first start into $DATA_DIR/c2pa/, like the other
// secrets: a program CA and a signing certificate it issued. Either way the chain satisfies C2PA's
// certificate profile (c2pa-rs certificate_profile.rs): X.509 v3, not a CA, KeyUsage
// digitalSignature, an EKU of documentSigning/emailProtection, Subject and Authority Key
// Identifiers, not self-signed. See docs/decisions/0021.

export type SigningIdentity = {
  key: KeyObject;
  algorithm: C2paAlgorithm;
  /** Signing certificate first, then its issuers, as DER (the COSE x5chain). */
  chainDer: Buffer[];
  /** The last certificate of the chain: trusting it makes our own files read as Trusted. */
  trustAnchorPem: string;
  /** How our signature is recognised in a file: the signing certificate's serial and issuer. */
  certificate: { serialNumber: string; issuer: string; subject: string; fingerprint256: string };
  /** Where it came from, for the start-up log. */
  source: "environment" | "generated";
};

export type IdentityFiles = { chainPem: string; keyPem: string; caKeyPem?: string };

const der = (tag: number, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
};
const sequence = (...parts: Buffer[]) => der(0x30, ...parts);
const set = (...parts: Buffer[]) => der(0x31, ...parts);
const octets = (b: Buffer) => der(0x04, b);
const bitString = (b: Buffer, unused = 0) => der(0x03, Buffer.from([unused]), b);
const boolean = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0]));
const integer = (b: Buffer) => der(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, "utf8"));
const explicit = (n: number, inner: Buffer) => der(0xa0 + n, inner);

function oid(dotted: string) {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [a! * 40 + b!];
  for (const value of rest) {
    const bytes = [value & 0x7f];
    for (let x = value >>> 7; x > 0; x >>>= 7) bytes.unshift((x & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return der(0x06, Buffer.from(out));
}

function time(date: Date) {
  const digits = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  return date.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(digits.slice(2)))
    : der(0x18, Buffer.from(digits));
}

const ATTRIBUTES: Record<string, string> = { CN: "2.5.4.3", O: "2.5.4.10" };
const distinguishedName = (parts: [string, string][]) =>
  sequence(...parts.map(([k, v]) => set(sequence(oid(ATTRIBUTES[k]!), utf8(v)))));
const extension = (id: string, critical: boolean, value: Buffer) =>
  sequence(oid(id), ...(critical ? [boolean(true)] : []), octets(value));
const ECDSA_WITH_SHA256 = sequence(oid("1.2.840.10045.4.3.2"));

function keyIdentifier(publicKey: KeyObject) {
  return createHash("sha1")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest();
}

const KEY_USAGE = { digitalSignature: 0x80, keyCertSign: 0x04, cRLSign: 0x02 };
function keyUsage(flags: number) {
  let unused = 0;
  while (unused < 7 && !(flags & (1 << unused))) unused++;
  return bitString(Buffer.from([flags]), unused);
}

function certificate(options: {
  subject: [string, string][];
  issuer: [string, string][];
  publicKey: KeyObject;
  signWith: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}) {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, no leading zero
  const toBeSigned = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ECDSA_WITH_SHA256,
    distinguishedName(options.issuer),
    sequence(time(options.notBefore), time(options.notAfter)),
    distinguishedName(options.subject),
    options.publicKey.export({ type: "spki", format: "der" }),
    der(0xa3, sequence(...options.extensions)),
  );
  const signature = sign("sha256", toBeSigned, options.signWith); // DER ECDSA-Sig-Value
  const body = sequence(toBeSigned, ECDSA_WITH_SHA256, bitString(signature));
  const base64 = body.toString("base64").replace(/.{64}/g, "$&\n").trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

/**
 * A program CA (20 years) and a signing certificate it issued (10 years; files signed by an expired
 * certificate no longer verify offline, so it is long-lived), both ECDSA P-256.
 */
export function generateIdentityFiles(organization = "Greenroom", now = new Date()): IdentityFiles {
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const years = (n: number) => new Date(notBefore.getTime() + n * 365.25 * 86_400_000);
  const ca = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const leaf = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const caName: [string, string][] = [
    ["CN", `${organization} Content Credentials CA`],
    ["O", organization],
  ];
  const caId = keyIdentifier(ca.publicKey);
  const caPem = certificate({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signWith: ca.privateKey,
    notBefore,
    notAfter: years(20),
    extensions: [
      extension("2.5.29.19", true, sequence(boolean(true), integer(Buffer.from([0])))),
      extension("2.5.29.15", true, keyUsage(KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign)),
      extension("2.5.29.14", false, octets(caId)),
      extension("2.5.29.35", false, sequence(der(0x80, caId))),
    ],
  });
  const leafPem = certificate({
    subject: [
      ["CN", `${organization} Content Credentials`],
      ["O", organization],
    ],
    issuer: caName,
    publicKey: leaf.publicKey,
    signWith: ca.privateKey,
    notBefore,
    notAfter: years(10),
    extensions: [
      extension("2.5.29.19", true, sequence()), // not a CA
      extension("2.5.29.15", true, keyUsage(KEY_USAGE.digitalSignature)),
      // documentSigning, emailProtection
      extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.36"), oid("1.3.6.1.5.5.7.3.4"))),
      extension("2.5.29.14", false, octets(keyIdentifier(leaf.publicKey))),
      extension("2.5.29.35", false, sequence(der(0x80, caId))),
    ],
  });
  const pem = (key: KeyObject) => key.export({ type: "pkcs8", format: "pem" }) as string;
  return { chainPem: leafPem + caPem, keyPem: pem(leaf.privateKey), caKeyPem: pem(ca.privateKey) };
}

export function pemCertificates(pem: string): Buffer[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g)].map(
    (m) => Buffer.from(m[1]!.replace(/\s+/g, ""), "base64"),
  );
}

function algorithmOf(key: KeyObject): C2paAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === "ed25519") return "ed25519";
  if (type === "rsa" || type === "rsa-pss") return "ps256";
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (type === "ec" && curve === "prime256v1") return "es256";
  if (type === "ec" && curve === "secp384r1") return "es384";
  throw new Error(`C2PA signing keys must be EC P-256/P-384, Ed25519 or RSA; this one is ${type}.`);
}

/** The identity of these PEM files, checked: the key matches, and each certificate its issuer. */
export function identityFrom(files: IdentityFiles, source: SigningIdentity["source"]) {
  const chainDer = pemCertificates(files.chainPem);
  if (chainDer.length === 0) throw new Error("The C2PA certificate chain holds no certificate.");
  const chain = chainDer.map((d) => new X509Certificate(d));
  const key = createPrivateKey(files.keyPem);
  const signer = chain[0]!;
  if (!signer.checkPrivateKey(key))
    throw new Error("The C2PA signing key does not belong to the chain's first certificate.");
  if (signer.ca) throw new Error("The C2PA signing certificate must not be a CA certificate.");
  for (let i = 0; i + 1 < chain.length; i++)
    if (!chain[i]!.verify(chain[i + 1]!.publicKey))
      throw new Error(`C2PA certificate ${i + 1} is not issued by certificate ${i + 2}.`);
  const anchor = chain.at(-1)!;
  return {
    key,
    algorithm: algorithmOf(key),
    chainDer,
    trustAnchorPem: anchor.toString(),
    certificate: {
      serialNumber: signer.serialNumber.toLowerCase(),
      issuer: signer.issuer,
      subject: signer.subject,
      fingerprint256: signer.fingerprint256,
    },
    source,
  } satisfies SigningIdentity;
}

/**
 * The identity from the environment when both variables are set, else the one generated into
 * `dir` (made the first time, by whichever process gets there first: the files are written aside
 * and linked into place, which fails for a second writer, who then reads the first one's).
 */
export function loadSigningIdentity(options: {
  certPem?: string;
  keyPem?: string;
  dir: string;
}): SigningIdentity {
  if (options.certPem && options.keyPem)
    return identityFrom({ chainPem: options.certPem, keyPem: options.keyPem }, "environment");
  const file = path.join(options.dir, "identity.json");
  if (!existsSync(file)) {
    mkdirSync(options.dir, { recursive: true });
    const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(draft, JSON.stringify(generateIdentityFiles(), null, 2), { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(draft, { force: true });
    }
  }
  return identityFrom(JSON.parse(readFileSync(file, "utf8")) as IdentityFiles, "generated");
}
