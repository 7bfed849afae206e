import { X509Certificate } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  generateIdentityFiles,
  identityFrom,
  loadSigningIdentity,
  pemCertificates,
} from "~/.server/c2pa/certificates";
import { parseEnv } from "~/.server/env";

// The C2PA signing identity: generated once per DATA_DIR, or given in PEM, and always checked
// against C2PA's certificate profile before anything is signed with it.

describe("a generated signing identity", () => {
  it("is a program CA and a signing certificate that meets C2PA's profile", () => {
    const files = generateIdentityFiles();
    const [leaf, ca] = pemCertificates(files.chainPem).map((der) => new X509Certificate(der));
    expect(leaf!.ca).toBe(false);
    expect(ca!.ca).toBe(true);
    expect(leaf!.verify(ca!.publicKey)).toBe(true);
    expect(leaf!.issuer).toBe(ca!.subject);
    // documentSigning and emailProtection, as C2PA asks of a signer.
    expect(leaf!.keyUsage).toEqual(["1.3.6.1.5.5.7.3.36", "1.3.6.1.5.5.7.3.4"]);
    const years = (cert: X509Certificate) =>
      (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 86_400_000);
    expect(Math.round(years(leaf!))).toBe(10);
    expect(Math.round(years(ca!))).toBe(20);
    const identity = identityFrom(files, "generated");
    expect(identity).toMatchObject({ algorithm: "es256", source: "generated" });
    expect(identity.certificate.serialNumber).toBe(leaf!.serialNumber.toLowerCase());
    expect(identity.trustAnchorPem).toBe(ca!.toString());
  });

  it("is made once per folder, even by processes starting together", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "greenroom-identity-"));
    const serials = Array.from(
      { length: 5 },
      () => loadSigningIdentity({ dir }).certificate.serialNumber,
    );
    expect(new Set(serials).size).toBe(1);
  });
});

describe("a signing identity given in the environment", () => {
  it("is used as given, and named as the signer", () => {
    const files = generateIdentityFiles("Production Studio");
    const identity = loadSigningIdentity({
      certPem: files.chainPem,
      keyPem: files.keyPem,
      dir: "/nonexistent",
    });
    expect(identity.source).toBe("environment");
    expect(identity.certificate.subject).toContain("Production Studio");
  });

  it("is refused when the key is not the certificate's, or the certificate is a CA's", () => {
    const a = generateIdentityFiles();
    const b = generateIdentityFiles();
    expect(() => identityFrom({ chainPem: a.chainPem, keyPem: b.keyPem }, "environment")).toThrow(
      /does not belong/,
    );
    const caOnly = a.chainPem.slice(a.chainPem.indexOf("-----BEGIN", 10));
    expect(() => identityFrom({ chainPem: caOnly, keyPem: a.caKeyPem! }, "environment")).toThrow(
      /must not be a CA/,
    );
  });

  it("needs both variables or neither", () => {
    expect(() => parseEnv({ C2PA_SIGNING_CERT: "x", SESSION_SECRET: "s".repeat(32) })).toThrow(
      /go together/,
    );
  });
});
