import { constants, sign as nodeSign, type KeyObject } from "node:crypto";

// COSE_Sign1 for a C2PA claim. @contentauth/c2pa-wasm's signer is "direct COSE": the callback gets
// the claim's bytes and must return the whole tagged COSE_Sign1, exactly `reserveSize` bytes long
// (c2pa-rs pads with an unprotected "pad" header the same way). As c2pa-rs writes it for v2 claims:
//   18([ bstr(protected {1: alg, 33: x5chain}), {"pad": bstr}, null (detached), bstr(signature) ])
// with the signature over the Sig_structure ["Signature1", protected, h'', claim].

type Cbor =
  | number
  | string
  | Uint8Array
  | null
  | Cbor[]
  | Map<number | string, Cbor>
  | { tag: number; value: Cbor };

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** Deterministic CBOR, only what COSE needs. */
export function cbor(value: Cbor): Buffer {
  if (value === null) return Buffer.from([0xf6]);
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const text = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, text.length), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  if (value instanceof Map) {
    const parts: Buffer[] = [head(5, value.size)];
    for (const [k, v] of value) parts.push(cbor(k), cbor(v));
    return Buffer.concat(parts);
  }
  return Buffer.concat([head(6, value.tag), cbor(value.value)]);
}

export type C2paAlgorithm = "es256" | "es384" | "ps256" | "ed25519";
const COSE_ALGORITHM: Record<C2paAlgorithm, number> = {
  es256: -7,
  es384: -35,
  ps256: -37,
  ed25519: -8,
};

function rawSignature(algorithm: C2paAlgorithm, key: KeyObject, data: Uint8Array) {
  // COSE wants ECDSA as r‖s (IEEE P1363), not DER.
  if (algorithm === "es256") return nodeSign("sha256", data, { key, dsaEncoding: "ieee-p1363" });
  if (algorithm === "es384") return nodeSign("sha384", data, { key, dsaEncoding: "ieee-p1363" });
  if (algorithm === "ps256")
    return nodeSign("sha256", data, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  return nodeSign(null, data, key);
}

/** The room a COSE_Sign1 needs for this chain: what c2pa-wasm is told to reserve. */
export function reserveSizeFor(chainDer: Uint8Array[]) {
  return chainDer.reduce((n, cert) => n + cert.length, 0) + 1536;
}

/** COSE_Sign1 over `claim`, padded to exactly `size` bytes. */
export function coseSign1(options: {
  algorithm: C2paAlgorithm;
  key: KeyObject;
  /** Signing certificate first, then the issuers. */
  chainDer: Uint8Array[];
  claim: Uint8Array;
  size: number;
}): Buffer {
  const protectedHeader = cbor(
    new Map<number | string, Cbor>([
      [1, COSE_ALGORITHM[options.algorithm]],
      [33, options.chainDer.length === 1 ? options.chainDer[0]! : options.chainDer],
    ]),
  );
  const toBeSigned = cbor(["Signature1", protectedHeader, new Uint8Array(0), options.claim]);
  const signature = rawSignature(options.algorithm, options.key, toBeSigned);
  const build = (padding: number) =>
    cbor({
      tag: 18,
      value: [protectedHeader, new Map([["pad", new Uint8Array(padding)]]), null, signature],
    });
  // The pad's own length prefix grows at 24, 256 and 65,536 bytes: search down for an exact fit.
  const bare = build(0).length;
  for (
    let pad = Math.max(0, options.size - bare);
    pad >= Math.max(0, options.size - bare - 8);
    pad--
  ) {
    const out = build(pad);
    if (out.length === options.size) return out;
  }
  throw new Error(`A COSE signature of ${bare} bytes does not fit the ${options.size} reserved.`);
}
