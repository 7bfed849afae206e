import { and, desc, eq, gte, ilike, inArray, like, lt, or, sql, type SQL } from "drizzle-orm";
import { auditLog, submissions, users } from "~db/schema";
import { assertCan, type ActingUser } from "../auth/guards";
import { escapeLike, type Db } from "../db";

export const AUDIT_PAGE_SIZE = 25;
/** The most rows one CSV export holds; a wider range is refused with a way to narrow it. */
export const AUDIT_EXPORT_LIMIT = 50_000;

export type AuditFilter = {
  action?: string;
  /** Who acted: part of a name or email, or "system" for actions nobody signed in took. */
  actor?: string;
  /** What it was done to: a name (person, submission title), or an id or the start of one. */
  subject?: string;
  since?: Date;
  /** Exclusive end of the range. */
  until?: Date;
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

/** An id or the start of one, as the page shows it (8 characters) or pasted whole. */
const ID_PREFIX = /^[0-9a-f][0-9a-f-]{3,35}$/i;

export function isIdPrefix(text: string) {
  return ID_PREFIX.test(text);
}

function conditionsFor(filter: AuditFilter) {
  const conditions: SQL[] = [];
  if (filter.action) conditions.push(ilike(auditLog.action, `${escapeLike(filter.action)}%`));
  if (filter.actor) {
    if (/^system$/i.test(filter.actor)) conditions.push(sql`${auditLog.actorId} is null`);
    else {
      const pattern = `%${escapeLike(filter.actor)}%`;
      conditions.push(or(ilike(users.email, pattern), ilike(users.displayName, pattern))!);
    }
  }
  if (filter.subject) {
    const text = filter.subject;
    const pattern = `%${escapeLike(text)}%`;
    const byName = or(
      inArray(
        auditLog.subjectId,
        sql`(select ${users.id} from ${users} where ${users.displayName} ilike ${pattern} or ${users.email} ilike ${pattern})`,
      ),
      inArray(
        auditLog.subjectId,
        sql`(select ${submissions.id} from ${submissions} where ${submissions.title} ilike ${pattern})`,
      ),
    )!;
    conditions.push(
      isIdPrefix(text)
        ? or(like(auditLog.subjectId, `${escapeLike(text.toLowerCase())}%`), byName)!
        : byName,
    );
  }
  if (filter.since) conditions.push(gte(auditLog.createdAt, filter.since));
  if (filter.until) conditions.push(lt(auditLog.createdAt, filter.until));
  if (filter.before !== undefined) conditions.push(lt(auditLog.id, filter.before));
  return conditions;
}

const columns = {
  id: auditLog.id,
  action: auditLog.action,
  actorId: auditLog.actorId,
  subjectType: auditLog.subjectType,
  subjectId: auditLog.subjectId,
  data: auditLog.data,
  ip: auditLog.ip,
  userAgent: auditLog.userAgent,
  createdAt: auditLog.createdAt,
  actorEmail: users.email,
  actorName: users.displayName,
};

type Row = {
  id: number;
  action: string;
  actorId: string | null;
  subjectType: string;
  subjectId: string | null;
  data: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  actorEmail: string | null;
  actorName: string | null;
};

export type AuditRow = Row & {
  /** "System" for actions nobody signed in took; a deleted account's actions read "Deleted account". */
  actorLabel: string;
  /** The subject's name where it has one (a person, a submission's title), else null. */
  subjectName: string | null;
};

/** Names for the subjects of a page of entries: people and submissions, one query each. */
async function withNames(db: Db, rows: Row[]): Promise<AuditRow[]> {
  const ids = (type: string) => [
    ...new Set(rows.filter((r) => r.subjectType === type && r.subjectId).map((r) => r.subjectId!)),
  ];
  const userIds = ids("user");
  const submissionIds = ids("submission");
  const names = new Map<string, string>();
  if (userIds.length) {
    const found = await db
      .select({ id: users.id, name: users.displayName, email: users.email })
      .from(users)
      .where(inArray(users.id, userIds));
    for (const u of found) names.set(`user:${u.id}`, u.name || u.email);
  }
  if (submissionIds.length) {
    const found = await db
      .select({ id: submissions.id, title: submissions.title })
      .from(submissions)
      .where(inArray(submissions.id, submissionIds));
    for (const s of found) names.set(`submission:${s.id}`, s.title);
  }
  return rows.map((r) => ({
    ...r,
    actorLabel: r.actorId ? r.actorName || r.actorEmail || "Deleted account" : "System",
    subjectName: r.subjectId ? (names.get(`${r.subjectType}:${r.subjectId}`) ?? null) : null,
  }));
}

/** Newest first, paged by keyset so deep pages cost the same as the first. */
export async function listAudit(db: Db, by: ActingUser, filter: AuditFilter) {
  assertCan(by, "audit:read");
  const conditions = conditionsFor(filter);
  const rows = await db
    .select(columns)
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  const hasMore = rows.length > AUDIT_PAGE_SIZE;
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const last = page.at(-1);
  return {
    entries: await withNames(db, page),
    nextCursor: hasMore && last ? encodeCursor(last) : null,
  };
}

/**
 * Every entry the filter matches, newest first, fetched in keyset pages of 1,000, for the CSV
 * export. Null when there are more than AUDIT_EXPORT_LIMIT (the range should be narrowed).
 */
export async function exportAudit(db: Db, by: ActingUser, filter: Omit<AuditFilter, "before">) {
  assertCan(by, "audit:read");
  const all: AuditRow[] = [];
  let before: number | undefined;
  for (;;) {
    const conditions = conditionsFor({ ...filter, before });
    const rows = await db
      .select(columns)
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorId))
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(auditLog.id))
      .limit(1000);
    all.push(...(await withNames(db, rows)));
    if (all.length > AUDIT_EXPORT_LIMIT) return null;
    if (rows.length < 1000) return all;
    before = rows.at(-1)!.id;
  }
}
