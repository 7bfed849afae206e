import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "~/.server/db";
import { quotaMonth } from "~/.server/generation/quota";
import { cohorts, generationJobs, invites, quotaMovements, quotaRequests, users } from "./schema";

// The studio loop's demo (issue 19): cohorts that give access on joining (a waiting invite names
// one), an open request for more seconds for the admins to answer, and a failed job with its
// reason in Ari's Jobs panel, ready for "Try again". Running it again changes nothing.

const COHORTS = [
  {
    name: "Autumn 2026",
    monthlyQuotaSeconds: 300,
    maxDurationSeconds: 20,
    maxResolution: "720p" as const,
    maxConcurrentJobs: 2,
  },
  {
    name: "Spring 2027",
    monthlyQuotaSeconds: 180,
    maxDurationSeconds: 10,
    maxResolution: "720p" as const,
    maxConcurrentJobs: 1,
  },
];

async function userId(db: Db, email: string) {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row?.id ?? null;
}

export async function seedDemoStudio(db: Db) {
  let seeded = 0;
  const admin = await userId(db, "admin@greenroom.test");
  for (const cohort of COHORTS) {
    const [row] = await db
      .insert(cohorts)
      .values({ ...cohort, createdBy: admin })
      .onConflictDoNothing()
      .returning({ id: cohorts.id });
    if (row) seeded++;
  }
  const [spring] = await db.select().from(cohorts).where(eq(cohorts.name, "Spring 2027"));
  const noor = await userId(db, "noor.haddad@greenroom.test");
  if (spring && noor)
    await db
      .update(invites)
      .set({ cohortId: spring.id })
      .where(and(eq(invites.userId, noor), isNull(invites.acceptedAt), isNull(invites.cohortId)));

  const jonas = await userId(db, "jonas.berg@greenroom.test");
  if (jonas) {
    const [request] = await db
      .insert(quotaRequests)
      .values({
        userId: jonas,
        requestedSeconds: 150,
        reason:
          "A 2-minute festival cut of the harbour series: ten more 15 s shots at 720p before the 20th.",
      })
      .onConflictDoNothing()
      .returning({ id: quotaRequests.id });
    if (request) seeded++;
  }

  const ari = await userId(db, "artist@greenroom.test");
  const prompt = "A paper boat drifting down a flooded neon street at night, slow tracking shot";
  if (ari) {
    const [existing] = await db
      .select({ id: generationJobs.id })
      .from(generationJobs)
      .where(and(eq(generationJobs.userId, ari), eq(generationJobs.prompt, prompt)));
    if (!existing) {
      await db.transaction(async (tx) => {
        const [job] = await tx
          .insert(generationJobs)
          .values({
            userId: ari,
            provider: "local",
            prompt,
            durationSeconds: 10,
            resolution: "720p",
            aspectRatio: "16:9",
            style: "cinematic",
            seed: 424242,
            status: "failed",
            attempts: 3,
            error: "The renderer stopped 3 times while making this clip.",
            createdAt: sql`now() - interval '40 minutes'`,
            dispatchedAt: sql`now() - interval '39 minutes'`,
            startedAt: sql`now() - interval '39 minutes'`,
            finishedAt: sql`now() - interval '35 minutes'`,
          })
          .returning({ id: generationJobs.id });
        const month = quotaMonth(new Date());
        for (const kind of ["reserve", "release"] as const)
          await tx
            .insert(quotaMovements)
            .values({ userId: ari, jobId: job!.id, kind, seconds: 10, month });
      });
      seeded++;
    }
  }
  return seeded;
}
