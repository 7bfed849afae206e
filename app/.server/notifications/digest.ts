import { and, asc, count, eq, gt, inArray, lt } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { USE_LABELS } from "~/lib/review";
import { notificationPreferences, reviewDigests, submissions, users } from "~db/schema";
import { MAX_DIGEST_ITEMS, type OverdueDigestItem } from "~emails/overdue-digest";
import type { Db } from "../db";
import { deliverEmails, queueEmail } from "../mail/send";
import type { Mailer } from "../mail/mailer";
import { preferenceJoin, wantsEmail } from "./preferences";

export type DigestOptions = {
  now: Date;
  /** REVIEW_TARGET_HOURS: items waiting longer than this are overdue. */
  targetHours: number;
  /** REVIEW_DIGEST_HOUR_UTC: no digest goes out before this hour of the UTC day. */
  digestHourUtc: number;
  appUrl: string;
};

const WAITING_STATES = ["pending", "in_review"] as const;
const claimer = alias(users, "claimer");

/** The overdue part of the review queue at `now`, oldest first: the first few and the total. */
export async function findOverdue(db: Db, now: Date, targetHours: number, limit: number) {
  const dueBefore = new Date(now.getTime() - targetHours * 3600_000);
  const overdue = and(
    inArray(submissions.state, WAITING_STATES),
    lt(submissions.submittedAt, dueBefore),
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: submissions.id,
        title: submissions.title,
        intendedUse: submissions.intendedUse,
        submittedAt: submissions.submittedAt,
        claimedByName: claimer.displayName,
        claimedByEmail: claimer.email,
      })
      .from(submissions)
      // Only a claim that has not expired means someone is on it.
      .leftJoin(
        claimer,
        and(eq(claimer.id, submissions.claimedBy), gt(submissions.claimExpiresAt, now)),
      )
      .where(overdue)
      .orderBy(asc(submissions.submittedAt), asc(submissions.id))
      .limit(limit),
    db.select({ n: count() }).from(submissions).where(overdue),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      title: row.title,
      intendedUse: row.intendedUse,
      hoursWaiting: Math.floor((now.getTime() - row.submittedAt.getTime()) / 3600_000),
      claimedBy: row.claimedByName || row.claimedByEmail || null,
    })),
    total: total?.n ?? 0,
  };
}

/**
 * The daily "overdue in the queue" email to every active reviewer and admin. Safe to run as often
 * as you like from as many processes as you like: the (day, reviewer) row in review_digests is
 * claimed with ON CONFLICT DO NOTHING in the same transaction that queues the email, so each
 * reviewer gets at most one digest per UTC day. Reviewers who turned the digest off in their
 * notification settings are skipped. Nothing is recorded on a day with nothing overdue
 * (yet), so a digest still goes out if something becomes overdue later that day.
 */
export async function sendOverdueDigests(db: Db, mailer: Mailer, options: DigestOptions) {
  const { now, targetHours, appUrl } = options;
  if (now.getUTCHours() < options.digestHourUtc) return { recipients: 0, overdue: 0 };
  const { items, total } = await findOverdue(db, now, targetHours, MAX_DIGEST_ITEMS);
  if (total === 0) return { recipients: 0, overdue: 0 };

  const digestItems: OverdueDigestItem[] = items.map((item) => ({
    title: item.title,
    intendedUse: USE_LABELS[item.intendedUse],
    hoursWaiting: item.hoursWaiting,
    claimedBy: item.claimedBy,
    url: new URL(`/review/${item.id}`, appUrl).toString(),
  }));
  const queueUrl = new URL("/review?overdue=1", appUrl).toString();
  const day = now.toISOString().slice(0, 10);

  const emailIds = await db.transaction(async (tx) => {
    const reviewers = await tx
      .select({ id: users.id, email: users.email, displayName: users.displayName })
      .from(users)
      // Those who turned the digest off are not claimed either: if they turn it back on later
      // the same day, they still get that day's digest.
      .leftJoin(notificationPreferences, preferenceJoin(users.id, "overdue_digest"))
      .where(
        and(inArray(users.role, ["reviewer", "admin"]), eq(users.status, "active"), wantsEmail),
      )
      // Always claim in the same order, so two runs at once wait on each other, never deadlock.
      .orderBy(asc(users.id));
    if (reviewers.length === 0) return [];
    const claimed = await tx
      .insert(reviewDigests)
      .values(reviewers.map((r) => ({ day, userId: r.id })))
      .onConflictDoNothing()
      .returning({ userId: reviewDigests.userId });
    const claimedIds = new Set(claimed.map((c) => c.userId));
    const ids: string[] = [];
    for (const reviewer of reviewers) {
      if (!claimedIds.has(reviewer.id)) continue;
      ids.push(
        await queueEmail(tx, {
          to: reviewer.email,
          template: "overdue-digest",
          props: {
            reviewerName: reviewer.displayName || reviewer.email,
            items: digestItems,
            total,
            targetHours,
            queueUrl,
          },
        }),
      );
    }
    return ids;
  });
  await deliverEmails(db, mailer, emailIds);
  return { recipients: emailIds.length, overdue: total };
}
