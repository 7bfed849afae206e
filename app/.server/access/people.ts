import { and, asc, count, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { ACCOUNT_EVENTS, accountMove, accountStatusesFor, type AccountEvent } from "~/lib/accounts";
import {
  auditLog,
  notifications,
  users,
  type Role,
  type TrustTier,
  type UserStatus,
} from "~db/schema";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import { endAllSessions } from "../auth/session";
import { recordAudit, type Actor } from "../audit/audit-log";
import { escapeLike, type Db, type DbOrTx } from "../db";
import { UserError } from "../errors";
import { cancelUnfinishedJobs } from "../generation/studio";
import { queueEmail } from "../mail/send";

export const PEOPLE_PAGE_SIZE = 25;

export type PeopleFilter = { q?: string; role?: Role; status?: UserStatus; page: number };

export async function listPeople(db: Db, by: ActingUser, filter: PeopleFilter) {
  assertCan(by, "people:manage");
  const conditions: SQL[] = [];
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    conditions.push(or(ilike(users.email, pattern), ilike(users.displayName, pattern))!);
  }
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.status) conditions.push(eq(users.status, filter.status));
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: users.id,
        email: users.email,
        displayName: users.displayName,
        role: users.role,
        status: users.status,
        trustTier: users.trustTier,
        createdAt: users.createdAt,
      })
      .from(users)
      .where(where)
      .orderBy(asc(sql`lower(${users.email})`))
      .limit(PEOPLE_PAGE_SIZE)
      .offset((filter.page - 1) * PEOPLE_PAGE_SIZE),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { people: rows, total: total?.n ?? 0 };
}

export async function getPerson(db: Db, by: ActingUser, userId: string) {
  assertCan(by, "people:manage");
  const [person] = await db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      status: users.status,
      statusReason: users.statusReason,
      trustTier: users.trustTier,
      createdAt: users.createdAt,
      updatedAt: users.updatedAt,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!person) throw new UserError("There is no such person.", 404);
  const history = await db
    .select()
    .from(auditLog)
    .where(
      or(
        and(eq(auditLog.subjectType, "user"), eq(auditLog.subjectId, userId)),
        eq(auditLog.actorId, userId),
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(20);
  return { person, history };
}

/** Why an account could not change status: it is not there, or not in the state it must be in. */
/** Why `event` did not happen to the account (its conditional update matched nothing). */
async function refuseStatusChange(tx: DbOrTx, userId: string, event: AccountEvent): Promise<never> {
  const [current] = await tx
    .select({ status: users.status })
    .from(users)
    .where(eq(users.id, userId));
  if (!current) throw new UserError("There is no such person.", 404);
  const move = accountMove(current.status, event);
  throw new UserError(
    move.ok ? "The account changed meanwhile. Reload and try again." : move.reason,
    409,
  );
}

export type Suspension = {
  sessionsEnded: number;
  jobsCanceled: number;
  /** The email telling the person; deliver it after the transaction commits. */
  emailId: string;
};

/**
 * Suspends an active account inside the caller's transaction, whoever decides it: an admin, or
 * the anomaly scan (flags.ts). It takes effect at once and completely: every session ends, every
 * waiting or running generation is cancelled with its seconds given back (a shared account's
 * queue must not keep rendering for whoever shared it), and the person is emailed. The email is a
 * security message, queued directly rather than through notify(), so no preference can stop it.
 *
 * Returns null when the account is not active (already suspended, invited, or gone), so a caller
 * can decide what that means without aborting its transaction.
 */
export async function suspendAccount(
  tx: DbOrTx,
  actor: Actor,
  userId: string,
  reason: string,
  options: { appUrl?: string; automatic?: boolean } = {},
): Promise<Suspension | null> {
  // The row lock this update takes is what a concurrent queueGeneration waits on (FOR SHARE), so
  // no job is queued after the cancelling below.
  const [changed] = await tx
    .update(users)
    .set({ status: ACCOUNT_EVENTS.suspend.to, statusReason: reason, updatedAt: sql`now()` })
    .where(and(eq(users.id, userId), inArray(users.status, accountStatusesFor("suspend"))))
    .returning({ id: users.id, email: users.email, displayName: users.displayName });
  if (!changed) return null;
  const sessionsEnded = await endAllSessions(tx, userId, "suspended");
  const jobsCanceled = await cancelUnfinishedJobs(tx, userId, actor, "account suspended");
  const automatic = options.automatic ?? false;
  await recordAudit(tx, actor, {
    action: "user.suspended",
    subjectType: "user",
    subjectId: userId,
    data: { reason, email: changed.email, sessionsEnded, jobsCanceled, automatic },
  });
  const emailId = await queueEmail(tx, {
    to: changed.email,
    template: "account-suspended",
    props: {
      artistName: changed.displayName || changed.email,
      reason,
      automatic,
      jobsCanceled,
      url: options.appUrl ?? null,
    },
  });
  return { sessionsEnded, jobsCanceled, emailId };
}

/** An admin suspends someone else's account (see suspendAccount for what that does). */
export async function suspendUser(
  db: Db,
  by: ActingUser,
  userId: string,
  reason: string,
  options: { appUrl?: string } = {},
): Promise<Suspension> {
  assertCan(by, "people:manage");
  if (userId === by.id)
    throw new UserError("You cannot change the status of your own account.", 400);
  return db.transaction(async (tx) => {
    const suspended = await suspendAccount(tx, auditActor(by), userId, reason, options);
    if (!suspended) return refuseStatusChange(tx, userId, "suspend");
    return suspended;
  });
}

/**
 * An admin gives a suspended person their access back, and tells them: an in-app notification
 * waiting on their next sign-in and an email with the admin's note. Like the suspension notice it
 * is an account message, queued directly, so no email preference can stop it. Returns the email's
 * outbox id, to deliver after the transaction commits.
 */
export async function reactivateUser(
  db: Db,
  by: ActingUser,
  userId: string,
  reason: string,
  options: { appUrl: string },
): Promise<{ emailId: string }> {
  assertCan(by, "people:manage");
  if (userId === by.id)
    throw new UserError("You cannot change the status of your own account.", 400);
  return db.transaction(async (tx) => {
    const [changed] = await tx
      .update(users)
      .set({ status: ACCOUNT_EVENTS.reactivate.to, statusReason: reason, updatedAt: sql`now()` })
      .where(and(eq(users.id, userId), inArray(users.status, accountStatusesFor("reactivate"))))
      .returning({ id: users.id, email: users.email, displayName: users.displayName });
    if (!changed) return refuseStatusChange(tx, userId, "reactivate");
    await recordAudit(tx, auditActor(by), {
      action: "user.reactivated",
      subjectType: "user",
      subjectId: userId,
      data: { reason, email: changed.email, sessionsEnded: 0 },
    });
    await tx.insert(notifications).values({
      userId,
      kind: "account_reactivated",
      title: "Your access is back",
      body: `The program team reactivated your account: ${reason}`,
      link: "/",
    });
    const emailId = await queueEmail(tx, {
      to: changed.email,
      template: "account-reactivated",
      props: {
        artistName: changed.displayName || changed.email,
        reason,
        url: new URL("/login", options.appUrl).toString(),
      },
    });
    return { emailId };
  });
}

export async function updateAccess(
  db: Db,
  by: ActingUser,
  userId: string,
  change: { role: Role; trustTier: TrustTier },
) {
  assertCan(by, "people:manage");
  if (userId === by.id && change.role !== by.role) {
    throw new UserError("You cannot change your own role; ask another admin.", 400, "role");
  }
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ role: users.role, trustTier: users.trustTier })
      .from(users)
      .where(eq(users.id, userId))
      .for("update");
    if (!before) throw new UserError("There is no such person.", 404);
    if (before.role === change.role && before.trustTier === change.trustTier) return;
    await tx
      .update(users)
      .set({ ...change, updatedAt: sql`now()` })
      .where(eq(users.id, userId));
    await recordAudit(tx, auditActor(by), {
      action: "user.access_changed",
      subjectType: "user",
      subjectId: userId,
      data: { from: before, to: change },
    });
  });
}
