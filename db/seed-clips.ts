import { and, eq, inArray } from "drizzle-orm";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Db } from "~/.server/db";
import { clipFrameRate, watermarkText } from "~/.server/generation/outputs";
import { hashPrompt, type ProvenanceKeys } from "~/.server/generation/provenance";
import { sealOutput } from "~/.server/generation/sealing";
import { renderLocalClip } from "~/.server/generation/providers/local-renderer";
import { quotaMonth } from "~/.server/generation/quota";
import { newObjectKey, type ObjectStorage } from "~/.server/storage";
import type { AspectRatio, Resolution, StylePreset } from "~/lib/generation";
import { costOf } from "~/.server/generation/catalog";
import { DEMO_MODEL_IDS } from "./seed-models";
import { clips, generationJobs, generationModels, quotaMovements, users } from "./schema";

// Finished clips for the demo artists, rendered for real by the stand-in renderer, so the studio
// has something to show the moment a newcomer signs in. Short 480p clips keep the first start fast.

type DemoClip = {
  email: string;
  prompt: string;
  style: StylePreset;
  aspectRatio: AspectRatio;
  seed: number;
  hoursAgo: number;
  /** The catalog entry it was made with (seed-models.ts). */
  model: (typeof DEMO_MODEL_IDS)[keyof typeof DEMO_MODEL_IDS];
};

const DEMO_CLIPS: DemoClip[] = [
  {
    email: "artist@greenroom.test",
    prompt: "A lighthouse at dusk, waves folding into spirals of light",
    style: "cinematic",
    aspectRatio: "16:9",
    seed: 4211,
    model: DEMO_MODEL_IDS.default,
    hoursAgo: 50,
  },
  {
    email: "artist@greenroom.test",
    prompt: "Paper birds migrating across a city of stacked books",
    style: "animation",
    aspectRatio: "1:1",
    seed: 77,
    model: DEMO_MODEL_IDS.draft,
    hoursAgo: 26,
  },
  {
    email: "artist@greenroom.test",
    prompt: "Rain on a neon alley, a detective's shadow crossing slowly",
    style: "noir",
    aspectRatio: "9:16",
    seed: 1930,
    model: DEMO_MODEL_IDS.backdrop,
    hoursAgo: 3,
  },
  // The second take of the paper birds: version 2 of "Paper migration" in seed-review.ts.
  {
    email: "artist@greenroom.test",
    prompt: "A flock of paper birds over a city of stacked books with blank spines",
    style: "animation",
    aspectRatio: "1:1",
    seed: 78,
    model: DEMO_MODEL_IDS.draft,
    hoursAgo: 5,
  },
  {
    email: "artist2@greenroom.test",
    prompt: "Morning fog lifting off a mountain lake, a heron takes flight",
    style: "documentary",
    aspectRatio: "16:9",
    seed: 512,
    model: DEMO_MODEL_IDS.residency,
    hoursAgo: 30,
  },
  {
    email: "artist2@greenroom.test",
    prompt: "A carousel of melting clocks turning under a violet sky",
    style: "dreamlike",
    aspectRatio: "16:9",
    seed: 9001,
    model: DEMO_MODEL_IDS.residency,
    hoursAgo: 6,
  },
  // Program artists, so the review queue has several people's work in it.
  {
    email: "mira.okafor@greenroom.test",
    prompt: "Ink drops blooming into a coral reef, slow and silent",
    style: "dreamlike",
    aspectRatio: "16:9",
    seed: 303,
    model: DEMO_MODEL_IDS.backdrop,
    hoursAgo: 60,
  },
  {
    email: "jonas.berg@greenroom.test",
    prompt: "A vintage tram climbing a snowy street at night",
    style: "cinematic",
    aspectRatio: "16:9",
    seed: 1888,
    model: DEMO_MODEL_IDS.default,
    hoursAgo: 300,
  },
  {
    email: "lucia.ferraro@greenroom.test",
    prompt: "Terracotta rooftops at noon, laundry lines swaying",
    style: "documentary",
    aspectRatio: "9:16",
    seed: 61,
    model: DEMO_MODEL_IDS.draft,
    hoursAgo: 100,
  },
  {
    email: "kenji.watanabe@greenroom.test",
    prompt: "Origami cranes folding themselves on a wooden table",
    style: "animation",
    aspectRatio: "1:1",
    seed: 1000,
    model: DEMO_MODEL_IDS.default,
    hoursAgo: 170,
  },
  {
    email: "amara.diallo@greenroom.test",
    prompt: "Desert wind drawing patterns in red sand at sunset",
    style: "cinematic",
    aspectRatio: "16:9",
    seed: 2024,
    model: DEMO_MODEL_IDS.residency,
    hoursAgo: 40,
  },
];

const DURATION = 5;
const RESOLUTION: Resolution = "480p";

/** Renders and stores the demo clips that are not there yet; returns how many it made. */
export async function seedDemoClips(
  db: Db,
  options: { storage: ObjectStorage; provenance: ProvenanceKeys },
) {
  const emails = [...new Set(DEMO_CLIPS.map((c) => c.email))];
  const people = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(inArray(users.email, emails));
  const idByEmail = new Map(people.map((p) => [p.email, p.id]));
  const catalog = await db
    .select({ id: generationModels.id, costMultiplier: generationModels.costMultiplier })
    .from(generationModels);
  const costMultiplier = new Map(catalog.map((m) => [m.id, m.costMultiplier]));
  const scratch = await mkdtemp(path.join(os.tmpdir(), "greenroom-seed-"));
  let made = 0;
  try {
    for (const demo of DEMO_CLIPS) {
      const userId = idByEmail.get(demo.email);
      if (!userId) continue;
      const [existing] = await db
        .select({ id: generationJobs.id, modelId: generationJobs.modelId })
        .from(generationJobs)
        .where(
          and(
            eq(generationJobs.userId, userId),
            eq(generationJobs.prompt, demo.prompt),
            eq(generationJobs.seed, demo.seed),
          ),
        );
      if (existing) {
        // Seeded before the catalog: it names its model now.
        if (!existing.modelId && costMultiplier.has(demo.model))
          await db
            .update(generationJobs)
            .set({ modelId: demo.model })
            .where(eq(generationJobs.id, existing.id));
        continue;
      }
      const modelId = costMultiplier.has(demo.model) ? demo.model : null;
      const charged = modelId
        ? costOf({ costMultiplier: costMultiplier.get(modelId)! }, DURATION)
        : DURATION;

      const jobId = crypto.randomUUID();
      const finishedAt = new Date(Date.now() - demo.hoursAgo * 3600_000);
      const started = Date.now();
      const dir = path.join(scratch, jobId);
      const rendered = await renderLocalClip(
        {
          prompt: demo.prompt,
          seed: demo.seed,
          style: demo.style,
          durationSeconds: DURATION,
          resolution: RESOLUTION,
          aspectRatio: demo.aspectRatio,
          watermark: watermarkText(jobId),
        },
        dir,
      );
      // Sealed as the runner seals every output: the record and Content Credentials.
      const sealed = await sealOutput({
        dir,
        videoPath: rendered.videoPath,
        posterPath: rendered.posterPath,
        record: {
          clipId: jobId,
          accountId: userId,
          provider: "local",
          model: "greenroom-stand-in-v1",
          promptSha256: hashPrompt(demo.prompt),
          createdAt: finishedAt.toISOString(),
        },
        watermark: watermarkText(jobId),
        comment: "Greenroom stand-in renderer (not the model)",
        keys: options.provenance,
      });
      const provenance = sealed.provenance;
      const renderMs = Date.now() - started;
      const videoKey = newObjectKey("clips", "mp4");
      const posterKey = newObjectKey("posters", "jpg");
      await options.storage.putFile(videoKey, sealed.videoPath, "video/mp4");
      await options.storage.putFile(posterKey, sealed.posterPath!, "image/jpeg");
      const { size } = await stat(sealed.videoPath);

      await db.transaction(async (tx) => {
        await tx.insert(generationJobs).values({
          id: jobId,
          userId,
          provider: "local",
          modelId,
          prompt: demo.prompt,
          durationSeconds: DURATION,
          resolution: RESOLUTION,
          aspectRatio: demo.aspectRatio,
          style: demo.style,
          seed: demo.seed,
          status: "succeeded",
          progress: 1,
          attempts: 1,
          createdAt: new Date(finishedAt.getTime() - renderMs - 2000),
          dispatchedAt: new Date(finishedAt.getTime() - renderMs - 1000),
          startedAt: new Date(finishedAt.getTime() - renderMs),
          finishedAt,
        });
        // The ledger shows these seconds as spent this month, as if the artist had made them.
        const month = quotaMonth(new Date());
        await tx.insert(quotaMovements).values([
          { userId, jobId, kind: "reserve", seconds: charged, month },
          { userId, jobId, kind: "commit", seconds: charged, month },
        ]);
        await tx.insert(clips).values({
          id: jobId,
          userId,
          videoKey,
          posterKey,
          sizeBytes: size,
          durationSeconds: rendered.probe.durationSeconds,
          width: rendered.probe.width,
          height: rendered.probe.height,
          frameRate: clipFrameRate(rendered.probe.frameRate),
          provider: "local",
          model: "greenroom-stand-in-v1",
          provenance,
          createdAt: finishedAt,
        });
      });
      made++;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return made;
}
