import { eq, lt } from "drizzle-orm";
import type { Session } from "lucia";
import { endedSessions, sessions, type Role, type TrustTier } from "~db/schema";
import type { Db, DbOrTx } from "../db";
import { hashToken } from "../tokens";
import { getLucia, SESSION_COOKIE_NAME } from "./lucia";

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

export async function resolveSession(db: Db, cookieHeader: string | null): Promise<RequestAuth> {
  const sessionId = readCookie(cookieHeader, SESSION_COOKIE_NAME);
  if (!sessionId) return anonymous;
  const lucia = getLucia(db);
  const { session, user } = await lucia.validateSession(sessionId);
  if (!session || !user || user.status !== "active") {
    if (session) await lucia.invalidateSession(session.id);
    const [ended] = await db
      .select({ reason: endedSessions.reason })
      .from(endedSessions)
      .where(eq(endedSessions.id, hashToken(sessionId)));
    return {
      user: null,
      sessionId: null,
      ended: ended?.reason ?? (user?.status === "suspended" ? "suspended" : null),
      setCookies: [lucia.createBlankSessionCookie().serialize()],
    };
  }
  return {
    user: {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      trustTier: user.trustTier,
      timeZone: user.timeZone,
    },
    sessionId: session.id,
    ended: null,
    // lucia marks a session fresh when it has just extended it: send the new expiry.
    setCookies: session.fresh ? [lucia.createSessionCookie(session.id).serialize()] : [],
  };
}

export async function startSession(
  db: Db,
  userId: string,
): Promise<{ session: Session; cookie: string }> {
  const lucia = getLucia(db);
  const session = await lucia.createSession(userId, {});
  return { session, cookie: lucia.createSessionCookie(session.id).serialize() };
}

export async function endSession(db: Db, sessionId: string): Promise<string> {
  const lucia = getLucia(db);
  await lucia.invalidateSession(sessionId);
  return lucia.createBlankSessionCookie().serialize();
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
