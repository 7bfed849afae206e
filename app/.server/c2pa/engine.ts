import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { coseSign1, reserveSizeFor } from "./cose";
import type { SigningIdentity } from "./certificates";

// Runs the Content Authenticity Initiative's own C2PA implementation (c2pa-rs compiled to
// WebAssembly, @contentauth/c2pa-wasm) in a worker thread that lives for one operation. Two
// reasons: its wasm memory grows to about 3.5 times the largest file it has seen and never shrinks
// (a 200 MB upload to /provenance would keep ~700 MB for the life of the process), and a thread
// keeps a long hash off the event loop. The module is compiled once per process and handed to each
// worker, so a worker starts in milliseconds. The key never enters the worker: the builder asks
// this thread for the signature over the claim (COSE, cose.ts), so it stays in one place.

const require = createRequire(import.meta.url);
const PACKAGE_URL = pathToFileURL(require.resolve("@contentauth/c2pa-wasm")).href;
let compiled: Promise<WebAssembly.Module> | undefined;
const wasmModule = () =>
  (compiled ??= WebAssembly.compile(
    readFileSync(require.resolve("@contentauth/c2pa-wasm/c2pa.wasm")),
  ));

// The worker, as plain JavaScript (it is evaluated, so it works the same from TypeScript sources,
// tests and the production build). c2pa-wasm reads Blobs with FileReaderSync, which Node lacks:
// the worker passes a Blob stand-in over its bytes and a FileReaderSync that reads it.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { readFileSync, writeFileSync } = require("node:fs");
const BYTES = Symbol("bytes");
class BytesBlob {
  constructor(bytes, type) { this[BYTES] = bytes; this.type = type || ""; }
  get size() { return this[BYTES].byteLength; }
  slice(start = 0, end = this.size) { return new BytesBlob(this[BYTES].subarray(start, end), this.type); }
}
globalThis.FileReaderSync = class {
  readAsArrayBuffer(blob) {
    const b = blob[BYTES];
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
};
(async () => {
  const { task } = workerData;
  try {
    const c2pa = await import(workerData.packageUrl);
    c2pa.initSync({ module: workerData.module });
    if (task.op === "read") {
      const reader = await c2pa.WasmReader.fromBytes(task.format, readFileSync(task.path), task.settings);
      try {
        parentPort.postMessage({ done: { json: reader.json(), crJson: reader.crJson() } });
      } finally {
        reader.free();
      }
      return;
    }
    const pending = new Map();
    let next = 0;
    parentPort.on("message", (m) => {
      const waiting = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) waiting.reject(new Error(m.error));
      else waiting.resolve(m.signature);
    });
    const signer = {
      alg: task.algorithm,
      reserveSize: task.reserveSize,
      sign: (claim) => new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        parentPort.postMessage({ sign: { id, claim } });
      }),
    };
    const builder = c2pa.WasmBuilder.fromJson(task.manifest, task.settings);
    try {
      const out = await builder.sign(signer, [], task.format, new BytesBlob(readFileSync(task.input), task.format));
      writeFileSync(task.output, out);
      parentPort.postMessage({ done: { bytes: out.byteLength } });
    } finally {
      builder.free();
    }
  } catch (error) {
    parentPort.postMessage({ failed: String((error && error.message) || error) });
  }
})();
`;

/** c2pa-rs refused or could not read a file; its message says why (e.g. JumbfNotFound). */
export class C2paError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "C2paError";
  }
}

type Task =
  | { op: "read"; path: string; format: string; settings: string }
  | {
      op: "sign";
      input: string;
      output: string;
      format: string;
      manifest: string;
      settings: string;
      algorithm: string;
      reserveSize: number;
    };

async function inWorker<T>(task: Task, signClaim?: (claim: Uint8Array) => Buffer): Promise<T> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { packageUrl: PACKAGE_URL, module: await wasmModule(), task },
  });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
      void worker.terminate();
    };
    worker.on("message", (message: Record<string, unknown>) => {
      if (message.sign) {
        const { id, claim } = message.sign as { id: number; claim: Uint8Array };
        try {
          worker.postMessage({ id, signature: signClaim!(claim) });
        } catch (error) {
          worker.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
        }
      } else if (message.done) settle(() => resolve(message.done as T));
      else if (message.failed) settle(() => reject(new C2paError(String(message.failed))));
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) =>
      settle(() => reject(new Error(`The C2PA worker stopped (exit ${code}).`))),
    );
  });
}

/**
 * Signs `input` into `output` with a C2PA manifest (c2pa-rs adds the hard binding itself: a BMFF
 * hash for MP4, a data hash for images). Sign only after the last step that changes the bytes.
 */
export async function signWithManifest(
  identity: SigningIdentity,
  file: { input: string; output: string; format: string },
  manifest: object,
) {
  const reserveSize = reserveSizeFor(identity.chainDer);
  return inWorker<{ bytes: number }>(
    {
      op: "sign",
      ...file,
      manifest: JSON.stringify(manifest),
      // Our own check reads the file afterwards, against our trust anchor (readCredentials).
      settings: JSON.stringify({
        verify: { verify_after_sign: false, remote_manifest_fetch: false },
      }),
      algorithm: identity.algorithm,
      reserveSize,
    },
    (claim) =>
      coseSign1({
        algorithm: identity.algorithm,
        key: identity.key,
        chainDer: identity.chainDer,
        claim,
        size: reserveSize,
      }),
  );
}

/**
 * The manifest store of a file as c2pa-rs reports it (`json`: the store with its validation
 * results; `crJson`: the same with the signers' certificates), validated against `trustAnchorPem`
 * (null: no trust anchor at all, as a verifier that has never heard of us) and nothing on the
 * network. Throws C2paError when the file has none or cannot be read.
 */
export function readManifestStore(path: string, format: string, trustAnchorPem: string | null) {
  return inWorker<{ json: string; crJson: string }>({
    op: "read",
    path,
    format,
    settings: JSON.stringify({
      verify: {
        verify_after_reading: true,
        verify_trust: true,
        remote_manifest_fetch: false,
        ocsp_fetch: false,
      },
      ...(trustAnchorPem ? { trust: { user_anchors: trustAnchorPem } } : {}),
    }),
  });
}
