import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { formatDate } from "~/lib/dates";
import { ASPECT_RATIOS, DURATIONS, RESOLUTIONS, STYLE_PRESETS } from "~/lib/generation";
import {
  accessSettings,
  generationJobs,
  quotaMovements,
  users,
  type AccessSettings,
} from "~db/schema";
import { auditActor, type ActingUser } from "../auth/guards";
import { recordAudit } from "../audit/audit-log";
import { selectRows, type Db, type DbOrTx } from "../db";
import { ForbiddenError, UserError } from "../errors";
import type { ProviderCapabilities } from "./providers/provider";

/** The quota month a moment belongs to (UTC), as the ledger stores it. */
export function quotaMonth(at: Date) {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

export type QuotaUsage = {
  quotaSeconds: number;
  /** Charged for finished clips. */
  committedSeconds: number;
  /** Held for jobs still queued or running. */
  reservedSeconds: number;
  remainingSeconds: number;
};

/** Balances come from the ledger, never from a stored counter. */
export async function quotaUsage(
  db: DbOrTx,
  userId: string,
  quotaSeconds: number,
  at = new Date(),
): Promise<QuotaUsage> {
  // Seconds granted on request this month (access/quota-requests.ts) add to the monthly quota.
  const [row] = await selectRows<{
    reserved: number;
    committed: number;
    released: number;
    granted: number;
  }>(
    db,
    sql`SELECT
          coalesce(sum(seconds) FILTER (WHERE kind = 'reserve'), 0)::int AS reserved,
          coalesce(sum(seconds) FILTER (WHERE kind = 'commit'), 0)::int AS committed,
          coalesce(sum(seconds) FILTER (WHERE kind = 'release'), 0)::int AS released,
          (SELECT coalesce(sum(granted_seconds), 0)::int FROM quota_requests
           WHERE user_id = ${userId} AND month = ${quotaMonth(at)}) AS granted
        FROM ${quotaMovements}
        WHERE ${quotaMovements.userId} = ${userId} AND ${quotaMovements.month} = ${quotaMonth(at)}`,
  );
  const quota = quotaSeconds + (row?.granted ?? 0);
  const reserved = row?.reserved ?? 0;
  const committed = row?.committed ?? 0;
  const released = row?.released ?? 0;
  const held = reserved - committed - released;
  return {
    quotaSeconds: quota,
    committedSeconds: committed,
    reservedSeconds: held,
    remainingSeconds: Math.max(0, quota - committed - held),
  };
}

export const generationRequest = z.object({
  prompt: z
    .string({ error: "Describe the clip." })
    .trim()
    .min(1, "Describe the clip.")
    .max(2000, "Use at most 2,000 characters."),
  durationSeconds: z.coerce
    .number({ error: "Choose a duration." })
    .refine((n) => (DURATIONS as readonly number[]).includes(n), "Choose 5, 10, 15 or 20 seconds."),
  resolution: z.enum(RESOLUTIONS, { error: "Choose 480p, 720p or 1080p." }),
  aspectRatio: z.enum(ASPECT_RATIOS, { error: "Choose 16:9, 9:16 or 1:1." }),
  style: z.enum(STYLE_PRESETS.map((s) => s.id) as [string, ...string[]], {
    error: "Choose a style.",
  }),
  seed: z.preprocess(
    (v) => (v === "" || v === undefined || v === null ? undefined : v),
    z.coerce
      .number()
      .int("The seed is a whole number.")
      .min(0, "The seed is 0 or more.")
      .max(2_147_483_647, "That seed is too large.")
      .optional(),
  ),
});
export type GenerationRequest = z.infer<typeof generationRequest>;

const rank = (r: string) => (RESOLUTIONS as readonly string[]).indexOf(r);

/**
 * Why this request may not be queued now, next to the field it concerns; null when it may.
 * Pure, so the studio form can show the same reasons the server enforces.
 */
export function refusalFor(
  settings: AccessSettings | null,
  request: Pick<GenerationRequest, "durationSeconds" | "resolution">,
  usage: QuotaUsage,
  now = new Date(),
): { field: string; message: string } | null {
  if (!settings)
    return {
      field: "form",
      message:
        "Your generation access has not been set up yet. The program team sees you on their list of artists without access.",
    };
  if (settings.accessFrom && now < settings.accessFrom) {
    return {
      field: "form",
      message: `Your access window opens on ${formatDate(settings.accessFrom)}.`,
    };
  }
  if (settings.accessUntil && now >= settings.accessUntil) {
    return {
      field: "form",
      message: `Your access window closed on ${formatDate(settings.accessUntil)}.`,
    };
  }
  if (request.durationSeconds > settings.maxDurationSeconds) {
    return {
      field: "durationSeconds",
      message: `Your limit is ${settings.maxDurationSeconds} seconds per clip.`,
    };
  }
  if (rank(request.resolution) > rank(settings.maxResolution)) {
    return { field: "resolution", message: `Your limit is ${settings.maxResolution}.` };
  }
  if (request.durationSeconds > usage.remainingSeconds) {
    return {
      field: "durationSeconds",
      message: `This clip needs ${request.durationSeconds} s and you have ${usage.remainingSeconds} s left this month.`,
    };
  }
  return null;
}

/** Why the provider cannot make this request, next to the field; null when it can. */
export function unsupportedBy(
  capabilities: ProviderCapabilities,
  request: Pick<GenerationRequest, "durationSeconds" | "resolution" | "aspectRatio">,
): { field: string; message: string } | null {
  const list = (values: readonly (string | number)[]) => values.join(", ");
  if (!capabilities.durations.includes(request.durationSeconds))
    return {
      field: "durationSeconds",
      message: `The current model makes clips of ${list(capabilities.durations)} seconds.`,
    };
  if (!(capabilities.resolutions as readonly string[]).includes(request.resolution))
    return {
      field: "resolution",
      message: `The current model renders at ${list(capabilities.resolutions)}.`,
    };
  if (!(capabilities.aspectRatios as readonly string[]).includes(request.aspectRatio))
    return {
      field: "aspectRatio",
      message: `The current model supports ${list(capabilities.aspectRatios)}.`,
    };
  return null;
}

/**
 * Queues a job and reserves its seconds in one transaction. The artist's settings row is locked
 * first, so two requests at once cannot both spend the last seconds.
 */
export async function queueGeneration(
  db: Db,
  artist: ActingUser,
  input: GenerationRequest,
  provider: {
    id: string;
    capabilities?: ProviderCapabilities;
    /** The catalog entry picked (catalog.ts), and its quota seconds per second of clip. */
    modelId?: string | null;
    costMultiplier?: number;
    /** A stored reference image (reference-images.ts), for a model that takes one. */
    referenceImageKey?: string | null;
  } = { id: "local" },
) {
  if (artist.role !== "artist") throw new ForbiddenError("Only artists generate clips.");
  const unsupported = provider.capabilities && unsupportedBy(provider.capabilities, input);
  if (unsupported) throw new UserError(unsupported.message, 422, unsupported.field);
  return db.transaction(async (tx) => {
    // A suspension cancels the account's jobs in the transaction that changes its status. A
    // request already past its session check waits here for that to commit and is refused, so no
    // job is queued after the cancelling.
    const [account] = await tx
      .select({ status: users.status })
      .from(users)
      .where(eq(users.id, artist.id))
      .for("share");
    if (account?.status !== "active") throw new ForbiddenError("This account is not active.");
    const [settings] = await tx
      .select()
      .from(accessSettings)
      .where(eq(accessSettings.userId, artist.id))
      .for("update");
    const now = new Date();
    const usage = await quotaUsage(tx, artist.id, settings?.monthlyQuotaSeconds ?? 0, now);
    const refusal = refusalFor(settings ?? null, input, usage, now);
    if (refusal) throw new UserError(refusal.message, 422, refusal.field);
    // A model may cost more (or less) than a quota second per second of clip.
    const charge = Math.max(
      1,
      Math.ceil(input.durationSeconds * (provider.costMultiplier ?? 1) - 1e-9),
    );
    if (charge > usage.remainingSeconds)
      throw new UserError(
        `On this model the clip costs ${charge} s of quota and you have ${usage.remainingSeconds} s left this month.`,
        422,
        "durationSeconds",
      );
    const seed = input.seed ?? Math.floor(Math.random() * 2_147_483_647);
    const [job] = await tx
      .insert(generationJobs)
      .values({
        userId: artist.id,
        provider: provider.id,
        prompt: input.prompt,
        durationSeconds: input.durationSeconds,
        resolution: input.resolution,
        aspectRatio: input.aspectRatio,
        style: input.style,
        seed,
        modelId: provider.modelId ?? null,
        referenceImageKey: provider.referenceImageKey ?? null,
      })
      .returning();
    await tx.insert(quotaMovements).values({
      userId: artist.id,
      jobId: job!.id,
      kind: "reserve",
      seconds: charge,
      month: quotaMonth(now),
    });
    await recordAudit(tx, auditActor(artist), {
      action: "generation.queued",
      subjectType: "generation_job",
      subjectId: job!.id,
      data: {
        durationSeconds: input.durationSeconds,
        resolution: input.resolution,
        provider: provider.id,
        ...(provider.modelId ? { modelId: provider.modelId, charge } : {}),
        ...(provider.referenceImageKey ? { referenceImage: true } : {}),
      },
    });
    return job!;
  });
}

/**
 * Settles a job's reservation: "commit" charges it (success), "release" gives it back (failure or
 * cancel). Safe to call any number of times, from any process: the first settlement wins and the
 * rest change nothing. Returns whether this call was the one that settled it.
 */
export async function settleReservation(
  tx: DbOrTx,
  jobId: string,
  outcome: "commit" | "release",
): Promise<boolean> {
  const [reserve] = await tx
    .select()
    .from(quotaMovements)
    .where(and(eq(quotaMovements.jobId, jobId), eq(quotaMovements.kind, "reserve")));
  if (!reserve) throw new Error(`Job ${jobId} has no reservation to settle`);
  const inserted = await tx
    .insert(quotaMovements)
    .values({
      userId: reserve.userId,
      jobId,
      kind: outcome,
      seconds: reserve.seconds,
      month: reserve.month,
    })
    .onConflictDoNothing()
    .returning({ id: quotaMovements.id });
  return inserted.length === 1;
}
