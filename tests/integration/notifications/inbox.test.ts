import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { UserError } from "~/.server/errors";
import {
  listNotifications,
  markAllRead,
  markRead,
  unreadCount,
} from "~/.server/notifications/inbox";
import { action, loader } from "~/routes/notifications/route";
import { loader as rootLoader } from "~/root";
import { notifications, type User } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";

const t = useTestDatabase();

const base = Date.parse("2030-01-01T12:00:00Z");

/** Inserts `n` notifications for `user`; pairs share a creation time, so the id breaks the tie. */
async function seed(user: User, n: number, label = "Note") {
  const rows = Array.from({ length: n }, (_, i) => ({
    userId: user.id,
    kind: "review_comment",
    title: `${label} ${i}`,
    body: `Body of ${label.toLowerCase()} ${i}`,
    link: `/submissions/s-${i}`,
    // Microseconds too: the cursor must survive them.
    createdAt: sql`${new Date(base + Math.floor(i / 2) * 60_000).toISOString()}::timestamptz + interval '123 microseconds'`,
  }));
  return t.db.insert(notifications).values(rows).returning();
}

type Page = {
  notifications: { id: string; title: string; readAt: string | null }[];
  nextCursor: string | null;
  unread: number;
};

describe("the notification inbox", () => {
  it("pages a person's own notifications newest first by keyset, without gaps or repeats", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const bea = await createUser(t.db, { role: "reviewer" });
    const mine = await seed(ari, 45);
    await seed(bea, 7, "Theirs");
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof listNotifications>> = await listNotifications(
        t.db,
        acting(ari),
        { cursor, limit: 20 },
      );
      seen.push(...page.notifications.map((n) => n.id));
      expect(page.notifications.every((n) => n.title.startsWith("Note"))).toBe(true);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    const expected = [...mine]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((n) => n.id);
    expect(seen).toEqual(expected);

    const theirs = await listNotifications(t.db, acting(bea), { limit: 20 });
    expect(theirs.notifications.map((n) => n.title).every((x) => x.startsWith("Theirs"))).toBe(
      true,
    );
    expect(theirs.nextCursor).toBeNull();
  });

  it("refuses a hand-edited cursor with a 400", async () => {
    const ari = await createUser(t.db);
    await seed(ari, 3);
    const good = (await listNotifications(t.db, acting(ari), { limit: 1 })).nextCursor!;
    expect(good).toMatch(/\.\d*123[+-]\d{2}(:\d{2})?_/);
    const next = await listNotifications(t.db, acting(ari), { cursor: good, limit: 20 });
    expect(next.notifications).toHaveLength(2);
    for (const bad of [
      "nonsense",
      good.replace(/^\d{4}-\d{2}-\d{2}/, "2030-02-30"),
      good.replace(/ \d{2}:/, " 25:"),
      good.replace(/_.*$/, "_not-a-uuid"),
      `${good}'; drop table notifications; --`,
    ]) {
      const attempt = listNotifications(t.db, acting(ari), { cursor: bad, limit: 20 });
      await expect(attempt).rejects.toBeInstanceOf(UserError);
      await expect(attempt).rejects.toMatchObject({ status: 400 });
    }
  });

  it("counts unread, marks one read only for its owner, and marks all read", async () => {
    const ari = await createUser(t.db);
    const bea = await createUser(t.db);
    const [a0] = await seed(ari, 3);
    const [b0] = await seed(bea, 2);
    expect(await unreadCount(t.db, ari.id)).toBe(3);
    expect(await unreadCount(t.db, bea.id)).toBe(2);

    await expect(markRead(t.db, acting(ari), b0!.id)).rejects.toMatchObject({ status: 404 });
    await expect(markRead(t.db, acting(ari), "no-such-id")).rejects.toMatchObject({
      status: 404,
    });
    expect(await unreadCount(t.db, bea.id)).toBe(2);

    const opened = await markRead(t.db, acting(ari), a0!.id);
    expect(opened.link).toBe(a0!.link);
    expect(await unreadCount(t.db, ari.id)).toBe(2);
    // Opening again keeps the first time it was read.
    const again = await markRead(t.db, acting(ari), a0!.id);
    expect(again.readAt).toEqual(opened.readAt);

    expect(await markAllRead(t.db, acting(ari))).toEqual({ marked: 2 });
    expect(await unreadCount(t.db, ari.id)).toBe(0);
    expect(await unreadCount(t.db, bea.id)).toBe(2);
  });
});

describe("the /notifications page", () => {
  it("lists only the signed-in person's notifications and pages with a cursor", async () => {
    const ari = await createUser(t.db);
    const bea = await createUser(t.db, { role: "admin" });
    await seed(ari, 25);
    await seed(bea, 2, "Theirs");
    const cookie = await sessionCookieFor(t.db, ari);
    const first = await callRoute(t.db, loader, makeRequest("/notifications", { cookie }));
    expect(first.status).toBe(200);
    const page1 = first.body as Page;
    expect(page1.notifications).toHaveLength(20);
    expect(page1.unread).toBe(25);
    const second = await callRoute(
      t.db,
      loader,
      makeRequest(`/notifications?cursor=${encodeURIComponent(page1.nextCursor!)}`, { cookie }),
    );
    const page2 = second.body as Page;
    expect(page2.notifications).toHaveLength(5);
    expect(page2.nextCursor).toBeNull();
    expect(
      [...page1.notifications, ...page2.notifications].every((n) => n.title.startsWith("Note")),
    ).toBe(true);

    const bad = await callRoute(
      t.db,
      loader,
      makeRequest("/notifications?cursor=2030-01-01_x", { cookie }),
    );
    expect(bad.status).toBe(400);

    const signedOut = await callRoute(t.db, loader, makeRequest("/notifications"));
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toMatch(/^\/login/);
  });

  it("opening a notification marks it read and goes to its link; read-all clears the badge", async () => {
    const ari = await createUser(t.db);
    const bea = await createUser(t.db);
    const [a0] = await seed(ari, 3);
    const [b0] = await seed(bea, 1);
    const cookie = await sessionCookieFor(t.db, ari);

    const root = async () =>
      (await callRoute(t.db, rootLoader, makeRequest("/", { cookie }))).body as {
        unreadNotifications: number;
      };
    expect((await root()).unreadNotifications).toBe(3);
    const anonymousRoot = (await callRoute(t.db, rootLoader, makeRequest("/"))).body as {
      unreadNotifications: number;
    };
    expect(anonymousRoot.unreadNotifications).toBe(0);

    const open = await callRoute(
      t.db,
      action,
      makeRequest("/notifications", { cookie, form: { intent: "read", id: a0!.id } }),
    );
    expect(open.status).toBe(302);
    expect(open.headers.get("location")).toBe(a0!.link);
    expect((await root()).unreadNotifications).toBe(2);

    const someoneElses = await callRoute(
      t.db,
      action,
      makeRequest("/notifications", { cookie, form: { intent: "read", id: b0!.id } }),
    );
    expect(someoneElses.status).toBe(404);
    const [untouched] = await t.db.select().from(notifications).where(eq(notifications.id, b0!.id));
    expect(untouched!.readAt).toBeNull();

    const nonsense = await callRoute(
      t.db,
      action,
      makeRequest("/notifications", { cookie, form: { intent: "explode" } }),
    );
    expect(nonsense.status).toBe(422);
    const missingId = await callRoute(
      t.db,
      action,
      makeRequest("/notifications", { cookie, form: { intent: "read" } }),
    );
    expect(missingId.status).toBe(422);

    const all = await callRoute(
      t.db,
      action,
      makeRequest("/notifications", { cookie, form: { intent: "read-all" } }),
    );
    expect(all.status).toBe(302);
    expect(all.headers.get("location")).toBe("/notifications");
    expect((await root()).unreadNotifications).toBe(0);
    expect(await unreadCount(t.db, bea.id)).toBe(1);
  });

  it("never redirects off the site, whatever a notification's link holds", async () => {
    const ari = await createUser(t.db);
    const [row] = await t.db
      .insert(notifications)
      .values({
        userId: ari.id,
        kind: "review_comment",
        title: "Odd",
        body: "Odd link",
        link: "//evil.example/phish",
      })
      .returning();
    const cookie = await sessionCookieFor(t.db, ari);
    const res = await callRoute(
      t.db,
      action,
      makeRequest("/notifications", { cookie, form: { intent: "read", id: row!.id } }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/notifications");
  });
});
