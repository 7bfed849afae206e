import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { notify } from "~/.server/notifications/notify";
import { emailOutbox, notifications, type User } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { APP_URL, createUser } from "../../support/factories";

const t = useTestDatabase();

// Callers do not pass the recipient's name: notify reads it with the address.
const commentFor = (user: User) =>
  notify(
    t.db,
    {
      userId: user.id,
      kind: "review_comment",
      title: "Comment at 00:00:03:00 on Salt flats",
      body: "Trim the ending.",
      link: "/submissions/s-1#comment-1",
      email: {
        template: "review-comment",
        props: {
          submissionTitle: "Salt flats",
          reviewerName: "Remi Reviewer",
          at: "00:00:03:00",
          hasDrawing: false,
          body: "Trim the ending.",
        },
      },
    },
    APP_URL,
  );

async function outboxRow(id: string | null) {
  // null: notify skipped the email (the recipient turned this type off); these tests expect one.
  if (!id) throw new Error("notify queued no email");
  const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
  return row!;
}

describe("notify", () => {
  it("records the notification and greets the recipient by their display name", async () => {
    const ada = await createUser(t.db, { displayName: "Ada Artist" });
    const email = await outboxRow(await commentFor(ada));
    expect(email.recipient).toBe(ada.email);
    expect(email.text).toContain("Hello Ada Artist,");
    expect(email.text).toContain(`${APP_URL}/submissions/s-1#comment-1`);
    expect(
      await t.db.select().from(notifications).where(eq(notifications.userId, ada.id)),
    ).toMatchObject([{ kind: "review_comment", link: "/submissions/s-1#comment-1" }]);
  });

  it("greets by the email address when the account has no display name", async () => {
    const nameless = await createUser(t.db, { displayName: "" });
    const email = await outboxRow(await commentFor(nameless));
    expect(email.text).toContain(`Hello ${nameless.email},`);
  });

  it("sends templates that do not greet by name as they are", async () => {
    const user = await createUser(t.db, { displayName: "Ada Artist" });
    const id = await notify(
      t.db,
      {
        userId: user.id,
        kind: "review_comment",
        title: "A note",
        body: "Body",
        link: "/settings",
        email: {
          template: "invite",
          props: {
            inviteUrl: `${APP_URL}/invite/x`,
            invitedByName: "Ada",
            role: "artist",
            expiresAt: "Tue Dec 08 2026",
          },
        },
      },
      APP_URL,
    );
    const email = await outboxRow(id);
    expect(email.template).toBe("invite");
    expect(email.text).toContain(`${APP_URL}/invite/x`);
  });

  it("refuses an unknown recipient", async () => {
    await expect(
      notify(
        t.db,
        {
          userId: "nobody",
          kind: "review_comment",
          title: "A note",
          body: "Body",
          link: "/",
          email: {
            template: "invite",
            props: {
              inviteUrl: `${APP_URL}/invite/x`,
              invitedByName: "Ada",
              role: "artist",
              expiresAt: "Tue Dec 08 2026",
            },
          },
        },
        APP_URL,
      ),
    ).rejects.toThrow(/no user nobody/);
  });
});
