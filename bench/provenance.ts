// What sealing costs per clip (docs/decisions/0021): render a clip with the local renderer, then
// seal it as the runner does — hash the coded video, write the record (a remux), sign C2PA Content
// Credentials over the video and the poster (c2pa-rs in a worker thread), and read the video back
// as a verifier would. For each case: the render's median, sealing's median and its parts, and
// sealing as a share of the render. Figures are printed, never asserted.
//
//   node --import tsx bench/provenance.ts [--reps 3]
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadSigningIdentity } from "~/.server/c2pa/certificates";
import { readContentCredentials } from "~/.server/c2pa/credentials";
import { signWithManifest } from "~/.server/c2pa/engine";
import { outputManifest } from "~/.server/c2pa/manifest";
import { watermarkText } from "~/.server/generation/outputs";
import { hashPrompt, videoStreamHash } from "~/.server/generation/provenance";
import { renderLocalClip } from "~/.server/generation/providers/local-renderer";
import { sealOutput } from "~/.server/generation/sealing";
import type { Resolution } from "~/lib/generation";
import { numberArg } from "./args";

const REPS = numberArg("reps", 3);
const CASES: { label: string; durationSeconds: number; resolution: Resolution }[] = [
  { label: "5 s 480p", durationSeconds: 5, resolution: "480p" },
  { label: "10 s 720p", durationSeconds: 10, resolution: "720p" },
  { label: "10 s 1080p", durationSeconds: 10, resolution: "1080p" },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${Math.round(n)} ms`;

async function timed<T>(fn: () => Promise<T>) {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

const root = await mkdtemp(path.join(os.tmpdir(), "greenroom-bench-provenance-"));
try {
  const keys = {
    secret: "bench-provenance-secret-bench-provenance-0",
    identity: loadSigningIdentity({ dir: path.join(root, "c2pa") }),
  };
  console.log(`Sealing cost per clip, ${REPS} runs each (medians); node ${process.version}\n`);
  const rows: string[][] = [
    [
      "case",
      "size",
      "render",
      "seal",
      "hash",
      "sign video",
      "sign poster",
      "read back",
      "seal / render",
    ],
  ];
  let run = 0;
  for (const c of CASES) {
    const r = {
      render: [] as number[],
      seal: [] as number[],
      hash: [] as number[],
      video: [] as number[],
      poster: [] as number[],
      read: [] as number[],
    };
    let size = 0;
    for (let i = 0; i < REPS; i++) {
      const dir = path.join(root, String(++run));
      const clipId = crypto.randomUUID();
      const scene = {
        prompt: "A lighthouse at dusk, waves breaking on the rocks below",
        seed: 7 + i,
        style: "cinematic" as const,
        durationSeconds: c.durationSeconds,
        resolution: c.resolution,
        aspectRatio: "16:9" as const,
        watermark: watermarkText(clipId),
      };
      const rendered = await timed(() => renderLocalClip(scene, dir));
      r.render.push(rendered.ms);
      const record = {
        clipId,
        accountId: "bench-artist",
        provider: "local",
        model: "greenroom-stand-in-v1",
        promptSha256: hashPrompt(scene.prompt),
        createdAt: new Date().toISOString(),
      };
      const sealed = await timed(() =>
        sealOutput({
          dir,
          videoPath: rendered.value.videoPath,
          posterPath: rendered.value.posterPath,
          record,
          watermark: scene.watermark,
          comment: "bench",
          keys,
        }),
      );
      r.seal.push(sealed.ms);
      size = (await stat(sealed.value.videoPath)).size;
      // The parts, measured on their own over the same files.
      r.hash.push((await timed(() => videoStreamHash(rendered.value.videoPath))).ms);
      const credentials = {
        clipId,
        accountRef: "x",
        provider: "local",
        model: "m",
        createdAt: record.createdAt,
        watermark: scene.watermark,
      };
      r.video.push(
        (
          await timed(() =>
            signWithManifest(
              keys.identity,
              {
                input: rendered.value.videoPath,
                output: path.join(dir, "v.mp4"),
                format: "video/mp4",
              },
              outputManifest(credentials, { title: "v.mp4", format: "video/mp4" }),
            ),
          )
        ).ms,
      );
      r.poster.push(
        (
          await timed(() =>
            signWithManifest(
              keys.identity,
              {
                input: rendered.value.posterPath,
                output: path.join(dir, "p.jpg"),
                format: "image/jpeg",
              },
              outputManifest(credentials, { title: "p.jpg", format: "image/jpeg" }),
            ),
          )
        ).ms,
      );
      r.read.push(
        (
          await timed(() =>
            readContentCredentials(sealed.value.videoPath, "video/mp4", keys.identity),
          )
        ).ms,
      );
    }
    rows.push([
      c.label,
      `${(size / 1024 / 1024).toFixed(1)} MB`,
      ms(median(r.render)),
      ms(median(r.seal)),
      ms(median(r.hash)),
      ms(median(r.video)),
      ms(median(r.poster)),
      ms(median(r.read)),
      (median(r.seal) / median(r.render)).toFixed(2),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join("  "));
} finally {
  await rm(root, { recursive: true, force: true });
}
