import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { notifications } from "~db/schema";
import { assertCan } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db, DbOrTx } from "../db";
import { UserError } from "../errors";
import { encodeTimeCursor, requireTimeCursor } from "../pagination";

export const NOTIFICATIONS_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

const BAD_CURSOR = "That page of notifications does not exist. Start again from the newest.";

/** The person's own notifications, newest first, in keyset pages. */
export async function listNotifications(
  db: Db,
  user: SessionUser,
  options: { cursor?: string | null; limit?: number } = {},
) {
  assertCan(user, "notifications:view");
  const limit = Math.min(
    Math.max(Math.trunc(options.limit ?? NOTIFICATIONS_PAGE_SIZE), 1),
    MAX_PAGE_SIZE,
  );
  const before = requireTimeCursor(options.cursor, BAD_CURSOR);
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
      cursorAt: sql<string>`${notifications.createdAt}::text`,
    })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, user.id),
        before
          ? sql`(${notifications.createdAt}, ${notifications.id}) < (${before.at}::timestamptz, ${before.id})`
          : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const last = rows[limit - 1];
  return {
    notifications: rows.slice(0, limit).map(({ cursorAt: _, ...row }) => row),
    nextCursor: hasMore && last ? encodeTimeCursor(last.cursorAt, last.id) : null,
  };
}

/** How many of the person's notifications are unread (the badge in the header). */
export async function unreadCount(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/**
 * Marks one of the person's notifications read (once: a second open keeps the first time) and
 * returns where it points. Someone else's notification does not exist as far as they can tell.
 */
export async function markRead(db: Db, user: SessionUser, notificationId: string) {
  assertCan(user, "notifications:view");
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, notificationId), eq(notifications.userId, user.id)))
    .returning({ id: notifications.id, link: notifications.link, readAt: notifications.readAt });
  if (!row) throw new UserError("That notification does not exist.", 404);
  return row;
}

/** Marks every unread notification of the person read; returns how many changed. */
export async function markAllRead(db: Db, user: SessionUser) {
  assertCan(user, "notifications:view");
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, user.id), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { marked: rows.length };
}
