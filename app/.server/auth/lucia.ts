import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { Cookie, Lucia, TimeSpan, type Adapter, type DatabaseSession } from "lucia";
import { sessions, users, type Role, type TrustTier, type UserStatus } from "~db/schema";
import type { Db } from "../db";
import { hashToken } from "../tokens";

export const SESSION_COOKIE_NAME = "greenroom_session";

/**
 * lucia v3 stores session ids as given. We hand it the SHA-256 of the id on every way in and keep
 * the raw id on the way out, so the database never holds a usable session token.
 */
export function hashingAdapter(inner: Adapter): Adapter {
  const restore = (session: DatabaseSession | null, rawId: string) =>
    session ? { ...session, id: rawId } : null;
  return {
    async getSessionAndUser(sessionId) {
      const [session, user] = await inner.getSessionAndUser(hashToken(sessionId));
      return [restore(session, sessionId), user];
    },
    getUserSessions: (userId) => inner.getUserSessions(userId),
    setSession: (session) => inner.setSession({ ...session, id: hashToken(session.id) }),
    updateSessionExpiration: (sessionId, expiresAt) =>
      inner.updateSessionExpiration(hashToken(sessionId), expiresAt),
    deleteSession: (sessionId) => inner.deleteSession(hashToken(sessionId)),
    deleteUserSessions: (userId) => inner.deleteUserSessions(userId),
    deleteExpiredSessions: () => inner.deleteExpiredSessions(),
  };
}

function createLucia(db: Db) {
  const adapter = new DrizzlePostgreSQLAdapter(db as never, sessions, users);
  return new Lucia(hashingAdapter(adapter), {
    // lucia extends a session once half of this has passed: a 30-day sliding expiry.
    sessionExpiresIn: new TimeSpan(30, "d"),
    sessionCookie: {
      name: SESSION_COOKIE_NAME,
      expires: true,
      attributes: {
        // Decided per request (auth/cookie-security.ts): see withSecure below.
        secure: false,
        sameSite: "lax",
      },
    },
    getUserAttributes: (attributes) => ({
      email: attributes.email,
      displayName: attributes.displayName,
      role: attributes.role,
      status: attributes.status,
      trustTier: attributes.trustTier,
      timeZone: attributes.timeZone,
    }),
  });
}

/** lucia's cookie with `Secure` as this request's decision says (secureCookies). */
export function withSecure(cookie: Cookie, secure: boolean): string {
  return new Cookie(cookie.name, cookie.value, { ...cookie.attributes, secure }).serialize();
}

const instances = new WeakMap<Db, ReturnType<typeof createLucia>>();

export function getLucia(db: Db) {
  let lucia = instances.get(db);
  if (!lucia) {
    lucia = createLucia(db);
    instances.set(db, lucia);
  }
  return lucia;
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: {
      email: string;
      displayName: string;
      role: Role;
      status: UserStatus;
      trustTier: TrustTier;
      timeZone: string | null;
    };
  }
}
