import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { endAllSessions, resolveSession, startSession } from "~/.server/auth/session";
import { hashToken } from "~/.server/tokens";
import { notifications, sessions, users } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { createUser } from "../../support/factories";

// Every signed-in request resolves its session with one query that also reads the user and the
// header's unread count (ADR 0024). It must keep lucia's rules: sliding expiry, expired and
// suspended sessions end, and a session ended on purpose says why.

const t = useTestDatabase();
const DAY = 86_400_000;

async function signedIn() {
  const user = await createUser(t.db, { displayName: "Ari Artist" });
  const { session, cookie } = await startSession(t.db, user.id, { secure: false });
  return { user, rawId: session.id, header: cookie.split(";")[0]! };
}

const note = (userId: string, readAt: Date | null = null) => ({
  userId,
  kind: "comment",
  title: "A comment",
  body: "On your clip",
  link: "/submissions",
  readAt,
});

describe("resolveSession", () => {
  it("reads the user and the unread count with the session, and does not extend a new session", async () => {
    const { user, rawId, header } = await signedIn();
    const other = await createUser(t.db);
    await t.db
      .insert(notifications)
      .values([note(user.id), note(user.id), note(user.id, new Date()), note(other.id)]);
    const auth = await resolveSession(t.db, header, { secure: false });
    expect(auth).toMatchObject({
      user: { id: user.id, email: user.email, displayName: "Ari Artist", role: "artist" },
      sessionId: rawId,
      ended: null,
      setCookies: [],
      unreadNotifications: 2,
    });
  });

  it("extends a session past half its life and sends the new expiry", async () => {
    const { rawId, header } = await signedIn();
    const soon = new Date(Date.now() + 10 * DAY);
    await t.db
      .update(sessions)
      .set({ expiresAt: soon })
      .where(eq(sessions.id, hashToken(rawId)));
    const auth = await resolveSession(t.db, header, { secure: false });
    expect(auth.user).not.toBeNull();
    expect(auth.setCookies).toHaveLength(1);
    expect(auth.setCookies[0]).toContain(`${header}`);
    const [row] = await t.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, hashToken(rawId)));
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it("ends an expired session: no user, a blank cookie, the row gone", async () => {
    const { rawId, header } = await signedIn();
    await t.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, hashToken(rawId)));
    const auth = await resolveSession(t.db, header, { secure: false });
    expect(auth).toMatchObject({ user: null, sessionId: null, ended: null });
    expect(auth.setCookies[0]).toMatch(/greenroom_session=;/);
    expect(
      await t.db
        .select()
        .from(sessions)
        .where(eq(sessions.id, hashToken(rawId))),
    ).toEqual([]);
  });

  it("says why a session ended on purpose, and refuses a suspended account's session", async () => {
    const first = await signedIn();
    await t.db.transaction((tx) => endAllSessions(tx, first.user.id, "password_reset"));
    expect(await resolveSession(t.db, first.header, { secure: false })).toMatchObject({
      user: null,
      ended: "password_reset",
    });

    const second = await signedIn();
    await t.db.update(users).set({ status: "suspended" }).where(eq(users.id, second.user.id));
    expect(await resolveSession(t.db, second.header, { secure: false })).toMatchObject({
      user: null,
      ended: "suspended",
    });
    expect(
      await resolveSession(t.db, "greenroom_session=unknown", { secure: false }),
    ).toMatchObject({
      user: null,
      ended: null,
    });
    expect(await resolveSession(t.db, null, { secure: false })).toMatchObject({
      user: null,
      setCookies: [],
    });
  });
});
