import { and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { ASPECT_RATIOS, DURATIONS, RESOLUTIONS } from "~/lib/generation";
import { accessSettings, generationModels, type GenerationModel } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import { selectRows, type Db, type DbOrTx } from "../db";
import { UserError } from "../errors";
import type { ProviderCapabilities, VideoProvider } from "./providers/provider";

// The model catalog: which models the program offers, to whom, at what cost in quota seconds. The
// entry marked default mirrors GENERATION_PROVIDER (synced at start), so today's setups keep
// working; admins add entries for other models of the configured providers (docs/decisions/0022).

export const DEFAULT_MODEL_ID = "default";
export const PROVIDER_IDS = ["local", "replicate", "openai", "fal"] as const;

/** Keeps the default entry in step with the environment's provider; its switches stay the admin's. */
export async function syncDefaultModel(db: DbOrTx, provider: VideoProvider) {
  const capabilities = plainCapabilities(provider.capabilities);
  await db
    .insert(generationModels)
    .values({
      id: DEFAULT_MODEL_ID,
      provider: provider.id,
      model: provider.model,
      displayName: provider.id === "local" ? "Stand-in renderer" : provider.model,
      capabilities,
      takesImage: provider.takesImage ?? false,
      isDefault: true,
    })
    .onConflictDoUpdate({
      target: generationModels.id,
      set: {
        provider: provider.id,
        model: provider.model,
        capabilities,
        takesImage: provider.takesImage ?? false,
        isDefault: true,
      },
    });
}

const plainCapabilities = (c: ProviderCapabilities) => ({
  durations: [...c.durations],
  resolutions: [...c.resolutions],
  aspectRatios: [...c.aspectRatios],
});

export async function listModels(db: Db, admin: SessionUser) {
  assertCan(admin, "people:manage");
  return db
    .select()
    .from(generationModels)
    .orderBy(desc(generationModels.isDefault), asc(generationModels.displayName));
}

/** The artist's cohort, or null. */
async function cohortOf(db: DbOrTx, userId: string) {
  const [row] = await db
    .select({ cohort: accessSettings.cohort })
    .from(accessSettings)
    .where(eq(accessSettings.userId, userId));
  return row?.cohort ?? null;
}

const openTo = (cohort: string | null) =>
  cohort === null
    ? sql`cardinality(${generationModels.cohorts}) = 0`
    : sql`(cardinality(${generationModels.cohorts}) = 0 OR ${cohort} = ANY(${generationModels.cohorts}))`;

/** The models an artist may pick: on, open to their cohort, of a provider this server runs. */
export async function modelsForArtist(
  db: DbOrTx,
  artist: SessionUser,
  configured: readonly string[],
): Promise<GenerationModel[]> {
  const cohort = await cohortOf(db, artist.id);
  const rows = await db
    .select()
    .from(generationModels)
    .where(and(eq(generationModels.enabled, true), openTo(cohort)))
    .orderBy(desc(generationModels.isDefault), asc(generationModels.displayName));
  return rows.filter((m) => configured.includes(m.provider));
}

/** Every choice some of these models can make (the form offers them; the server checks each). */
export function unionCapabilities(models: GenerationModel[]): ProviderCapabilities {
  const has = (pick: (c: GenerationModel["capabilities"]) => readonly (string | number)[]) =>
    new Set(models.flatMap((m) => pick(m.capabilities)));
  const durations = has((c) => c.durations);
  const resolutions = has((c) => c.resolutions);
  const aspectRatios = has((c) => c.aspectRatios);
  return {
    durations: DURATIONS.filter((d) => durations.has(d)),
    resolutions: RESOLUTIONS.filter((r) => resolutions.has(r)),
    aspectRatios: ASPECT_RATIOS.filter((a) => aspectRatios.has(a)),
  };
}

/** What the studio's picker shows of a model (model-picker.tsx). */
export function pickable(models: GenerationModel[]) {
  return models.map((m) => ({
    id: m.id,
    displayName: m.displayName,
    capabilities: m.capabilities,
    takesImage: m.takesImage,
    costMultiplier: m.costMultiplier,
    isDefault: m.isDefault,
  }));
}

/**
 * The model the artist asked for (the default entry when none was named), or a 422 next to the
 * model field: unknown, off, not open to their cohort, or of a provider this server does not run
 * are all the same "not available" to them. Null when none was named and the catalog has no
 * default entry yet (a database the server has not started on): the environment's provider.
 */
export async function modelForArtist(
  db: DbOrTx,
  artist: SessionUser,
  modelId: string | undefined,
  configured: readonly string[],
): Promise<GenerationModel | null> {
  if (!modelId) {
    const [fallback] = await db
      .select({ id: generationModels.id })
      .from(generationModels)
      .where(eq(generationModels.isDefault, true));
    if (!fallback) return null;
  }
  const available = await modelsForArtist(db, artist, configured);
  const chosen = modelId
    ? available.find((m) => m.id === modelId)
    : (available.find((m) => m.isDefault) ?? available[0]);
  if (!chosen)
    throw new UserError(
      modelId
        ? "That model is not available to you (it may have been switched off). Pick another."
        : "No model is open to you at the moment. The program team can open one.",
      422,
      "modelId",
    );
  return chosen;
}

/** Quota seconds a clip of `seconds` costs on `model`. */
export function costOf(model: Pick<GenerationModel, "costMultiplier">, seconds: number) {
  return Math.max(1, Math.ceil(seconds * model.costMultiplier - 1e-9));
}

const listOf = <T extends string>(values: readonly T[], message: string) =>
  z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.enum(values as unknown as [T, ...T[]], { error: message })).min(1, message),
  );

export const modelInput = z.object({
  provider: z.enum(PROVIDER_IDS, { error: "Choose a provider." }),
  model: z
    .string({ error: "Name the provider's model." })
    .trim()
    .min(1, "Name the provider's model.")
    .max(200, "Use at most 200 characters.")
    .regex(/^[\w.:/@-]+$/, "Use the provider's model id (letters, digits, . _ - / : @)."),
  displayName: z
    .string({ error: "Give it a name artists will see." })
    .trim()
    .min(2, "Give it a name artists will see.")
    .max(80, "Use at most 80 characters."),
  durations: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(
        z.coerce
          .number()
          .refine((n) => (DURATIONS as readonly number[]).includes(n), "Choose listed lengths."),
      )
      .min(1, "Choose at least one length."),
  ),
  resolutions: listOf(RESOLUTIONS, "Choose at least one resolution."),
  aspectRatios: listOf(ASPECT_RATIOS, "Choose at least one shape."),
  takesImage: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
  costMultiplier: z.coerce
    .number({ error: "Give the cost as a number, like 1 or 2.5." })
    .gt(0, "The cost is more than 0.")
    .max(100, "The cost is at most 100 quota seconds per second."),
  cohorts: z
    .string()
    .optional()
    .transform((v) =>
      [
        ...new Set(
          (v ?? "")
            .split(",")
            .map((c) => c.trim())
            .filter(Boolean),
        ),
      ].slice(0, 50),
    )
    .pipe(z.array(z.string().max(64, "A cohort name is at most 64 characters."))),
});
export type ModelInput = z.infer<typeof modelInput>;
export const MODEL_LIST_FIELDS = ["durations", "resolutions", "aspectRatios"] as const;

function values(input: ModelInput) {
  return {
    provider: input.provider,
    model: input.model,
    displayName: input.displayName,
    capabilities: {
      durations: [...input.durations].sort((a, b) => a - b),
      resolutions: RESOLUTIONS.filter((r) => input.resolutions.includes(r)),
      aspectRatios: ASPECT_RATIOS.filter((a) => input.aspectRatios.includes(a)),
    },
    takesImage: input.takesImage,
    costMultiplier: input.costMultiplier,
    cohorts: input.cohorts,
  };
}

export async function createModel(db: Db, admin: ActingUser, input: ModelInput) {
  assertCan(admin, "people:manage");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(generationModels)
      .values({ ...values(input), updatedBy: admin.id })
      .returning();
    await recordAudit(tx, auditActor(admin), {
      action: "model.created",
      subjectType: "generation_model",
      subjectId: row!.id,
      data: { provider: input.provider, model: input.model },
    });
    return row!;
  });
}

export async function updateModel(db: Db, admin: ActingUser, id: string, input: ModelInput) {
  assertCan(admin, "people:manage");
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(generationModels)
      .where(eq(generationModels.id, id))
      .for("update");
    if (!current) throw new UserError("There is no such model.", 404);
    // The default entry's provider and model come from the environment: only its name, cost,
    // cohorts and choices are the admin's.
    const next = values(input);
    if (current.isDefault) {
      next.provider = current.provider as ModelInput["provider"];
      next.model = current.model;
    }
    const [row] = await tx
      .update(generationModels)
      .set({ ...next, updatedAt: sql`now()`, updatedBy: admin.id })
      .where(eq(generationModels.id, id))
      .returning();
    await recordAudit(tx, auditActor(admin), {
      action: "model.updated",
      subjectType: "generation_model",
      subjectId: id,
      data: { costMultiplier: next.costMultiplier, cohorts: next.cohorts },
    });
    return row!;
  });
}

export async function setModelEnabled(db: Db, admin: ActingUser, id: string, enabled: boolean) {
  assertCan(admin, "people:manage");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(generationModels)
      .set({ enabled, updatedAt: sql`now()`, updatedBy: admin.id })
      .where(eq(generationModels.id, id))
      .returning();
    if (!row) throw new UserError("There is no such model.", 404);
    await recordAudit(tx, auditActor(admin), {
      action: enabled ? "model.enabled" : "model.disabled",
      subjectType: "generation_model",
      subjectId: id,
    });
    return row;
  });
}

/** Clips and seconds delivered per model (the dashboard's breakdown). */
export async function deliveredByModel(db: Db) {
  return selectRows<{ model: string; clips: number; seconds: number }>(
    db,
    sql`SELECT coalesce(m.display_name, c.model) AS model, count(*)::int AS clips,
               coalesce(round(sum(c.duration_seconds)), 0)::int AS seconds
        FROM clips c
        JOIN generation_jobs j ON j.id = c.id
        LEFT JOIN generation_models m ON m.id = j.model_id
        WHERE c.deleted_at IS NULL
        GROUP BY 1 ORDER BY 3 DESC, 1`,
  );
}
