import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  approveContribution,
  feedbackInput,
  fileFeedbackReport,
  hoursInput,
  logHours,
  rejectContribution,
} from "~/.server/money/contributions";
import {
  listRateCards,
  payoutCurrencyOf,
  rateInForce,
  requireRate,
  setPayoutCurrency,
} from "~/.server/money/rates";
import { statementTotals } from "~/.server/money/statement";
import { isoMonth } from "~/.server/money/dates";
import { recordStipends } from "~/.server/money/stipends";
import { reasonField } from "~/lib/validation";
import {
  auditLog,
  contributions,
  emailOutbox,
  ledgerEntries,
  notifications,
  rateCards,
  type User,
} from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import { createFinishedClip } from "../../support/generation";
import {
  hoursForm,
  joinedOn,
  LOG_NOW,
  moneySnapshot,
  MONEY_OPTIONS,
  publishCard,
  refusal,
  storedBalance,
} from "../../support/money";

const t = useTestDatabase();

async function people() {
  const admin = await createUser(t.db, { role: "admin", displayName: "Morgan Finance" });
  const artist = await createUser(t.db, {
    displayName: "Ines Okafor",
    email: "ines@example.test",
  });
  return { admin, artist };
}

const log = (artist: User, hours: string, occurredOn: string, extra: Record<string, string> = {}) =>
  logHours(t.db, acting(artist), hoursForm(hours, occurredOn, extra), LOG_NOW);

const approve = async (admin: User, id: string) =>
  (await approveContribution(t.db, acting(admin), id, MONEY_OPTIONS)).contribution;

const earningsOf = (artist: User) =>
  t.db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.userId, artist.id), eq(ledgerEntries.kind, "earning")))
    .orderBy(asc(ledgerEntries.id));

describe("the rate card", () => {
  it("an item earns at the card in force on its own date, even when the card was published later", async () => {
    const { admin, artist } = await people();
    const a = await publishCard(t.db, admin, { effectiveFrom: "2026-01-01", hourlyMinor: "40.00" });
    const before = await log(artist, "2", "2026-05-31");
    const on = await log(artist, "2", "2026-06-01");
    // Card B is published after both were logged, from a date in the past.
    const b = await publishCard(t.db, admin, { effectiveFrom: "2026-06-01", hourlyMinor: "50.00" });
    expect(await approve(admin, before.id)).toMatchObject({
      state: "approved",
      amountMinor: 8000,
      currency: "USD",
      rateCardId: a.id,
    });
    expect(await approve(admin, on.id)).toMatchObject({
      amountMinor: 10000,
      currency: "USD",
      rateCardId: b.id,
    });
    expect(
      (await earningsOf(artist)).map((e) => [e.occurredOn, e.amountMinor, e.contributionId]),
    ).toEqual([
      ["2026-05-31", 8000, before.id],
      ["2026-06-01", 10000, on.id],
    ]);
    expect((await rateInForce(t.db, "USD", "2026-05-31"))!.id).toBe(a.id);
    expect((await rateInForce(t.db, "USD", "2026-06-01"))!.id).toBe(b.id);
    expect(await rateInForce(t.db, "USD", "2025-12-31")).toBeNull();
    expect(await rateInForce(t.db, "EUR", "2026-06-01")).toBeNull();
  });

  it("hours are priced once per item, rounded half up to the cent", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin, { hourlyMinor: "33.33" });
    await publishCard(t.db, admin, { effectiveFrom: "2026-06-15", hourlyMinor: "10.02" });
    // 1.25 h × 33.33 = 41.6625 → 41.66; 0.75 h × 33.33 = 24.9975 → 25.00; 0.25 h × 10.02 = 2.505 → 2.51.
    const cases = [
      ["1.25", "2026-06-01", 4166],
      ["0:45", "2026-06-02", 2500],
      ["0.25", "2026-06-16", 251],
    ] as const;
    for (const [hours, day, expected] of cases) {
      const item = await log(artist, hours, day);
      expect((await approve(admin, item.id)).amountMinor).toBe(expected);
    }
    expect((await earningsOf(artist)).map((e) => e.amountMinor)).toEqual([4166, 2500, 251]);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(4166 + 2500 + 251);
  });

  it("no card in force on the item's date is a 409 that says what to do, and nothing is written", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin, { effectiveFrom: "2026-07-01" });
    const item = await log(artist, "2", "2026-06-10");
    const before = await moneySnapshot(t.db);
    const error = await refusal(approveContribution(t.db, acting(admin), item.id, MONEY_OPTIONS));
    expect(error.status).toBe(409);
    expect(error.message).toBe(
      "No USD rate card is in force on 2026-06-10. Publish one on the rate card page first.",
    );
    expect(await moneySnapshot(t.db)).toEqual(before);
    const [row] = await t.db.select().from(contributions).where(eq(contributions.id, item.id));
    expect(row).toMatchObject({ state: "pending", amountMinor: null, rateCardId: null });
    await expect(requireRate(t.db, "USD", "2026-06-30")).rejects.toMatchObject({ status: 409 });
  });

  it("an artist paid in EUR with only a USD card published cannot be priced (409)", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin);
    await setPayoutCurrency(t.db, acting(admin), artist.id, "EUR");
    const item = await log(artist, "1", "2026-06-10");
    const error = await refusal(approveContribution(t.db, acting(admin), item.id, MONEY_OPTIONS));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/No EUR rate card is in force on 2026-06-10/);
    expect(await earningsOf(artist)).toEqual([]);
  });

  it("a second card for the same currency and date is a 409 on effectiveFrom; another currency is fine", async () => {
    const { admin } = await people();
    await publishCard(t.db, admin, { effectiveFrom: "2026-06-01" });
    const before = await moneySnapshot(t.db);
    const error = await refusal(
      publishCard(t.db, admin, { effectiveFrom: "2026-06-01", hourlyMinor: "45.00" }),
    );
    expect(error).toMatchObject({ status: 409, field: "effectiveFrom" });
    expect(error.message).toMatch(/A USD rate card already takes effect on 2026-06-01/);
    expect(await moneySnapshot(t.db)).toEqual(before);
    await publishCard(t.db, admin, { currency: "EUR", effectiveFrom: "2026-06-01" });
    expect(await t.db.select().from(rateCards)).toHaveLength(2);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "money.rate_card_published"));
    expect(audit).toHaveLength(2);
  });

  it("listRateCards shows, per currency, the card in force, those announced and the history", async () => {
    const { admin, artist } = await people();
    for (const effectiveFrom of [
      "2025-01-01",
      "2026-01-01",
      "2026-06-01",
      "2026-09-01",
      "2027-01-01",
    ])
      await publishCard(t.db, admin, { effectiveFrom });
    await publishCard(t.db, admin, { currency: "EUR", effectiveFrom: "2026-08-01" });
    const series = await listRateCards(t.db, acting(artist), "2026-06-20");
    expect(
      series.map((s) => ({
        currency: s.currency,
        current: s.current?.effectiveFrom ?? null,
        upcoming: s.upcoming.map((c) => c.effectiveFrom),
        past: s.past.map((c) => c.effectiveFrom),
      })),
    ).toEqual([
      { currency: "EUR", current: null, upcoming: ["2026-08-01"], past: [] },
      {
        currency: "USD",
        current: "2026-06-01",
        upcoming: ["2026-09-01", "2027-01-01"],
        past: ["2026-01-01", "2025-01-01"],
      },
    ]);
  });
});

describe("logging hours", () => {
  it("the hours field accepts quarter hours as decimals or h:mm, and nothing else", () => {
    const minutes = (hours: string) =>
      hoursInput.safeParse({ occurredOn: "2026-06-10", hours, notes: "Tested" });
    expect(minutes("1.5").data?.hours).toBe(90);
    expect(minutes("1:30").data?.hours).toBe(90);
    expect(minutes("0.25").data?.hours).toBe(15);
    expect(minutes(" 12 ").data?.hours).toBe(720);
    for (const bad of ["1.1", "1:10", "0", "0:00", "-1", "1.333", "abc", ""]) {
      const parsed = minutes(bad);
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error!.issues[0]!.path).toEqual(["hours"]);
    }
    expect(minutes("12.25").error!.issues[0]!.message).toBe("Log at most 12 hours per session.");
    expect(minutes("1.1").error!.issues[0]!.message).toMatch(/quarter hours/);
    expect(
      hoursInput.safeParse({ occurredOn: "2026-02-30", hours: "1", notes: "Tested" }).success,
    ).toBe(false);
  });

  it("refuses a session in the future, and one more than 92 days back (422 on occurredOn)", async () => {
    const { artist } = await people();
    const future = await refusal(log(artist, "1", "2026-06-21"));
    expect(future).toMatchObject({ status: 422, field: "occurredOn" });
    const tooOld = await refusal(log(artist, "1", "2026-03-19"));
    expect(tooOld).toMatchObject({ status: 422, field: "occurredOn" });
    expect(tooOld.message).toMatch(/older than 92 days/);
    expect(await t.db.select().from(contributions)).toEqual([]);
    // The edges: today, and exactly 92 days back.
    await log(artist, "1", "2026-06-20");
    await log(artist, "1", "2026-03-20");
    expect(await t.db.select().from(contributions)).toHaveLength(2);
  });

  it("refuses more than 24 hours on one day, counting what is pending or approved but not rejected", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin);
    const first = await log(artist, "12", "2026-06-10");
    await log(artist, "12", "2026-06-10");
    await approve(admin, first.id);
    const before = await moneySnapshot(t.db);
    const error = await refusal(log(artist, "0.25", "2026-06-10"));
    expect(error).toMatchObject({ status: 422, field: "hours" });
    expect(error.message).toBe("You already logged 24 hours on 10 Jun 2026; a day has 24.");
    expect(await moneySnapshot(t.db)).toEqual(before);
    // Another day is its own 24 hours.
    await log(artist, "12", "2026-06-11");
  });

  it("a rejected session no longer counts toward the day's 24 hours", async () => {
    const { admin, artist } = await people();
    await log(artist, "12", "2026-06-10");
    const second = await log(artist, "12", "2026-06-10");
    await rejectContribution(
      t.db,
      acting(admin),
      second.id,
      "No notes attached to the session",
      MONEY_OPTIONS,
    );
    await log(artist, "12", "2026-06-10");
    await expect(log(artist, "0.25", "2026-06-10")).rejects.toMatchObject({
      status: 422,
      field: "hours",
    });
  });

  it("hours logged without a form key still count when a form with a key is sent for that day", async () => {
    const { artist } = await people();
    // A script, or a form whose key was mangled (the key falls back to none), logs a full day.
    await log(artist, "12", "2026-06-10");
    await log(artist, "12", "2026-06-10");
    const before = await moneySnapshot(t.db);
    const error = await refusal(
      log(artist, "0.25", "2026-06-10", { clientKey: crypto.randomUUID() }),
    );
    expect(error).toMatchObject({ status: 422, field: "hours" });
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("the same form key twice records one session; its own hours are not counted twice", async () => {
    const { artist } = await people();
    const clientKey = crypto.randomUUID();
    const first = await log(artist, "12", "2026-06-10", { clientKey });
    await log(artist, "12", "2026-06-10", { clientKey: crypto.randomUUID() });
    // The day is full, yet the resent first form is answered with its session, not a 422.
    const again = await log(artist, "12", "2026-06-10", { clientKey });
    expect(again.id).toBe(first.id);
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => log(artist, "12", "2026-06-10", { clientKey })),
    );
    expect(new Set(concurrent.map((c) => c.id))).toEqual(new Set([first.id]));
    expect(await t.db.select().from(contributions)).toHaveLength(2);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "money.hours_logged"));
    expect(audit).toHaveLength(2);
  });

  it("another artist's form key is a 409, not their session", async () => {
    const { artist } = await people();
    const other = await createUser(t.db, { displayName: "Jun Park" });
    const clientKey = crypto.randomUUID();
    await log(artist, "2", "2026-06-10", { clientKey });
    const error = await refusal(log(other, "3", "2026-06-11", { clientKey }));
    expect(error.status).toBe(409);
    expect(
      await t.db.select().from(contributions).where(eq(contributions.userId, other.id)),
    ).toEqual([]);
  });
});

describe("feedback reports", () => {
  it("must be about one of the artist's own generations (422 on generationId otherwise)", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin);
    const other = await createUser(t.db, { displayName: "Jun Park" });
    const { clip: mine } = await createFinishedClip(t.db, artist);
    const { clip: theirs } = await createFinishedClip(t.db, other);
    const report = (generationId: string) =>
      feedbackInput.parse({
        generationId,
        category: "bug",
        description: "The poster frame is black for clips shorter than two seconds.",
      });
    for (const generationId of [theirs.id, "no-such-generation"]) {
      const error = await refusal(
        fileFeedbackReport(t.db, acting(artist), report(generationId), LOG_NOW),
      );
      expect(error).toMatchObject({ status: 422, field: "generationId" });
      expect(error.message).toBe("Choose one of your own generations.");
    }
    expect(await t.db.select().from(contributions)).toEqual([]);
    const filed = await fileFeedbackReport(t.db, acting(artist), report(mine.id), LOG_NOW);
    expect(filed).toMatchObject({
      kind: "feedback",
      category: "bug",
      generationId: mine.id,
      occurredOn: "2026-06-20",
      minutes: null,
      state: "pending",
    });
    // A report earns the card's flat rate (25.00).
    expect((await approve(admin, filed.id)).amountMinor).toBe(2500);
    expect(
      feedbackInput.safeParse({ generationId: mine.id, category: "bug", description: "Broken" })
        .success,
    ).toBe(false);
    expect(
      feedbackInput.safeParse({
        generationId: mine.id,
        category: "complaint",
        description: "A long enough text",
      }).success,
    ).toBe(false);
  });
});

describe("deciding on a contribution", () => {
  it("approval fixes the price, writes one earning, and tells the artist by email and in the app", async () => {
    const { admin, artist } = await people();
    const card = await publishCard(t.db, admin);
    const item = await log(artist, "2", "2026-06-10");
    const { contribution, emailIds } = await approveContribution(
      t.db,
      acting(admin),
      item.id,
      MONEY_OPTIONS,
    );
    expect(contribution).toMatchObject({
      state: "approved",
      decidedBy: admin.id,
      amountMinor: 8000,
      currency: "USD",
      rateCardId: card.id,
    });
    expect(contribution.decidedAt).toBeInstanceOf(Date);
    const earnings = await earningsOf(artist);
    expect(earnings).toHaveLength(1);
    expect(earnings[0]).toMatchObject({
      amountMinor: 8000,
      occurredOn: "2026-06-10",
      description: "2 hours of testing on 10 Jun 2026",
      contributionId: item.id,
      createdBy: admin.id,
    });
    expect(emailIds).toHaveLength(1);
    const [email] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, emailIds[0]!));
    expect(email).toMatchObject({
      recipient: "ines@example.test",
      template: "contribution-decided",
      subject: "Your contribution was approved: 2 hours of testing on 10 Jun 2026",
    });
    expect(email!.text).toContain("$80.00");
    const notes = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, artist.id));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      kind: "contribution_decided",
      title: "Approved: 2 hours of testing on 10 Jun 2026",
      body: "It earns $80.00.",
      link: "/earnings",
    });
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "money.contribution_approved"));
    expect(audit).toMatchObject({
      actorId: admin.id,
      subjectId: item.id,
      data: { amountMinor: 8000, currency: "USD", rateCardId: card.id },
    });
  });

  it("a decision is made once: approving or rejecting again is a 409 that changes nothing", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin);
    const approved = await log(artist, "2", "2026-06-10");
    const rejected = await log(artist, "1", "2026-06-11");
    await approve(admin, approved.id);
    await rejectContribution(
      t.db,
      acting(admin),
      rejected.id,
      "This was a team meeting",
      MONEY_OPTIONS,
    );
    const before = await moneySnapshot(t.db);
    // One at a time: started together, a refusal could land before it is awaited (unhandled).
    for (const attempt of [
      () => approveContribution(t.db, acting(admin), approved.id, MONEY_OPTIONS),
      () => rejectContribution(t.db, acting(admin), approved.id, "Changed my mind", MONEY_OPTIONS),
      () => approveContribution(t.db, acting(admin), rejected.id, MONEY_OPTIONS),
      () => rejectContribution(t.db, acting(admin), rejected.id, "Again", MONEY_OPTIONS),
    ]) {
      const error = await refusal(attempt());
      expect(error.status).toBe(409);
      expect(error.message).toMatch(
        /This contribution was already (approved|rejected); nothing was changed/,
      );
    }
    expect(
      (await refusal(approveContribution(t.db, acting(admin), "no-such-item", MONEY_OPTIONS)))
        .status,
    ).toBe(404);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("concurrent approvals of one item write one earning", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin);
    const item = await log(artist, "3", "2026-06-10");
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        approveContribution(t.db, acting(admin), item.id, MONEY_OPTIONS),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected")
        expect(r.reason).toMatchObject({ name: "UserError", status: 409 });
    expect(await earningsOf(artist)).toHaveLength(1);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(12000);
  });

  it("a rejection needs a reason, which the artist receives; it earns nothing", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin);
    // The reason field the admin form is parsed with.
    for (const blank of ["", "   ", "ok"]) expect(reasonField.safeParse(blank).success).toBe(false);
    const reason = reasonField.parse("  The session notes describe a different project.  ");
    const item = await log(artist, "2", "2026-06-10");
    const { contribution, emailIds } = await rejectContribution(
      t.db,
      acting(admin),
      item.id,
      reason,
      MONEY_OPTIONS,
    );
    expect(contribution).toMatchObject({
      state: "rejected",
      rejectReason: "The session notes describe a different project.",
      decidedBy: admin.id,
      amountMinor: null,
    });
    expect(await earningsOf(artist)).toEqual([]);
    const [email] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, emailIds[0]!));
    expect(email).toMatchObject({
      template: "contribution-decided",
      recipient: "ines@example.test",
    });
    expect(email!.text).toContain("The session notes describe a different project.");
    const [note] = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, artist.id));
    expect(note).toMatchObject({
      kind: "contribution_decided",
      title: "Not approved: 2 hours of testing on 10 Jun 2026",
      body: "The session notes describe a different project.",
    });
    expect(
      await t.db.select().from(auditLog).where(eq(auditLog.action, "money.contribution_rejected")),
    ).toHaveLength(1);
  });

  it("an approval at a zero rate stands but writes no ledger entry", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin, { hourlyMinor: "0" });
    const item = await log(artist, "2", "2026-06-10");
    const approved = await approve(admin, item.id);
    expect(approved).toMatchObject({ state: "approved", amountMinor: 0, currency: "USD" });
    expect(await t.db.select().from(ledgerEntries)).toEqual([]);
    expect(await storedBalance(t.db, artist.id, "USD")).toBeNull();
    const [note] = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, artist.id));
    expect(note!.body).toBe("It earns $0.00.");
  });

  it("an artist paid in EUR earns at the EUR card, in EUR", async () => {
    const { admin, artist } = await people();
    await publishCard(t.db, admin, { hourlyMinor: "40.00" });
    const eurCard = await publishCard(t.db, admin, { currency: "EUR", hourlyMinor: "35.00" });
    expect(await payoutCurrencyOf(t.db, artist.id)).toBe("USD");
    await setPayoutCurrency(t.db, acting(admin), artist.id, "EUR");
    expect(await payoutCurrencyOf(t.db, artist.id)).toBe("EUR");
    const item = await log(artist, "2", "2026-06-10");
    // Pending at today's EUR rate until approved.
    const [pending] = await statementTotals(t.db, acting(artist), artist.id);
    expect(pending).toMatchObject({
      currency: "EUR",
      pendingMinor: 7000,
      pendingCount: 1,
      payableMinor: 0,
    });
    expect(await approve(admin, item.id)).toMatchObject({
      amountMinor: 7000,
      currency: "EUR",
      rateCardId: eurCard.id,
    });
    expect((await earningsOf(artist))[0]).toMatchObject({ currency: "EUR", amountMinor: 7000 });
    expect(await storedBalance(t.db, artist.id, "EUR")).toBe(7000);
    expect(await storedBalance(t.db, artist.id, "USD")).toBeNull();
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "money.payout_currency_set"));
    expect(audit).toMatchObject({ subjectId: artist.id, data: { currency: "EUR" } });
    // Only artists are paid.
    const reviewer = await createUser(t.db, { role: "reviewer" });
    expect(await refusal(setPayoutCurrency(t.db, acting(admin), reviewer.id, "EUR"))).toMatchObject(
      {
        status: 404,
      },
    );
  });
});

describe("monthly stipends", () => {
  async function cohort() {
    const { admin, artist } = await people();
    await publishCard(t.db, admin, { stipendMonthlyMinor: "200.00" });
    await publishCard(t.db, admin, { currency: "EUR", stipendMonthlyMinor: "180.00" });
    const eur = await createUser(t.db, { displayName: "Léa Martin" });
    await setPayoutCurrency(t.db, acting(admin), eur.id, "EUR");
    const suspended = await createUser(t.db, { displayName: "Sam Hale", status: "suspended" });
    const invited = await createUser(t.db, { displayName: "Ola Nowak", status: "invited" });
    await createUser(t.db, { role: "reviewer" });
    await joinedOn(t.db, [artist, eur, suspended, invited]);
    return { admin, artist, eur, suspended, invited };
  }

  it("credits each active artist once per month, in their currency; a second run credits nothing", async () => {
    const { admin, artist, eur, suspended, invited } = await cohort();
    const first = await recordStipends(t.db, acting(admin), "2026-06", LOG_NOW);
    expect(first).toEqual({ credited: 2, skipped: 0, artists: 2 });
    const entries = await t.db.select().from(ledgerEntries).orderBy(asc(ledgerEntries.userId));
    expect(
      entries
        .map((e) => [e.userId, e.currency, e.amountMinor, e.stipendMonth, e.occurredOn])
        .sort(),
    ).toEqual(
      [
        [artist.id, "USD", 20000, "2026-06", "2026-06-01"],
        [eur.id, "EUR", 18000, "2026-06", "2026-06-01"],
      ].sort(),
    );
    for (const u of [suspended, invited])
      expect(await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.userId, u.id))).toEqual(
        [],
      );
    const second = await recordStipends(t.db, acting(admin), "2026-06", LOG_NOW);
    expect(second).toEqual({ credited: 0, skipped: 0, artists: 2 });
    expect(await t.db.select().from(ledgerEntries)).toHaveLength(2);
    // A new month is a new stipend.
    expect((await recordStipends(t.db, acting(admin), "2026-05", LOG_NOW)).credited).toBe(2);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "money.stipends_recorded"));
    expect(audit.map((a) => a.data)).toEqual([
      { credited: 2, skipped: 0, artists: 2 },
      { credited: 0, skipped: 0, artists: 2 },
      { credited: 2, skipped: 0, artists: 2 },
    ]);
  });

  it("refuses a month that has not begun (422 on month)", async () => {
    const { admin } = await cohort();
    const before = await moneySnapshot(t.db);
    const error = await refusal(recordStipends(t.db, acting(admin), "2026-07", LOG_NOW));
    expect(error).toMatchObject({ status: 422, field: "month" });
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("a month before any card, or at a zero stipend, credits nothing and counts who was skipped", async () => {
    const { admin } = await cohort();
    expect(await recordStipends(t.db, acting(admin), "2025-12", LOG_NOW)).toEqual({
      credited: 0,
      skipped: 2,
      artists: 2,
    });
    await publishCard(t.db, admin, { effectiveFrom: "2026-04-01", stipendMonthlyMinor: "0" });
    const april = await recordStipends(t.db, acting(admin), "2026-04", LOG_NOW);
    // The EUR artist still has a stipend in April; the USD one does not.
    expect(april).toEqual({ credited: 1, skipped: 1, artists: 2 });
  });

  it("credits only accounts that existed before the month ended", async () => {
    const { admin, artist, eur } = await cohort();
    // Ines joined on the last day of May, Jun on the first of June.
    const ines = await createUser(t.db, { displayName: "Ines Okafor" });
    const jun = await createUser(t.db, { displayName: "Jun Park" });
    await joinedOn(t.db, [ines], "2026-05-31T23:59:00Z");
    await joinedOn(t.db, [jun], "2026-06-01T00:00:00Z");
    const may = await recordStipends(t.db, acting(admin), "2026-05", LOG_NOW);
    expect(may).toEqual({ credited: 3, skipped: 0, artists: 3 });
    const paidFor = async (month: string) =>
      (
        await t.db
          .select({ userId: ledgerEntries.userId })
          .from(ledgerEntries)
          .where(eq(ledgerEntries.stipendMonth, month))
      )
        .map((e) => e.userId)
        .sort();
    expect(await paidFor("2026-05")).toEqual([artist.id, eur.id, ines.id].sort());
    expect((await recordStipends(t.db, acting(admin), "2026-06", LOG_NOW)).credited).toBe(4);
    expect(await paidFor("2026-06")).toEqual([artist.id, eur.id, ines.id, jun.id].sort());
  });

  it("refuses a month more than 12 months back (422 on month), and a year out of range", async () => {
    const { admin } = await cohort();
    await publishCard(t.db, admin, { effectiveFrom: "2020-01-01", stipendMonthlyMinor: "50.00" });
    const before = await moneySnapshot(t.db);
    const error = await refusal(recordStipends(t.db, acting(admin), "2025-05", LOG_NOW));
    expect(error).toMatchObject({ status: 422, field: "month" });
    expect(error.message).toBe("Stipends go back at most 12 months: choose 2025-06 or later.");
    expect(await moneySnapshot(t.db)).toEqual(before);
    // Twelve months back is still allowed (there was no EUR card yet).
    expect(await recordStipends(t.db, acting(admin), "2025-06", LOG_NOW)).toEqual({
      credited: 1,
      skipped: 1,
      artists: 2,
    });
    expect(isoMonth.safeParse("0000-01").error?.issues[0]?.message).toBe(
      "Choose a month between 1900 and 2999.",
    );
    expect(isoMonth.safeParse("2026-06").success).toBe(true);
  });

  it("an artist whose payout currency changed mid-month is not given the month's stipend twice", async () => {
    const { admin, artist } = await cohort();
    await recordStipends(t.db, acting(admin), "2026-06", LOG_NOW);
    await setPayoutCurrency(t.db, acting(admin), artist.id, "EUR");
    const again = await recordStipends(t.db, acting(admin), "2026-06", LOG_NOW);
    expect(again.credited).toBe(0);
    const stipends = await t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.userId, artist.id), eq(ledgerEntries.stipendMonth, "2026-06")));
    expect(stipends).toHaveLength(1);
  });
});
