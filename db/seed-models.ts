import { eq, inArray } from "drizzle-orm";
import type { Db } from "~/.server/db";
import { syncDefaultModel } from "~/.server/generation/catalog";
import { createLocalProvider } from "~/.server/generation/providers/local";
import { generationModels, users, type GenerationModel } from "./schema";

// The model catalog's demo (issue 20, ADR 0022): beside the default entry (the stand-in renderer),
// a cheap draft model, one that starts from an image, one open to a single cohort, and a remote
// model an admin has switched off. The demo runs only the local provider, so the entries artists
// can pick are of it; the switched-off one is of `openai` (not configured on the demo, and off).
// Demo clips and feedback reports name these models (seed-clips.ts, seed-money.ts).

type DemoModel = Pick<
  GenerationModel,
  | "id"
  | "provider"
  | "model"
  | "displayName"
  | "capabilities"
  | "takesImage"
  | "costMultiplier"
  | "cohorts"
  | "enabled"
>;

export const DEMO_MODEL_IDS = {
  default: "default",
  draft: "demo-storyboard-draft",
  backdrop: "demo-backdrop",
  residency: "demo-residency-preview",
  gateway: "demo-gateway-sora",
} as const;

const DEMO_MODELS: DemoModel[] = [
  {
    id: DEMO_MODEL_IDS.draft,
    provider: "local",
    model: "greenroom-stand-in-v1",
    displayName: "Storyboard draft",
    capabilities: {
      durations: [5, 10],
      resolutions: ["480p"],
      aspectRatios: ["16:9", "9:16", "1:1"],
    },
    takesImage: false,
    costMultiplier: 0.5,
    cohorts: [],
    enabled: true,
  },
  {
    id: DEMO_MODEL_IDS.backdrop,
    provider: "local",
    model: "greenroom-stand-in-v1",
    displayName: "Backdrop (from your image)",
    capabilities: {
      durations: [5, 10],
      resolutions: ["480p", "720p"],
      aspectRatios: ["16:9", "9:16"],
    },
    takesImage: true,
    costMultiplier: 1.5,
    cohorts: [],
    enabled: true,
  },
  {
    id: DEMO_MODEL_IDS.residency,
    provider: "local",
    model: "greenroom-stand-in-v1",
    displayName: "Residency preview",
    capabilities: {
      durations: [5, 10, 15, 20],
      resolutions: ["480p", "720p", "1080p"],
      aspectRatios: ["16:9", "9:16", "1:1"],
    },
    takesImage: false,
    costMultiplier: 2,
    cohorts: ["Autumn 2026"],
    enabled: true,
  },
  {
    id: DEMO_MODEL_IDS.gateway,
    provider: "openai",
    model: "sora-2",
    displayName: "Sora 2 via the model gateway",
    capabilities: { durations: [5, 10], resolutions: ["720p"], aspectRatios: ["16:9", "9:16"] },
    takesImage: true,
    costMultiplier: 3,
    cohorts: [],
    enabled: false,
  },
];

/** Adds the demo catalog entries that are not there yet; returns how many it added. */
export async function seedDemoModels(db: Db) {
  // The server writes the default entry at start (from GENERATION_PROVIDER); `npm run seed` on a
  // fresh database has none yet, and demo clips name it.
  const [fallback] = await db
    .select({ id: generationModels.id })
    .from(generationModels)
    .where(eq(generationModels.isDefault, true));
  if (!fallback) await syncDefaultModel(db, createLocalProvider());
  const [admin] = await db
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.email, ["admin@greenroom.test"]));
  const added = await db
    .insert(generationModels)
    .values(DEMO_MODELS.map((m) => ({ ...m, updatedBy: admin?.id ?? null })))
    .onConflictDoNothing()
    .returning({ id: generationModels.id });
  return added.length;
}
