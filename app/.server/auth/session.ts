import { eq, lt, sql } from "drizzle-orm";
import type { Session } from "lucia";
import {
  endedSessions,
  notifications,
  sessions,
  users,
  type Role,
  type TrustTier,
} from "~db/schema";
import type { Db, DbOrTx } from "../db";
import { hashToken } from "../tokens";
import { getLucia, SESSION_COOKIE_NAME, withSecure } from "./lucia";

export type SessionUser = {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  trustTier: TrustTier;
  /** The IANA zone the person's pages show times in (null: not reported yet, so UTC). */
  timeZone?: string | null;
};

export type EndedReason = (typeof endedSessions.$inferSelect)["reason"];

/** What a request knows about who sent it; built once per request (server/app.ts). */
export type RequestAuth = {
  user: SessionUser | null;
  sessionId: string | null;
  /** Why the cookie's session no longer exists, when we ended it on purpose. */
  ended: EndedReason | null;
  /** Set-Cookie headers to send: a renewed session cookie, or a blank one for a dead session. */
  setCookies: string[];
  /**
   * The person's unread notifications, read in the same query as the session (the header's
   * badge), as of the start of the request. Absent when not read that way.
   */
  unreadNotifications?: number;
};

export const anonymous: RequestAuth = { user: null, sessionId: null, ended: null, setCookies: [] };

function readCookie(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

const DAY_MS = 86_400_000;
/** Sessions last 30 days and are extended once half of that has passed (as lucia does). */
const SESSION_DAYS = 30;

/**
 * The session, its user and the header's unread count in one prepared statement: every signed-in
 * request pays this, so it is one round trip (ADR 0024), not lucia's lookup plus a count.
 */
function sessionLookup(db: Db) {
  let prepared = lookups.get(db);
  if (!prepared) {
    prepared = db
      .select({
        expiresAt: sessions.expiresAt,
        id: users.id,
        email: users.email,
        displayName: users.displayName,
        role: users.role,
        status: users.status,
        trustTier: users.trustTier,
        timeZone: users.timeZone,
        unread: sql<number>`(SELECT count(*) FROM ${notifications}
          WHERE ${notifications.userId} = ${users.id} AND ${notifications.readAt} IS NULL)::int`,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sql.placeholder("id")))
      .prepare("greenroom_session_lookup");
    lookups.set(db, prepared);
  }
  return prepared;
}
const lookups = new WeakMap<Db, { execute: (values: { id: string }) => Promise<unknown> }>();

/** How cookies set for this request are marked: `secure` comes from secureCookies(). */
export type CookieOptions = { secure: boolean };

export async function resolveSession(
  db: Db,
  cookieHeader: string | null,
  cookies: CookieOptions,
): Promise<RequestAuth> {
  const sessionId = readCookie(cookieHeader, SESSION_COOKIE_NAME);
  if (!sessionId) return anonymous;
  const lucia = getLucia(db);
  const hashed = hashToken(sessionId);
  const [found] = (await sessionLookup(db).execute({ id: hashed })) as {
    expiresAt: Date;
    id: string;
    email: string;
    displayName: string;
    role: Role;
    status: string;
    trustTier: TrustTier;
    timeZone: string | null;
    unread: number;
  }[];
  const now = Date.now();
  const expired = found && new Date(found.expiresAt).getTime() <= now;
  if (!found || expired || found.status !== "active") {
    if (found) await db.delete(sessions).where(eq(sessions.id, hashed));
    const [ended] = await db
      .select({ reason: endedSessions.reason })
      .from(endedSessions)
      .where(eq(endedSessions.id, hashed));
    return {
      user: null,
      sessionId: null,
      ended:
        ended?.reason ?? (found && !expired && found.status === "suspended" ? "suspended" : null),
      setCookies: [withSecure(lucia.createBlankSessionCookie(), cookies.secure)],
    };
  }
  // Past half its life: extend it and send the new expiry (lucia's "fresh" session).
  let fresh = false;
  if (new Date(found.expiresAt).getTime() - now < (SESSION_DAYS / 2) * DAY_MS) {
    await db
      .update(sessions)
      .set({ expiresAt: new Date(now + SESSION_DAYS * DAY_MS) })
      .where(eq(sessions.id, hashed));
    fresh = true;
  }
  return {
    user: {
      id: found.id,
      email: found.email,
      displayName: found.displayName,
      role: found.role,
      trustTier: found.trustTier,
      timeZone: found.timeZone,
    },
    sessionId,
    ended: null,
    setCookies: fresh ? [withSecure(lucia.createSessionCookie(sessionId), cookies.secure)] : [],
    unreadNotifications: found.unread,
  };
}

export async function startSession(
  db: Db,
  userId: string,
  cookies: CookieOptions,
): Promise<{ session: Session; cookie: string }> {
  const lucia = getLucia(db);
  const session = await lucia.createSession(userId, {});
  return { session, cookie: withSecure(lucia.createSessionCookie(session.id), cookies.secure) };
}

export async function endSession(
  db: Db,
  sessionId: string,
  cookies: CookieOptions,
): Promise<string> {
  const lucia = getLucia(db);
  await lucia.invalidateSession(sessionId);
  return withSecure(lucia.createBlankSessionCookie(), cookies.secure);
}

/**
 * Ends every session of a person at once (suspension, password reset), remembering why so their
 * next request can say so. Runs inside the caller's transaction.
 */
export async function endAllSessions(tx: DbOrTx, userId: string, reason: EndedReason) {
  const ended = await tx
    .delete(sessions)
    .where(eq(sessions.userId, userId))
    .returning({ id: sessions.id });
  if (ended.length > 0) {
    await tx
      .insert(endedSessions)
      .values(ended.map((s) => ({ id: s.id, reason })))
      .onConflictDoNothing();
  }
  return ended.length;
}

export async function pruneEndedSessions(db: DbOrTx, olderThan: Date) {
  await db.delete(endedSessions).where(lt(endedSessions.endedAt, olderThan));
}
