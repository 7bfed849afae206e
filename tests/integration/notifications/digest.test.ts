import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createMailer } from "~/.server/mail/mailer";
import { sendOverdueDigests } from "~/.server/notifications/digest";
import { emailOutbox, reviewDigests, submissions, type User } from "~db/schema";
import type { SubmissionState } from "~/lib/review";
import { useTestDatabase } from "../../support/db";
import { APP_URL, createUser } from "../../support/factories";

const t = useTestDatabase();
const mailer = createMailer({ EMAIL_FROM: "Greenroom <no-reply@greenroom.test>" });

const HOUR = 3600_000;
// 09:30 UTC: after the 08:00 digest hour.
const now = new Date("2030-03-10T09:30:00Z");
const options = { now, targetHours: 48, digestHourUtc: 8, appUrl: APP_URL };

async function submission(
  artist: User,
  overrides: {
    title?: string;
    hoursAgo: number;
    state?: SubmissionState;
    claimedBy?: string;
    claimExpiresAt?: Date;
  },
) {
  const [row] = await t.db
    .insert(submissions)
    .values({
      userId: artist.id,
      title: overrides.title ?? "Lighthouse at dusk",
      description: "For my reel.",
      intendedUse: "festival",
      channels: ["Vimeo"],
      approvalsNeeded: 1,
      termsAcceptedAt: new Date(now.getTime() - overrides.hoursAgo * HOUR),
      submittedAt: new Date(now.getTime() - overrides.hoursAgo * HOUR),
      state: overrides.state ?? "pending",
      claimedBy: overrides.claimedBy ?? null,
      claimExpiresAt: overrides.claimExpiresAt ?? null,
    })
    .returning();
  return row!;
}

async function reviewTeam() {
  const artist = await createUser(t.db, { role: "artist" });
  const rae = await createUser(t.db, { role: "reviewer", email: "rae@example.test" });
  const rob = await createUser(t.db, {
    role: "reviewer",
    email: "rob@example.test",
    displayName: "Rob Reviewer",
  });
  const ada = await createUser(t.db, { role: "admin", email: "ada@example.test" });
  await createUser(t.db, { role: "reviewer", email: "sus@example.test", status: "suspended" });
  await createUser(t.db, { role: "reviewer", email: "new@example.test", status: "invited" });
  await createUser(t.db, { role: "artist", email: "other-artist@example.test" });
  return { artist, rae, rob, ada };
}

const digests = () =>
  t.db
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.template, "overdue-digest"))
    .orderBy(asc(emailOutbox.recipient));

describe("the overdue digest", () => {
  it("sends nothing before the digest hour", async () => {
    const { artist } = await reviewTeam();
    await submission(artist, { hoursAgo: 72 });
    const early = new Date("2030-03-10T07:59:59Z");
    expect(await sendOverdueDigests(t.db, mailer, { ...options, now: early })).toEqual({
      recipients: 0,
      overdue: 0,
    });
    expect(await digests()).toHaveLength(0);
    expect(await t.db.select().from(reviewDigests)).toHaveLength(0);
  });

  it("sends nothing when nothing waiting is overdue, and does not use up the day", async () => {
    const { artist } = await reviewTeam();
    await submission(artist, { hoursAgo: 47 });
    await submission(artist, { hoursAgo: 200, state: "approved" });
    await submission(artist, { hoursAgo: 200, state: "withdrawn" });
    await submission(artist, { hoursAgo: 200, state: "changes_requested" });
    expect(await sendOverdueDigests(t.db, mailer, options)).toEqual({ recipients: 0, overdue: 0 });
    expect(await digests()).toHaveLength(0);
    expect(await t.db.select().from(reviewDigests)).toHaveLength(0);

    // Later that day the 47-hour item crosses the target: the digest still goes out today.
    const later = new Date(now.getTime() + 2 * HOUR);
    expect(await sendOverdueDigests(t.db, mailer, { ...options, now: later })).toEqual({
      recipients: 3,
      overdue: 1,
    });
  });

  it("emails each active reviewer and admin once, listing the overdue items oldest first", async () => {
    const { artist, rob } = await reviewTeam();
    const old = await submission(artist, { title: "Harbour at dawn", hoursAgo: 100 });
    const claimed = await submission(artist, {
      title: "Night market in the rain",
      hoursAgo: 60,
      state: "in_review",
      claimedBy: rob.id,
      claimExpiresAt: new Date(now.getTime() + 10 * 60_000),
    });
    await submission(artist, {
      title: "Stale claim",
      hoursAgo: 50,
      state: "in_review",
      claimedBy: rob.id,
      claimExpiresAt: new Date(now.getTime() - 60_000),
    });
    await submission(artist, { title: "Fresh one", hoursAgo: 2 });

    expect(await sendOverdueDigests(t.db, mailer, options)).toEqual({ recipients: 3, overdue: 3 });
    const sent = await digests();
    expect(sent.map((m) => m.recipient)).toEqual([
      "ada@example.test",
      "rae@example.test",
      "rob@example.test",
    ]);
    expect(sent.every((m) => m.status === "sent")).toBe(true);
    const text = sent.find((m) => m.recipient === "rob@example.test")!.text;
    expect(sent[0]!.subject).toBe("3 submissions are waiting longer than 48 hours");
    expect(text).toContain("Hello Rob Reviewer");
    expect(text).toContain("Harbour at dawn");
    expect(text).toContain(`${APP_URL}/review/${old.id}`);
    expect(text).toContain(`${APP_URL}/review/${claimed.id}`);
    expect(text).toContain(`${APP_URL}/review?overdue=1`);
    expect(text).toContain("Festival");
    expect(text).toContain("100 hours");
    expect(text).toContain("being reviewed by Rob Reviewer");
    expect(text).not.toContain("Fresh one");
    // Oldest first; the expired claim counts as nobody's.
    const order = ["Harbour at dawn", "Night market in the rain", "Stale claim"].map((title) =>
      text.indexOf(title),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text.match(/being reviewed by/g)).toHaveLength(1);

    const rows = await t.db.select().from(reviewDigests);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.day === "2030-03-10")).toBe(true);
  });

  it("sends nothing more the same day, and again the next day", async () => {
    const { artist } = await reviewTeam();
    await submission(artist, { hoursAgo: 72 });
    expect(await sendOverdueDigests(t.db, mailer, options)).toMatchObject({ recipients: 3 });
    const evening = new Date("2030-03-10T23:50:00Z");
    expect(await sendOverdueDigests(t.db, mailer, { ...options, now: evening })).toEqual({
      recipients: 0,
      overdue: 1,
    });
    expect(await digests()).toHaveLength(3);
    const nextDay = new Date("2030-03-11T08:00:00Z");
    expect(await sendOverdueDigests(t.db, mailer, { ...options, now: nextDay })).toMatchObject({
      recipients: 3,
    });
    expect(await digests()).toHaveLength(6);
  });

  it("five runs at once still send one digest per reviewer", async () => {
    const { artist } = await reviewTeam();
    await submission(artist, { hoursAgo: 72 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => sendOverdueDigests(t.db, mailer, options)),
    );
    expect(results.reduce((sum, r) => sum + r.recipients, 0)).toBe(3);
    const sent = await digests();
    expect(sent.map((m) => m.recipient)).toEqual([
      "ada@example.test",
      "rae@example.test",
      "rob@example.test",
    ]);
  });

  it("lists at most 20 items but counts them all", async () => {
    const { artist } = await reviewTeam();
    const ids: string[] = [];
    for (let i = 0; i < 23; i++)
      ids.push((await submission(artist, { title: `Item ${i}`, hoursAgo: 100 + i })).id);
    expect(await sendOverdueDigests(t.db, mailer, options)).toEqual({ recipients: 3, overdue: 23 });
    const [first] = await digests();
    expect(first!.subject).toBe("23 submissions are waiting longer than 48 hours");
    expect(first!.text.match(/\/review\/[0-9a-f-]{36}/g)).toHaveLength(20);
    // The 20 oldest are listed; the three newest are not.
    for (const id of ids.slice(3)) expect(first!.text).toContain(`/review/${id}`);
    for (const id of ids.slice(0, 3)) expect(first!.text).not.toContain(`/review/${id}`);
    expect(first!.text).toContain("Open the overdue queue (23)");
  });
});
