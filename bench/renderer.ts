// The local renderer against the bare ffmpeg command it wraps. For each case, `renderLocalClip`
// (write the text files, render with progress, check the file with ffprobe, make the poster) and
// the same `ffmpeg` arguments from `renderArgs`, spawned directly, run alternately in this process;
// the table shows both medians and their ratio. Figures are printed, never asserted.
//
//   node --import tsx bench/renderer.ts [--reps 5]
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FFMPEG, writeDrawtextFile } from "~/.server/generation/media";
import { checkClip, makePoster, watermarkText } from "~/.server/generation/outputs";
import {
  captionFor,
  renderArgs,
  renderLocalClip,
  type LocalRenderInput,
} from "~/.server/generation/providers/local-renderer";
import { frameSize, type AspectRatio, type Resolution, type StylePreset } from "~/lib/generation";
import { numberArg } from "./args";

const TARGET_RATIO = 1.2;

const REPS = numberArg("reps", 5);

type Case = {
  label: string;
  durationSeconds: number;
  resolution: Resolution;
  aspectRatio: AspectRatio;
  style: StylePreset;
  seed: number;
};

const CASES: Case[] = [
  {
    label: "10 s 480p",
    durationSeconds: 10,
    resolution: "480p",
    aspectRatio: "16:9",
    style: "cinematic",
    seed: 1,
  },
  {
    label: "10 s 720p",
    durationSeconds: 10,
    resolution: "720p",
    aspectRatio: "16:9",
    style: "cinematic",
    seed: 11,
  },
  {
    label: "5 s 1080p",
    durationSeconds: 5,
    resolution: "1080p",
    aspectRatio: "16:9",
    style: "cinematic",
    seed: 14,
  },
];

const PROMPT = "A lighthouse at dusk, waves breaking on the rocks below";

function inputFor(c: Case): LocalRenderInput {
  const clipId = crypto.randomUUID();
  return {
    prompt: PROMPT,
    seed: c.seed,
    style: c.style,
    durationSeconds: c.durationSeconds,
    resolution: c.resolution,
    aspectRatio: c.aspectRatio,
    watermark: watermarkText(clipId),
  };
}

/** The bare command: ffmpeg with exactly the renderer's arguments, nothing read back. */
function bareFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, args, { stdio: "ignore" });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg exited with code ${code}`)),
    );
  });
}

async function timed(fn: () => Promise<unknown>) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

type Row = {
  c: Case;
  scene: string;
  frame: string;
  renderer: number[];
  bare: number[];
  probe: number[];
  poster: number[];
};

async function runCase(c: Case, root: string): Promise<Row> {
  const { width, height } = frameSize(c.resolution, c.aspectRatio);
  const row: Row = {
    c,
    scene: "",
    frame: `${width}×${height}`,
    renderer: [],
    bare: [],
    probe: [],
    poster: [],
  };

  const viaRenderer = async (record: boolean) => {
    const dir = await mkdtemp(path.join(root, "renderer-"));
    const ms = await timed(() => renderLocalClip(inputFor(c), dir));
    if (record) row.renderer.push(ms);
    await rm(dir, { recursive: true, force: true });
  };

  const viaBare = async (record: boolean) => {
    const dir = await mkdtemp(path.join(root, "bare-"));
    const input = inputFor(c);
    const files = {
      caption: path.join(dir, "caption.txt"),
      watermark: path.join(dir, "watermark.txt"),
      output: path.join(dir, "video.mp4"),
    };
    // The text files are inputs of the command, written before the clock starts.
    await writeDrawtextFile(files.caption, captionFor(input.prompt));
    await writeDrawtextFile(files.watermark, input.watermark);
    const { args, scene } = renderArgs(input, files);
    row.scene = scene;
    const ms = await timed(() => bareFfmpeg(args));
    if (record) {
      row.bare.push(ms);
      // Where the renderer's extra time goes: the ffprobe check and the poster, on this file.
      const expected = { width, height, durationSeconds: c.durationSeconds };
      row.probe.push(await timed(() => checkClip(files.output, expected)));
      row.poster.push(await timed(() => makePoster(files.output, c.durationSeconds, dir)));
    }
    await rm(dir, { recursive: true, force: true });
  };

  // One warm-up of each (page cache, binaries, fonts), then ABBA order so neither side always
  // runs first.
  await viaRenderer(false);
  await viaBare(false);
  for (let i = 0; i < REPS; i++) {
    if (i % 2 === 0) {
      await viaRenderer(true);
      await viaBare(true);
    } else {
      await viaBare(true);
      await viaRenderer(true);
    }
    process.stdout.write(".");
  }
  return row;
}

function table(headers: string[], rows: string[][]) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ")} |`;
  return [
    line(headers),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

async function main() {
  const root = await mkdtemp(path.join(os.tmpdir(), "greenroom-bench-renderer-"));
  console.log(
    `Renderer bench: renderLocalClip vs bare ffmpeg, ${REPS} runs each per case (median), ` +
      `${os.cpus().length} CPUs, ${new Date().toISOString()}`,
  );
  const rows: Row[] = [];
  try {
    for (const c of CASES) {
      process.stdout.write(`  ${c.label} `);
      rows.push(await runCase(c, root));
      process.stdout.write("\n");
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  console.log("");
  console.log(
    table(
      [
        "case",
        "scene",
        "frame",
        "renderLocalClip",
        "bare ffmpeg",
        "ratio",
        `≤ ${TARGET_RATIO}`,
        "probe",
        "poster",
      ],
      rows.map((r) => {
        const ratio = median(r.renderer) / median(r.bare);
        return [
          `${r.c.label} (${r.c.style})`,
          r.scene,
          r.frame,
          seconds(median(r.renderer)),
          seconds(median(r.bare)),
          ratio.toFixed(2),
          ratio <= TARGET_RATIO ? "met" : "NOT met",
          `${median(r.probe).toFixed(0)} ms`,
          `${median(r.poster).toFixed(0)} ms`,
        ];
      }),
    ),
  );
  const worst = Math.max(...rows.map((r) => median(r.renderer) / median(r.bare)));
  console.log(
    `\nTarget: renderLocalClip ≤ ${TARGET_RATIO}× the bare command in every case: ` +
      `${worst <= TARGET_RATIO ? "met" : "NOT met"} (worst ratio ${worst.toFixed(2)}).`,
  );
  console.log(
    "probe and poster: the ffprobe check and the poster frame, timed separately on the bare run's " +
      "file (medians); renderLocalClip includes both.",
  );
}

await main();
