import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { accessSettings, cohorts, type Cohort } from "~db/schema";
import { recordAudit, type Actor } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db, DbOrTx } from "../db";
import { UserError } from "../errors";
import { accessLimitFields, windowInOrder, windowOrderIssue } from "./settings";

// Cohorts carry default generation access (issue 19): an invite names one, and the artist gets its
// quota, longest clip, highest resolution, jobs at once and window the moment they accept, so they
// can generate at once. The defaults are copied, never linked: editing a cohort changes nobody.

export const cohortInput = z
  .object({
    name: z
      .string({ error: "Name the cohort." })
      .trim()
      .min(1, "Name the cohort.")
      .max(60, "Use at most 60 characters."),
    ...accessLimitFields,
  })
  .refine(windowInOrder, windowOrderIssue);
export type CohortInput = z.infer<typeof cohortInput>;

export async function listCohorts(db: Db, admin: SessionUser): Promise<Cohort[]> {
  assertCan(admin, "people:manage");
  return db.select().from(cohorts).orderBy(asc(cohorts.name));
}

function isUniqueViolation(error: unknown) {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === "23505" || e?.cause?.code === "23505";
}

/** Creates a cohort, or (with `id`) changes one; audited with what it now gives. */
export async function saveCohort(db: Db, admin: ActingUser, input: CohortInput, id?: string) {
  assertCan(admin, "people:manage");
  try {
    return await db.transaction(async (tx) => {
      const [saved] = id
        ? await tx
            .update(cohorts)
            .set({ ...input, updatedAt: sql`now()` })
            .where(eq(cohorts.id, id))
            .returning()
        : await tx
            .insert(cohorts)
            .values({ ...input, createdBy: admin.id })
            .returning();
      if (!saved) throw new UserError("There is no such cohort.", 404);
      await recordAudit(tx, auditActor(admin), {
        action: id ? "cohort.changed" : "cohort.created",
        subjectType: "cohort",
        subjectId: saved.id,
        data: input,
      });
      return saved;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new UserError("A cohort with this name already exists.", 409, "name");
    throw error;
  }
}

/**
 * Gives a newly joined artist their cohort's access, inside the acceptance's transaction. An
 * artist who already has settings (an admin set them while the invite waited) keeps them.
 */
export async function grantCohortAccess(
  tx: DbOrTx,
  actor: Actor,
  userId: string,
  cohortId: string,
) {
  const [cohort] = await tx.select().from(cohorts).where(eq(cohorts.id, cohortId));
  if (!cohort) return null;
  const [created] = await tx
    .insert(accessSettings)
    .values({
      userId,
      monthlyQuotaSeconds: cohort.monthlyQuotaSeconds,
      maxDurationSeconds: cohort.maxDurationSeconds,
      maxResolution: cohort.maxResolution,
      maxConcurrentJobs: cohort.maxConcurrentJobs,
      accessFrom: cohort.accessFrom,
      accessUntil: cohort.accessUntil,
      cohort: cohort.name,
    })
    .onConflictDoNothing()
    .returning();
  if (created)
    await recordAudit(tx, actor, {
      action: "access.cohort_defaults_applied",
      subjectType: "user",
      subjectId: userId,
      data: { cohort: cohort.name, cohortId },
    });
  return created ?? null;
}
