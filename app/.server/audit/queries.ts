import { and, desc, eq, gte, ilike, lt, or, type SQL } from "drizzle-orm";
import { auditLog, users } from "~db/schema";
import { assertCan, type ActingUser } from "../auth/guards";
import { escapeLike, type Db } from "../db";

export const AUDIT_PAGE_SIZE = 50;

export type AuditFilter = {
  action?: string;
  actor?: string;
  subject?: string;
  since?: Date;
  /** Keyset cursor: the id of the last row of the previous page. */
  before?: number;
};

// Pages are keyed by id alone: ids grow with every insert, so "newest first" is "highest id first",
// and an id is exact where a timestamp (microseconds in the database, milliseconds in JavaScript)
// would not be.
export function encodeCursor(row: { id: number }) {
  return String(row.id);
}

export function decodeCursor(cursor: string | null) {
  if (!cursor || !/^\d{1,15}$/.test(cursor)) return undefined;
  return Number(cursor);
}

/** Newest first, paged by keyset so deep pages cost the same as the first. */
export async function listAudit(db: Db, by: ActingUser, filter: AuditFilter) {
  assertCan(by, "audit:read");
  const conditions: SQL[] = [];
  if (filter.action) conditions.push(ilike(auditLog.action, `${escapeLike(filter.action)}%`));
  if (filter.actor) {
    const pattern = `%${escapeLike(filter.actor)}%`;
    conditions.push(or(ilike(users.email, pattern), ilike(users.displayName, pattern))!);
  }
  if (filter.subject) conditions.push(eq(auditLog.subjectId, filter.subject));
  if (filter.since) conditions.push(gte(auditLog.createdAt, filter.since));
  if (filter.before !== undefined) conditions.push(lt(auditLog.id, filter.before));
  const rows = await db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      subjectType: auditLog.subjectType,
      subjectId: auditLog.subjectId,
      data: auditLog.data,
      ip: auditLog.ip,
      userAgent: auditLog.userAgent,
      createdAt: auditLog.createdAt,
      actorEmail: users.email,
      actorName: users.displayName,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  const hasMore = rows.length > AUDIT_PAGE_SIZE;
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const last = page.at(-1);
  return { entries: page, nextCursor: hasMore && last ? encodeCursor(last) : null };
}
