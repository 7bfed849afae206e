import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { RESOLUTIONS } from "~/lib/generation";
import { accessSettings, users } from "~db/schema";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import { recordAudit } from "../audit/audit-log";
import type { Db, DbOrTx } from "../db";
import { UserError } from "../errors";
import { quotaUsage } from "../generation/quota";

const optionalDate = z.preprocess(
  (v) => (v === "" || v === undefined || v === null ? null : v),
  z.coerce.date({ error: "Enter a date." }).nullable(),
);

/** The limits of an artist's access; a cohort gives the same ones by default (cohorts.ts). */
export const accessLimitFields = {
  monthlyQuotaSeconds: z.coerce
    .number({ error: "Enter a number of seconds." })
    .int("Use whole seconds.")
    .min(0, "Use 0 or more.")
    .max(1_000_000, "That is more than a month of video."),
  maxDurationSeconds: z.coerce
    .number({ error: "Choose a duration." })
    .int()
    .refine((n) => [5, 10, 15, 20].includes(n), "Choose 5, 10, 15 or 20 seconds."),
  maxResolution: z.enum(RESOLUTIONS, { error: "Choose 480p, 720p or 1080p." }),
  maxConcurrentJobs: z.coerce
    .number({ error: "Enter a number." })
    .int("Use a whole number.")
    .min(1, "At least 1.")
    .max(10, "At most 10."),
  accessFrom: optionalDate,
  accessUntil: optionalDate,
};

/** An access window, when it has both ends, ends after it starts. */
export const windowInOrder = (v: { accessFrom: Date | null; accessUntil: Date | null }) =>
  !v.accessFrom || !v.accessUntil || v.accessFrom < v.accessUntil;
export const windowOrderIssue = {
  message: "The window must end after it starts.",
  path: ["accessUntil"],
};

export const accessSettingsInput = z
  .object({
    ...accessLimitFields,
    cohort: z
      .string()
      .trim()
      .max(60, "Use at most 60 characters.")
      .transform((v) => v || null)
      .nullable()
      .optional()
      .transform((v) => v ?? null),
  })
  .refine(windowInOrder, windowOrderIssue);
export type AccessSettingsInput = z.infer<typeof accessSettingsInput>;

export async function getAccessSettings(db: DbOrTx, userId: string) {
  const [row] = await db.select().from(accessSettings).where(eq(accessSettings.userId, userId));
  return row ?? null;
}

/** Creates or replaces an artist's generation settings, audited with before and after. */
export async function updateAccessSettings(
  db: Db,
  by: ActingUser,
  userId: string,
  input: AccessSettingsInput,
) {
  assertCan(by, "people:manage");
  return db.transaction(async (tx) => {
    const [person] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId));
    if (!person) throw new UserError("There is no such person.", 404);
    if (person.role !== "artist")
      throw new UserError("Generation settings apply to artists only.", 400);
    const before = await getAccessSettings(tx, userId);
    const values = { ...input, updatedBy: by.id, updatedAt: sql`now()` };
    const [after] = await tx
      .insert(accessSettings)
      .values({ userId, ...values })
      .onConflictDoUpdate({ target: accessSettings.userId, set: values })
      .returning();
    await recordAudit(tx, auditActor(by), {
      action: "access.settings_changed",
      subjectType: "user",
      subjectId: userId,
      data: { before, after: input },
    });
    return after!;
  });
}

/** An artist's settings and this month's use of their quota, for the person page. */
export async function getGenerationAccess(db: Db, by: ActingUser, userId: string) {
  assertCan(by, "people:manage");
  const settings = await getAccessSettings(db, userId);
  const usage = settings ? await quotaUsage(db, userId, settings.monthlyQuotaSeconds) : null;
  return { settings, usage };
}
