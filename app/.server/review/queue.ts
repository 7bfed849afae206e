import { and, asc, count, eq, gt, inArray, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { INTENDED_USES } from "~/lib/review";
import { accessSettings, reviewDecisions, submissions, users } from "~db/schema";
import type { ActingUser } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db } from "../db";
import { ForbiddenError } from "../errors";
import { COUNTS_BESIDE_A_LIVE_LIST, uncachedFigures, type FiguresCache } from "../figures-cache";
import { encodeTimeCursor, requireTimeCursor } from "../pagination";

// The reviewers' queue: waiting items oldest first, measured against the review target.

export const QUEUE_PAGE_SIZE = 25;

export function assertReviewer(user: SessionUser) {
  if (user.role !== "reviewer" && user.role !== "admin")
    throw new ForbiddenError("Only reviewers and admins review submissions.");
}

export const queueFilters = z.object({
  use: z.enum(INTENDED_USES).optional().catch(undefined),
  cohort: z.string().trim().max(80).optional().catch(undefined),
  overdue: z
    .enum(["1"])
    .optional()
    .catch(undefined)
    .transform((v) => v === "1"),
  mine: z
    .enum(["1"])
    .optional()
    .catch(undefined)
    .transform((v) => v === "1"),
  after: z.string().optional(),
});
export type QueueFilters = z.infer<typeof queueFilters>;

const claimer = alias(users, "claimer");

/** Hours an item has waited, and whether that is past the target. */
export function waiting(submittedAt: Date, now: Date, targetHours: number) {
  const hours = (now.getTime() - submittedAt.getTime()) / 3_600_000;
  return { hours, overdue: hours > targetHours };
}

export async function listReviewQueue(
  db: Db,
  reviewer: ActingUser | SessionUser,
  filters: QueueFilters,
  options: { now: Date; targetHours: number; figures?: FiguresCache },
) {
  assertReviewer(reviewer);
  const after = requireTimeCursor(filters.after);
  const overdueBefore = new Date(options.now.getTime() - options.targetHours * 3_600_000);
  const liveClaim = and(
    isNotNull(submissions.claimedBy),
    gt(submissions.claimExpiresAt, options.now),
  );

  // What every count and the list share: waiting items matching the use and cohort filters.
  const base: SQL[] = [inArray(submissions.state, ["pending", "in_review"])];
  if (filters.use) base.push(eq(submissions.intendedUse, filters.use));
  if (filters.cohort) base.push(eq(accessSettings.cohort, filters.cohort));
  const overdueCond = lt(submissions.submittedAt, overdueBefore);
  const mineCond = and(eq(submissions.claimedBy, reviewer.id), liveClaim)!;

  const listWhere = [...base];
  if (filters.overdue) listWhere.push(overdueCond);
  if (filters.mine) listWhere.push(mineCond);
  if (after)
    listWhere.push(
      sql`(${submissions.submittedAt}, ${submissions.id}) > (${after.at}::timestamptz, ${after.id})`,
    );

  // Only the cohort filter needs the artists' settings: the counts join them only then.
  const countsOf = async (where: SQL[]) => {
    const query = db
      .select({
        waiting: count(),
        overdue: sql<number>`count(*) filter (where ${overdueCond})::int`,
        unclaimed: sql<number>`count(*) filter (where not coalesce(${liveClaim}, false))::int`,
      })
      .from(submissions);
    const [row] = await (
      filters.cohort
        ? query.leftJoin(accessSettings, eq(accessSettings.userId, submissions.userId))
        : query
    ).where(and(...where));
    return {
      waiting: Number(row?.waiting ?? 0),
      overdue: Number(row?.overdue ?? 0),
      unclaimed: Number(row?.unclaimed ?? 0),
    };
  };

  const figures = options.figures ?? uncachedFigures;
  const [rows, shared, [mine], cohorts] = await Promise.all([
    db
      .select({
        id: submissions.id,
        title: submissions.title,
        intendedUse: submissions.intendedUse,
        state: submissions.state,
        version: submissions.currentVersion,
        approvalsNeeded: submissions.approvalsNeeded,
        // Per row of the page, on the one-decision-per-reviewer index; a join over every waiting
        // item's decisions took most of the page's time with 20,000 waiting.
        approvals: sql<number>`(select count(*)::int from ${reviewDecisions}
          where ${reviewDecisions.submissionId} = ${submissions.id}
            and ${reviewDecisions.versionNumber} = ${submissions.currentVersion}
            and ${reviewDecisions.decision} = 'approve')`,
        submittedAt: submissions.submittedAt,
        cursorAt: sql<string>`${submissions.submittedAt}::text`,
        artistName: users.displayName,
        artistEmail: users.email,
        artistStatus: users.status,
        cohort: accessSettings.cohort,
        claimedBy: submissions.claimedBy,
        claimExpiresAt: submissions.claimExpiresAt,
        claimerName: claimer.displayName,
        claimerEmail: claimer.email,
      })
      .from(submissions)
      .innerJoin(users, eq(users.id, submissions.userId))
      .leftJoin(accessSettings, eq(accessSettings.userId, submissions.userId))
      .leftJoin(claimer, eq(claimer.id, submissions.claimedBy))
      .where(and(...listWhere))
      .orderBy(asc(submissions.submittedAt), asc(submissions.id))
      .limit(QUEUE_PAGE_SIZE + 1),
    // The whole queue's counts are the same for every reviewer and cost a scan of everything
    // waiting: shared, and at most a few seconds old (the list itself is always live).
    figures.get(
      `review-queue-counts:${filters.use ?? ""}:${filters.cohort ?? ""}`,
      () => countsOf(base),
      COUNTS_BESIDE_A_LIVE_LIST,
    ),
    // The reviewer's own claims: few, on their own index, always live.
    (filters.cohort
      ? db
          .select({ n: count() })
          .from(submissions)
          .leftJoin(accessSettings, eq(accessSettings.userId, submissions.userId))
      : db.select({ n: count() }).from(submissions)
    ).where(and(...base, mineCond)),
    figures.get("review-queue-cohorts", () =>
      db
        .selectDistinct({ cohort: accessSettings.cohort })
        .from(accessSettings)
        .where(isNotNull(accessSettings.cohort))
        .orderBy(asc(accessSettings.cohort)),
    ),
  ]);
  const counts = { ...shared.value, mine: Number(mine?.n ?? 0) };

  const hasMore = rows.length > QUEUE_PAGE_SIZE;
  const page = rows.slice(0, QUEUE_PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => {
      const claimLive =
        row.claimedBy !== null && row.claimExpiresAt !== null && row.claimExpiresAt > options.now;
      return {
        id: row.id,
        title: row.title,
        intendedUse: row.intendedUse,
        version: row.version,
        approvals: row.approvals,
        approvalsNeeded: row.approvalsNeeded,
        submittedAt: row.submittedAt,
        ...waiting(row.submittedAt, options.now, options.targetHours),
        artist: row.artistName || row.artistEmail,
        // Still reviewable, but the reviewer should know before spending time on it.
        artistSuspended: row.artistStatus === "suspended",
        cohort: row.cohort,
        claim: claimLive
          ? {
              by: row.claimerName || row.claimerEmail || "another reviewer",
              mine: row.claimedBy === reviewer.id,
              expiresAt: row.claimExpiresAt!,
            }
          : null,
      };
    }),
    counts,
    countsAt: shared.computedAt,
    cohorts: cohorts.value.map((c) => c.cohort!).filter(Boolean),
    nextCursor: hasMore && last ? encodeTimeCursor(last.cursorAt, last.id) : null,
  };
}

export type ReviewQueue = Awaited<ReturnType<typeof listReviewQueue>>;
