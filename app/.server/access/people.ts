import { and, asc, count, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { auditLog, users, type Role, type TrustTier, type UserStatus } from "~db/schema";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import { endAllSessions } from "../auth/session";
import { recordAudit } from "../audit/audit-log";
import { escapeLike, type Db } from "../db";
import { UserError } from "../errors";

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

async function changeStatus(
  db: Db,
  by: ActingUser,
  userId: string,
  to: "active" | "suspended",
  reason: string,
) {
  assertCan(by, "people:manage");
  if (userId === by.id)
    throw new UserError("You cannot change the status of your own account.", 400);
  const from: UserStatus = to === "suspended" ? "active" : "suspended";
  return db.transaction(async (tx) => {
    const [changed] = await tx
      .update(users)
      .set({ status: to, statusReason: reason, updatedAt: sql`now()` })
      .where(and(eq(users.id, userId), eq(users.status, from)))
      .returning({ id: users.id, email: users.email });
    if (!changed) {
      const [current] = await tx
        .select({ status: users.status })
        .from(users)
        .where(eq(users.id, userId));
      if (!current) throw new UserError("There is no such person.", 404);
      throw new UserError(
        `This account is ${current.status}, so it cannot be ${to === "suspended" ? "suspended" : "reactivated"}.`,
        409,
      );
    }
    // Suspension takes effect at once: every session of the account ends in the same transaction.
    const sessionsEnded = to === "suspended" ? await endAllSessions(tx, userId, "suspended") : 0;
    await recordAudit(tx, auditActor(by), {
      action: to === "suspended" ? "user.suspended" : "user.reactivated",
      subjectType: "user",
      subjectId: userId,
      data: { reason, email: changed.email, sessionsEnded },
    });
    return { sessionsEnded };
  });
}

export const suspendUser = (db: Db, by: ActingUser, userId: string, reason: string) =>
  changeStatus(db, by, userId, "suspended", reason);

export const reactivateUser = (db: Db, by: ActingUser, userId: string, reason: string) =>
  changeStatus(db, by, userId, "active", reason);

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
