import { open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SigningIdentity } from "~/.server/c2pa/certificates";
import { readManifestStore, signWithManifest } from "~/.server/c2pa/engine";
import { runFfmpeg } from "~/.server/generation/media";
import { watermarkText } from "~/.server/generation/outputs";
import { hashPrompt, type ProvenanceKeys } from "~/.server/generation/provenance";
import {
  renderLocalClip,
  type LocalRenderInput,
} from "~/.server/generation/providers/local-renderer";
import { sealOutput } from "~/.server/generation/sealing";
import { testProvenance } from "./factories";

// Outputs made the way the runner makes them (rendered, then sealed), and the copies an attacker
// would make of them: a byte flipped in the picture, the record grafted onto another video, a
// re-encode, credentials signed with another key.

export const CLIP_SCENE = {
  prompt: "A lighthouse at dusk, waves folding into spirals of light",
  seed: 4211,
  style: "none",
  durationSeconds: 2,
  resolution: "480p",
  aspectRatio: "16:9",
} as const satisfies Omit<LocalRenderInput, "watermark">;

/** Renders a local clip into `dir` and seals it as the runner would. */
export async function renderAndSeal(options: {
  dir: string;
  clipId: string;
  accountId: string;
  scene?: Omit<LocalRenderInput, "watermark">;
  /** Null for a licensed master (no mark). */
  watermark?: string | null;
  licenseCode?: string;
  keys?: ProvenanceKeys;
  createdAt?: string;
}) {
  const scene = options.scene ?? CLIP_SCENE;
  const watermark =
    options.watermark === undefined ? watermarkText(options.clipId) : options.watermark;
  const rendered = await renderLocalClip({ ...scene, watermark }, options.dir);
  const sealed = await sealOutput({
    dir: options.dir,
    videoPath: rendered.videoPath,
    posterPath: watermark === null ? null : rendered.posterPath,
    record: {
      clipId: options.clipId,
      accountId: options.accountId,
      provider: "local",
      model: "greenroom-stand-in-v1",
      promptSha256: hashPrompt(scene.prompt),
      createdAt: options.createdAt ?? new Date().toISOString(),
      licenseCode: options.licenseCode,
    },
    watermark,
    comment: "Greenroom stand-in renderer (not the model)",
    keys: options.keys ?? testProvenance,
  });
  return { ...sealed, probe: rendered.probe, unsealedPath: rendered.videoPath };
}

/** The top-level MP4 boxes: where each starts and how long it is. */
export async function mp4Boxes(file: string) {
  const bytes = await readFile(file);
  const boxes: { type: string; start: number; size: number }[] = [];
  for (let at = 0; at + 8 <= bytes.length;) {
    let size = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    if (size === 0) size = bytes.length - at;
    boxes.push({ type, start: at, size });
    at += size;
  }
  return boxes;
}

/** A copy of `file` with one byte inside the coded video (the mdat box) flipped. */
export async function withOneByteFlipped(file: string, out: string) {
  const mdat = (await mp4Boxes(file)).find((b) => b.type === "mdat");
  if (!mdat) throw new Error("no mdat box");
  await writeFile(out, await readFile(file));
  const handle = await open(out, "r+");
  try {
    const at = mdat.start + Math.floor(mdat.size / 2);
    const one = Buffer.alloc(1);
    await handle.read(one, 0, 1, at);
    one[0] = one[0]! ^ 0xff;
    await handle.write(one, 0, 1, at);
  } finally {
    await handle.close();
  }
  return out;
}

/**
 * The reported attack: another video with the clip's metadata copied onto it
 * (`ffmpeg -i other.mp4 -i clip.mp4 -map 0 -map_metadata 1 -c copy -movflags use_metadata_tags`).
 */
export async function graft(otherVideo: string, signedClip: string, out: string) {
  await runFfmpeg([
    "-y",
    "-i",
    otherVideo,
    "-i",
    signedClip,
    "-map",
    "0",
    "-map_metadata",
    "1",
    "-c",
    "copy",
    "-movflags",
    "use_metadata_tags",
    out,
  ]);
  return out;
}

/** A re-encode, as a platform or an editor would make. */
export async function reencode(file: string, out: string) {
  await runFfmpeg(["-y", "-i", file, "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", out]);
  return out;
}

/** A plain remux (a "fast start" pass), which keeps the coded picture and the metadata. */
export async function repackage(file: string, out: string) {
  await runFfmpeg([
    "-y",
    "-i",
    file,
    "-map",
    "0",
    "-c",
    "copy",
    "-movflags",
    "+faststart+use_metadata_tags",
    out,
  ]);
  return out;
}

/** `file` signed with someone else's C2PA identity and manifest (no Greenroom key involved). */
export async function signedBy(
  identity: SigningIdentity,
  file: string,
  out: string,
  manifest: object,
) {
  await signWithManifest(identity, { input: file, output: out, format: "video/mp4" }, manifest);
  return out;
}

export const pathIn = (dir: string, name: string) => path.join(dir, name);

/**
 * What a standard C2PA verifier that has never heard of Greenroom says about a file: c2pa-rs (the
 * Content Authenticity Initiative's implementation) with no trust anchor of ours.
 */
export async function independentVerdict(file: string, format = "video/mp4") {
  const { json } = await readManifestStore(file, format, null);
  const store = JSON.parse(json) as {
    validation_state: string;
    validation_results: { activeManifest: { failure?: { code: string }[] } };
  };
  return {
    state: store.validation_state,
    failures: (store.validation_results.activeManifest.failure ?? []).map((f) => f.code),
  };
}
