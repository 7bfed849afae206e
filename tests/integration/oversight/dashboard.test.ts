import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createFiguresCache } from "~/.server/figures-cache";
import { defaultRange, loadDashboard, rangeInput } from "~/.server/oversight/dashboard";
import { UserError } from "~/.server/errors";
import {
  accountActivity,
  generationJobs,
  ledgerEntries,
  payoutBatches,
  payouts,
  reviewDecisions,
  submissions,
  submissionVersions,
  type User,
} from "~db/schema";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";
import { createFinishedClip } from "../../support/generation";
import { loader } from "~/routes/admin._index/route";

// Every number on the dashboard, checked against values worked out by hand from a small program
// laid out below, over 1–3 March 2026 (UTC). Rows outside the range must not count.

const t = useTestDatabase();
const RANGE = { from: "2026-03-01", to: "2026-03-03" };
const at = (iso: string) => new Date(`${iso}Z`);

async function program() {
  const admin = await createUser(t.db, { role: "admin" });
  const reviewer = await createUser(t.db, { role: "reviewer" });
  const ari = await createUser(t.db, { role: "artist" });
  const bea = await createUser(t.db, { role: "artist" });
  const job = (
    userId: string,
    provider: string,
    seconds: number,
    status: "queued" | "succeeded" | "failed",
    created: string,
    dispatched: string | null,
    finished: string | null,
  ) => ({
    userId,
    provider,
    prompt: "Test shot",
    durationSeconds: seconds,
    resolution: "720p" as const,
    aspectRatio: "16:9",
    style: "cinematic",
    seed: 1,
    status,
    createdAt: at(created),
    dispatchedAt: dispatched ? at(dispatched) : null,
    finishedAt: finished ? at(finished) : null,
  });
  await t.db.insert(generationJobs).values([
    // 1 March: 12 s from local; waits of 2 and 10 minutes.
    job(
      ari.id,
      "local",
      8,
      "succeeded",
      "2026-03-01T10:00:00",
      "2026-03-01T10:02:00",
      "2026-03-01T10:05:00",
    ),
    job(
      ari.id,
      "local",
      4,
      "succeeded",
      "2026-03-01T11:00:00",
      "2026-03-01T11:10:00",
      "2026-03-01T11:12:00",
    ),
    // 2 March: 6 s from replicate (the failed job delivers nothing); waits of 30 and 1 minutes.
    job(
      bea.id,
      "replicate",
      6,
      "succeeded",
      "2026-03-02T09:00:00",
      "2026-03-02T09:30:00",
      "2026-03-02T09:40:00",
    ),
    job(
      bea.id,
      "replicate",
      5,
      "failed",
      "2026-03-02T12:00:00",
      "2026-03-02T12:01:00",
      "2026-03-02T12:03:00",
    ),
    // Still waiting at the end of 2 and 3 March.
    job(ari.id, "local", 8, "queued", "2026-03-02T23:00:00", null, null),
    // Waiting at the end of 2 March, given a slot after 60 minutes on 3 March.
    job(
      bea.id,
      "local",
      4,
      "succeeded",
      "2026-03-02T23:30:00",
      "2026-03-03T00:30:00",
      "2026-03-03T00:35:00",
    ),
    // Outside the range entirely.
    job(
      bea.id,
      "local",
      8,
      "succeeded",
      "2026-03-05T10:00:00",
      "2026-03-05T10:01:00",
      "2026-03-05T10:03:00",
    ),
  ]);
  // 3 March: Bea only browses (an artist); the reviewer's activity does not make an artist.
  await t.db.insert(accountActivity).values([
    {
      userId: bea.id,
      hour: at("2026-03-03T08:00:00"),
      ip: "198.51.100.4",
      userAgent: "Firefox",
      requests: 12,
    },
    {
      userId: reviewer.id,
      hour: at("2026-03-03T09:00:00"),
      ip: "198.51.100.9",
      userAgent: "Safari",
      requests: 40,
    },
  ]);

  // Review: versions decided after 4 h (week of 23 Feb), 10 h and 24 h (week of 2 March).
  const { clip } = await createFinishedClip(t.db, ari);
  const submission = async (title: string) => {
    const [s] = await t.db
      .insert(submissions)
      .values({
        userId: ari.id,
        title,
        description: "A test.",
        intendedUse: "portfolio",
        channels: ["Vimeo"],
        approvalsNeeded: 1,
        termsAcceptedAt: at("2026-03-01T00:00:00"),
        state: "approved",
      })
      .returning();
    return s!;
  };
  const decidedVersion = async (created: string, decided: string) => {
    const s = await submission(`Clip of ${created}`);
    await t.db.insert(submissionVersions).values({
      submissionId: s.id,
      number: 1,
      clipId: clip.id,
      createdAt: at(created),
      decidedAt: at(decided),
    });
    return s;
  };
  const s1 = await decidedVersion("2026-03-01T10:00:00", "2026-03-01T14:00:00");
  const s2 = await decidedVersion("2026-03-02T10:00:00", "2026-03-02T20:00:00");
  const s3 = await decidedVersion("2026-03-02T12:00:00", "2026-03-03T12:00:00");
  await decidedVersion("2026-03-04T10:00:00", "2026-03-05T10:00:00"); // outside

  const decision = (
    submissionId: string,
    decision: "approve" | "request_changes" | "reject",
    reason: string | null,
    created: string,
  ) => ({
    submissionId,
    versionNumber: 1,
    reviewerId: reviewer.id,
    decision,
    reasonCategory: reason,
    createdAt: at(created),
  });
  await t.db.insert(reviewDecisions).values([
    decision(s1.id, "reject", "policy", "2026-03-01T14:00:00"),
    decision(s2.id, "approve", null, "2026-03-02T20:00:00"),
    { ...decision(s3.id, "approve", null, "2026-03-03T12:00:00") },
    { ...decision(s2.id, "request_changes", "quality", "2026-03-03T13:00:00"), versionNumber: 2 },
    { ...decision(s3.id, "reject", "policy", "2026-03-05T10:00:00"), versionNumber: 2 }, // outside
  ]);

  // Money in March: Ari earns 100.00 USD and a 50.00 grant that is reversed; 100.00 is paid.
  // Bea earns 7.00 EUR. Never added across currencies.
  const entry = (
    userId: string,
    currency: string,
    kind: "earning" | "grant",
    minor: number,
    day: string,
  ) => ({
    userId,
    currency,
    kind,
    amountMinor: minor,
    occurredOn: day,
    description: `${kind} ${day}`,
  });
  const [earning] = await t.db
    .insert(ledgerEntries)
    .values(entry(ari.id, "USD", "earning", 10_000, "2026-03-02"))
    .returning();
  const [grant] = await t.db
    .insert(ledgerEntries)
    .values(entry(ari.id, "USD", "grant", 5_000, "2026-03-03"))
    .returning();
  await t.db.insert(ledgerEntries).values({
    userId: ari.id,
    currency: "USD",
    kind: "reversal",
    amountMinor: -5_000,
    occurredOn: "2026-03-03",
    description: "Reversal",
    reversesEntryId: grant!.id,
  });
  await t.db.insert(ledgerEntries).values(entry(bea.id, "EUR", "earning", 700, "2026-03-01"));
  const [batch] = await t.db
    .insert(payoutBatches)
    .values({
      currency: "USD",
      batchKey: crypto.randomUUID(),
      createdAt: at("2026-03-03T15:00:00"),
    })
    .returning();
  const [payout] = await t.db
    .insert(payouts)
    .values({
      batchId: batch!.id,
      userId: ari.id,
      currency: "USD",
      amountMinor: 10_000,
      state: "paid",
      idempotencyKey: crypto.randomUUID(),
      throughEntryId: earning!.id,
      createdAt: at("2026-03-03T15:00:00"),
    })
    .returning();
  await t.db.insert(ledgerEntries).values({
    userId: ari.id,
    currency: "USD",
    kind: "payout",
    amountMinor: -10_000,
    occurredOn: "2026-03-03",
    description: "Payout",
    payoutId: payout!.id,
  });
  return { admin, reviewer, ari };
}

describe("the admin dashboard", () => {
  it("equals the hand-computed numbers of a small program, day by day", async () => {
    const { admin } = await program();
    const d = await loadDashboard(t.db, acting(admin), RANGE);

    expect(d.generated.providers).toEqual(["local", "replicate"]);
    expect(d.generated.days).toEqual([
      { day: "2026-03-01", local: 12, replicate: 0 },
      { day: "2026-03-02", local: 0, replicate: 6 },
      { day: "2026-03-03", local: 4, replicate: 0 },
    ]);

    expect(d.queue).toEqual([
      { day: "2026-03-01", depth: 0, waitP50Minutes: 6, waitP90Minutes: 9.2 },
      { day: "2026-03-02", depth: 2, waitP50Minutes: 15.5, waitP90Minutes: 27.1 },
      { day: "2026-03-03", depth: 1, waitP50Minutes: 60, waitP90Minutes: 60 },
    ]);

    // Weeks start on Monday: 1 March 2026 is a Sunday.
    expect(d.reviewTimes).toEqual([
      { week: "2026-02-23", decided: 1, medianHours: 4, p90Hours: 4 },
      { week: "2026-03-02", decided: 2, medianHours: 17, p90Hours: 22.6 },
    ]);

    expect(d.decisions).toEqual([
      { decision: "approve", reason: null, count: 2 },
      { decision: "reject", reason: "policy", count: 1 },
      { decision: "request_changes", reason: "quality", count: 1 },
    ]);

    expect(d.money).toEqual([
      {
        currency: "EUR",
        months: [
          { month: "2026-03", earnedMinor: 700, inPayoutMinor: 0, paidMinor: 0, failedMinor: 0 },
        ],
      },
      {
        currency: "USD",
        months: [
          {
            month: "2026-03",
            earnedMinor: 10_000,
            inPayoutMinor: 0,
            paidMinor: 10_000,
            failedMinor: 0,
          },
        ],
      },
    ]);

    expect(d.activeArtists).toEqual([
      { day: "2026-03-01", artists: 1 },
      { day: "2026-03-02", artists: 2 },
      { day: "2026-03-03", artists: 1 },
    ]);
  });

  it("shows zeros, not gaps or errors, for an empty program", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const d = await loadDashboard(t.db, acting(admin), RANGE);
    expect(d.generated.days.map((r) => r.day)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03"]);
    expect(d.queue.every((q) => q.depth === 0 && q.waitP50Minutes === null)).toBe(true);
    expect(d.activeArtists.every((a) => a.artists === 0)).toBe(true);
    expect(d.reviewTimes).toEqual([]);
    expect(d.money).toEqual([]);
  });

  it("refuses reviewers and artists, and ranges that are backwards, too long or impossible", async () => {
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    for (const who of [reviewer, artist])
      await expect(loadDashboard(t.db, acting(who), RANGE)).rejects.toMatchObject({ status: 403 });
    for (const bad of [
      { from: "2026-03-03", to: "2026-03-01" },
      { from: "2024-01-01", to: "2026-03-01" },
      { from: "2026-02-30", to: "2026-03-01" },
    ]) {
      expect(rangeInput.safeParse(bad).success).toBe(false);
      await expect(loadDashboard(t.db, acting(admin), bad)).rejects.toBeInstanceOf(UserError);
    }
    expect(defaultRange("2026-03-30")).toEqual({ from: "2026-03-01", to: "2026-03-30" });
  });

  it("the page keeps a bad range next to its fields and still draws the default range", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin);
    const res = await callRoute(
      t.db,
      loader,
      makeRequest("/admin?from=2026-03-09&to=2026-03-01", { cookie }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      error: "The range ends before it starts.",
      asked: { from: "2026-03-09", to: "2026-03-01" },
    });
  });

  it("the page serves one computation for a minute, says when it was made, and checks the role first", async () => {
    const { admin } = await program();
    const reviewer = await createUser(t.db, { role: "reviewer" });
    let clock = Date.parse("2026-03-04T10:00:00Z");
    const figures = createFiguresCache({ clock: () => clock });
    const open = async (who: User) =>
      callRoute(
        t.db,
        loader,
        makeRequest(`/admin?from=${RANGE.from}&to=${RANGE.to}`, {
          cookie: await sessionCookieFor(t.db, who),
        }),
        {},
        { figures },
      );
    const first = await open(admin);
    const seconds = (body: unknown) =>
      (body as { dashboard: Awaited<ReturnType<typeof loadDashboard>> }).dashboard.generated.days;
    expect(first.body).toMatchObject({ computedAt: "2026-03-04T10:00:00.000Z" });
    // Changed figures change nothing on the page until the minute is over.
    await t.db
      .update(generationJobs)
      .set({ durationSeconds: sql`${generationJobs.durationSeconds} * 2` });
    expect(seconds({ dashboard: await loadDashboard(t.db, acting(admin), RANGE) })).not.toEqual(
      seconds(first.body),
    );
    clock += 30_000;
    const again = await open(admin);
    expect(seconds(again.body)).toEqual(seconds(first.body));
    expect(again.body).toMatchObject({ computedAt: "2026-03-04T10:00:00.000Z" });
    // The cache never answers someone the page refuses.
    expect((await open(reviewer)).status).toBe(403);
  });
});
