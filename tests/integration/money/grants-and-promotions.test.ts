import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { UserError } from "~/.server/errors";
import { approveGrant, awardGrant, cancelGrant, grantInput } from "~/.server/money/grants";
import { reverseEntry } from "~/.server/money/ledger";
import { createBatch, markPayout } from "~/.server/money/payouts";
import {
  acceptPromotion,
  askPromotion,
  declinePromotion,
  promotionInput,
  withdrawPromotion,
} from "~/.server/money/promotions";
import { setPayoutCurrency } from "~/.server/money/rates";
import { statementTotals } from "~/.server/money/statement";
import { submitClip, submitInput } from "~/.server/review/submissions";
import {
  auditLog,
  emailOutbox,
  grants,
  ledgerEntries,
  notifications,
  promotions,
  type User,
} from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import { createFinishedClip } from "../../support/generation";
import {
  approvedClip,
  databaseText,
  LOG_NOW,
  moneySnapshot,
  MONEY_OPTIONS,
  publishCard,
  refusal,
  rejectionOf,
  storedBalance,
} from "../../support/money";

const t = useTestDatabase();

/** Above 500.00 a second admin must approve. */
const GRANT_OPTIONS = { ...MONEY_OPTIONS, approvalThresholdMinor: 50_000 };

async function people() {
  const awarder = await createUser(t.db, { role: "admin", displayName: "Morgan Finance" });
  const approver = await createUser(t.db, { role: "admin", displayName: "Priya Shah" });
  const artist = await createUser(t.db, {
    displayName: "Ines Okafor",
    email: "ines@example.test",
  });
  return { awarder, approver, artist };
}

const award = (admin: User, artist: User, amount: string, extra: Record<string, string> = {}) =>
  awardGrant(
    t.db,
    acting(admin),
    grantInput.parse({
      userId: artist.id,
      amountMinor: amount,
      currency: "USD",
      purpose: "Festival travel to Rotterdam",
      ...extra,
    }),
    GRANT_OPTIONS,
  );

const grantRow = async (id: string) =>
  (await t.db.select().from(grants).where(eq(grants.id, id)))[0]!;

const creditsOf = (grantId: string) =>
  t.db.select().from(ledgerEntries).where(eq(ledgerEntries.grantId, grantId));

describe("grants and the two-admin rule", () => {
  it("above the threshold a grant waits; the awarding admin cannot approve it (403)", async () => {
    const { awarder, artist } = await people();
    const { grant, emailIds } = await award(awarder, artist, "750");
    expect(grant).toMatchObject({
      state: "awarded",
      needsSecondApproval: true,
      amountMinor: 75000,
      awardedBy: awarder.id,
      approvedBy: null,
    });
    expect(await creditsOf(grant.id)).toEqual([]);
    const [email] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, emailIds[0]!));
    expect(email).toMatchObject({ template: "grant-awarded", recipient: "ines@example.test" });
    // The artist sees it as pending, not payable.
    const [totals] = await statementTotals(t.db, acting(artist), artist.id);
    expect(totals).toMatchObject({ currency: "USD", pendingMinor: 75000, payableMinor: 0 });

    const before = await moneySnapshot(t.db);
    const error = await refusal(approveGrant(t.db, acting(awarder), grant.id, MONEY_OPTIONS));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/need a second admin/);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("the database refuses approved_by = awarded_by on a grant that needs a second approval", async () => {
    const { awarder, artist } = await people();
    const { grant } = await award(awarder, artist, "750");
    const error = await rejectionOf(
      t.db
        .update(grants)
        .set({ state: "approved", approvedBy: awarder.id, approvedAt: new Date() })
        .where(eq(grants.id, grant.id)),
    );
    expect(databaseText(error)).toMatch(/grants_second_approver/);
    expect((await grantRow(grant.id)).state).toBe("awarded");
  });

  it("a second admin approves it: it is credited once, audited, and the artist is told", async () => {
    const { awarder, approver, artist } = await people();
    const { grant } = await award(awarder, artist, "750");
    const { grant: approved, emailIds } = await approveGrant(
      t.db,
      acting(approver),
      grant.id,
      MONEY_OPTIONS,
    );
    expect(approved).toMatchObject({ state: "approved", approvedBy: approver.id });
    expect(approved.approvedAt).toBeInstanceOf(Date);
    const credits = await creditsOf(grant.id);
    expect(credits).toHaveLength(1);
    expect(credits[0]).toMatchObject({
      kind: "grant",
      amountMinor: 75000,
      currency: "USD",
      description: "Grant: Festival travel to Rotterdam",
      createdBy: approver.id,
    });
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(75000);
    expect(emailIds).toHaveLength(1);
    const notes = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, artist.id), eq(notifications.kind, "grant_awarded")));
    expect(notes.map((n) => n.title)).toEqual([
      "Grant awarded: $750.00",
      "Grant approved: $750.00",
    ]);
    expect(
      await t.db.select().from(auditLog).where(eq(auditLog.action, "money.grant_approved")),
    ).toMatchObject([{ actorId: approver.id, subjectId: grant.id }]);
    // Approving again is a 409.
    const before = await moneySnapshot(t.db);
    expect(
      (await refusal(approveGrant(t.db, acting(awarder), grant.id, MONEY_OPTIONS))).status,
    ).toBe(409);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("at or below the threshold a grant is approved at once and credited", async () => {
    const { awarder, artist } = await people();
    for (const amount of ["500", "499.99"]) {
      const { grant } = await award(awarder, artist, amount);
      expect(grant).toMatchObject({
        state: "approved",
        needsSecondApproval: false,
        approvedBy: awarder.id,
      });
      expect((await creditsOf(grant.id)).map((c) => c.amountMinor)).toEqual([grant.amountMinor]);
    }
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(99999);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "money.grant_awarded"));
    expect(audit.map((a) => a.data.needsSecondApproval)).toEqual([false, false]);
  });

  it("a resent award form (same key) is the same grant, credited once", async () => {
    const { awarder, artist } = await people();
    const awardKey = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => award(awarder, artist, "120", { awardKey })),
    );
    expect(new Set(results.map((r) => r.grant.id)).size).toBe(1);
    expect(await t.db.select().from(grants)).toHaveLength(1);
    expect(await creditsOf(results[0]!.grant.id)).toHaveLength(1);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(12000);
  });

  it("a grant goes only to an artist (422 on userId), and must be above zero", async () => {
    const { awarder } = await people();
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const error = await refusal(award(awarder, reviewer, "100"));
    expect(error).toMatchObject({ status: 422, field: "userId" });
    expect(
      grantInput.safeParse({
        userId: reviewer.id,
        amountMinor: "0",
        currency: "USD",
        purpose: "Nothing",
      }).success,
    ).toBe(false);
    expect(await t.db.select().from(grants)).toEqual([]);
  });

  it("a grant is awarded in the currency the artist is paid in (422 on currency otherwise)", async () => {
    const { awarder, artist } = await people();
    await setPayoutCurrency(t.db, acting(awarder), artist.id, "EUR");
    const before = await moneySnapshot(t.db);
    const error = await refusal(award(awarder, artist, "100"));
    expect(error).toMatchObject({
      status: 422,
      field: "currency",
      message: "Ines Okafor is paid in EUR; award the grant in EUR.",
    });
    expect(await moneySnapshot(t.db)).toEqual(before);
    const { grant } = await award(awarder, artist, "100", { currency: "EUR" });
    expect(grant).toMatchObject({ currency: "EUR", state: "approved" });
    expect(await storedBalance(t.db, artist.id, "EUR")).toBe(10000);
  });

  it("an amount above 1,000,000.00 is refused (422); balances of many large grants are paid in full", async () => {
    const { awarder, approver, artist } = await people();
    const tooMuch = grantInput.safeParse({
      userId: artist.id,
      amountMinor: "1,000,000.01",
      currency: "USD",
      purpose: "Too much",
    });
    expect(tooMuch.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["amountMinor", "Enter an amount of at most 1,000,000.00."],
    ]);
    expect(
      grantInput.safeParse({
        userId: artist.id,
        amountMinor: "1000000.00",
        currency: "USD",
        purpose: "The most there is",
      }).success,
    ).toBe(true);
    // The domain refuses it too, whoever calls it.
    const direct = await refusal(
      awardGrant(
        t.db,
        acting(awarder),
        { userId: artist.id, amountMinor: 100_000_001, currency: "USD", purpose: "Direct" },
        GRANT_OPTIONS,
      ),
    );
    expect(direct).toMatchObject({ status: 422, field: "amountMinor" });
    const bigGrants = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const { grant } = await award(awarder, artist, "900,000.00", { purpose: `Residency ${i}` });
        await approveGrant(t.db, acting(approver), grant.id, MONEY_OPTIONS);
      }
    };
    // Three grants of 900,000.00: a batch pays 2,700,000.00.
    await bigGrants(3);
    const three = await createBatch(t.db, acting(awarder), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
    });
    expect(three.payouts.map((p) => p.amountMinor)).toEqual([270_000_000]);
    // Twenty-four: 21,600,000.00, beyond a 32-bit integer of cents (21,474,836.47).
    await bigGrants(24);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(2_160_000_000);
    const { payouts: made } = await createBatch(t.db, acting(awarder), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
    });
    expect(made.map((p) => [p.userId, p.amountMinor])).toEqual([[artist.id, 2_160_000_000]]);
    const [debit] = await t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.payoutId, made[0]!.id), eq(ledgerEntries.kind, "payout")));
    expect(debit!.amountMinor).toBe(-2_160_000_000);
    // It can fail and be paid again: the reversal is as large.
    await markPayout(
      t.db,
      acting(awarder),
      made[0]!,
      { to: "failed", reason: "Returned by the bank" },
      MONEY_OPTIONS,
    );
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(2_160_000_000);
    const [totals] = await statementTotals(t.db, acting(artist), artist.id);
    expect(totals).toMatchObject({
      earnedMinor: 2_430_000_000,
      inPayoutMinor: 270_000_000,
      payableMinor: 2_160_000_000,
    });
  });
});

describe("cancelling a grant", () => {
  it("an awarded grant is cancelled with no ledger entry", async () => {
    const { awarder, approver, artist } = await people();
    const { grant } = await award(awarder, artist, "750");
    const cancelled = await cancelGrant(t.db, acting(approver), grant.id, "Festival was postponed");
    expect(cancelled).toMatchObject({
      state: "cancelled",
      cancelledBy: approver.id,
      cancelReason: "Festival was postponed",
    });
    expect(await t.db.select().from(ledgerEntries)).toEqual([]);
    // A cancelled grant cannot be approved or cancelled again.
    expect(
      (await refusal(approveGrant(t.db, acting(approver), grant.id, MONEY_OPTIONS))).status,
    ).toBe(409);
    expect((await refusal(cancelGrant(t.db, acting(approver), grant.id, "Again"))).status).toBe(
      409,
    );
  });

  it("an approved grant is cancelled by a reversal of its credit", async () => {
    const { awarder, artist } = await people();
    const { grant } = await award(awarder, artist, "300");
    await cancelGrant(t.db, acting(awarder), grant.id, "Awarded to the wrong artist");
    const [credit] = await t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.grantId, grant.id), eq(ledgerEntries.kind, "grant")));
    const reversals = await t.db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.reversesEntryId, credit!.id));
    expect(reversals).toHaveLength(1);
    expect(reversals[0]).toMatchObject({
      kind: "reversal",
      amountMinor: -30000,
      description: "Grant cancelled: Awarded to the wrong artist",
    });
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
    const [totals] = await statementTotals(t.db, acting(artist), artist.id);
    expect(totals).toMatchObject({ earnedMinor: 0, payableMinor: 0 });
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "money.grant_cancelled"));
    expect(audit!.data).toEqual({ reason: "Awarded to the wrong artist", wasApproved: true });
  });

  it("a grant whose money is in a payout cannot be cancelled (409), and nothing changes", async () => {
    const { awarder, artist } = await people();
    const { grant } = await award(awarder, artist, "300");
    const { payouts: made } = await createBatch(t.db, acting(awarder), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
    });
    const before = await moneySnapshot(t.db);
    const error = await refusal(cancelGrant(t.db, acting(awarder), grant.id, "Changed our mind"));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/already in a payout/);
    expect(await moneySnapshot(t.db)).toEqual(before);
    // Once that payout failed, the money is back and the grant can be cancelled.
    await markPayout(
      t.db,
      acting(awarder),
      made[0]!,
      { to: "failed", reason: "Returned" },
      MONEY_OPTIONS,
    );
    expect((await cancelGrant(t.db, acting(awarder), grant.id, "Changed our mind")).state).toBe(
      "cancelled",
    );
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
  });

  it("a paid grant cannot be cancelled (409)", async () => {
    const { awarder, artist } = await people();
    const { grant } = await award(awarder, artist, "300");
    const { payouts: made } = await createBatch(t.db, acting(awarder), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
    });
    await markPayout(t.db, acting(awarder), made[0]!, { to: "sent" }, MONEY_OPTIONS);
    await markPayout(t.db, acting(awarder), made[0]!, { to: "paid" }, MONEY_OPTIONS);
    expect((await grantRow(grant.id)).state).toBe("paid");
    const before = await moneySnapshot(t.db);
    const error = await refusal(cancelGrant(t.db, acting(awarder), grant.id, "Too late"));
    expect(error.status).toBe(409);
    expect(error.message).toBe("A paid grant cannot be cancelled.");
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("reversing a grant's credit on the statement cancels the grant, so a later payout never calls it paid", async () => {
    const { awarder, artist } = await people();
    const { grant } = await award(awarder, artist, "300");
    const [credit] = await creditsOf(grant.id);
    await reverseEntry(t.db, acting(awarder), credit!, "Awarded to the wrong artist");
    const [after] = await t.db.select().from(grants).where(eq(grants.id, grant.id));
    expect(after).toMatchObject({
      state: "cancelled",
      cancelReason: "Awarded to the wrong artist",
      cancelledBy: awarder.id,
    });
  });

  it("cancelling a grant whose credit an admin already reversed does not fail with a database error", async () => {
    const { awarder, artist } = await people();
    const { grant } = await award(awarder, artist, "300");
    const [credit] = await creditsOf(grant.id);
    await reverseEntry(t.db, acting(awarder), credit!, "Entered twice");
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
    const error = await rejectionOf(cancelGrant(t.db, acting(awarder), grant.id, "Entered twice"));
    // Either it is cancelled (the money is already taken back) or it is refused with a reason;
    // a raw unique-index violation (a 500) is neither.
    if (error !== undefined) expect(error, databaseText(error)).toBeInstanceOf(UserError);
    const reversals = await t.db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.reversesEntryId, credit!.id));
    expect(reversals).toHaveLength(1);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
  });

  it("cancelling a grant and reversing its credit at the same time: one reversal, and each answer a success or a 4xx", async () => {
    const { awarder, approver, artist } = await people();
    for (let round = 0; round < 8; round++) {
      const { grant } = await award(awarder, artist, "300", { purpose: `Round ${round}` });
      const [credit] = await creditsOf(grant.id);
      const outcomes = await Promise.all([
        rejectionOf(cancelGrant(t.db, acting(awarder), grant.id, "Awarded twice")),
        rejectionOf(reverseEntry(t.db, acting(approver), credit!, "Awarded twice")),
      ]);
      for (const error of outcomes)
        if (error !== undefined) {
          expect(error, databaseText(error)).toBeInstanceOf(UserError);
          expect((error as UserError).status).toBeGreaterThanOrEqual(400);
          expect((error as UserError).status).toBeLessThan(500);
        }
      expect(outcomes.filter((e) => e === undefined).length).toBeGreaterThanOrEqual(1);
      const reversals = await t.db
        .select()
        .from(ledgerEntries)
        .where(eq(ledgerEntries.reversesEntryId, credit!.id));
      expect(reversals, `round ${round}`).toHaveLength(1);
      expect((await grantRow(grant.id)).state).toBe("cancelled");
    }
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
  });
});

describe("promotions", () => {
  async function promotionSetup() {
    const { awarder: admin, artist } = await people();
    await publishCard(t.db, admin, { promoClipMinor: "150.00" });
    const approved = await approvedClip(t.db, artist, "Harbour at first light");
    return { admin, artist, approved };
  }

  const ask = (admin: User, clipId: string, extra: Record<string, unknown> = {}) =>
    askPromotion(
      t.db,
      acting(admin),
      promotionInput.parse({
        clipId,
        purpose: "Opening reel of the spring showcase",
        channels: ["Program website", "Instagram"],
        ...extra,
      }),
      { ...MONEY_OPTIONS, now: LOG_NOW },
    );

  const earningsFor = (promotionId: string) =>
    t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.promotionId, promotionId), eq(ledgerEntries.kind, "earning")));

  it("asks for a clip of an approved submission at the card's rate, and tells the artist", async () => {
    const { admin, artist, approved } = await promotionSetup();
    const { promotion, emailIds } = await ask(admin, approved.clipId);
    expect(promotion).toMatchObject({
      userId: artist.id,
      clipId: approved.clipId,
      submissionId: approved.submissionId,
      feeMinor: 15000,
      currency: "USD",
      state: "asked",
      channels: ["Program website", "Instagram"],
      askedBy: admin.id,
      answeredAt: null,
    });
    const [email] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, emailIds[0]!));
    expect(email).toMatchObject({
      template: "promotion-requested",
      recipient: "ines@example.test",
    });
    const [note] = await t.db
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.userId, artist.id), eq(notifications.kind, "promotion_requested")),
      );
    expect(note!.title).toBe('May the program use "Harbour at first light"?');
    // Asking earns nothing yet; it is pending.
    expect(await t.db.select().from(ledgerEntries)).toEqual([]);
    const [totals] = await statementTotals(t.db, acting(artist), artist.id);
    expect(totals).toMatchObject({ pendingMinor: 15000, payableMinor: 0 });
  });

  it("only a clip in an approved submission can be asked for (422 on clipId)", async () => {
    const { admin, artist } = await promotionSetup();
    const { clip: loose } = await createFinishedClip(t.db, artist);
    const { clip: pending } = await createFinishedClip(t.db, artist);
    await submitClip(
      t.db,
      acting(artist),
      submitInput.parse({
        clipId: pending.id,
        title: "Still in review",
        description: "Waiting.",
        intendedUse: "portfolio",
        channels: ["YouTube"],
        agreeTerms: "on",
      }),
    );
    const before = await moneySnapshot(t.db);
    for (const clipId of [loose.id, pending.id, "no-such-clip"]) {
      const error = await refusal(ask(admin, clipId));
      expect(error).toMatchObject({ status: 422, field: "clipId" });
    }
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("the fee may not be below the card's rate per clip (422 on feeMinor); above it is fine", async () => {
    const { admin, approved } = await promotionSetup();
    const error = await refusal(ask(admin, approved.clipId, { feeMinor: "149.99" }));
    expect(error).toMatchObject({ status: 422, field: "feeMinor" });
    expect(error.message).toBe("The fee cannot be below the published rate of $150.00.");
    expect(await t.db.select().from(promotions)).toEqual([]);
    const { promotion } = await ask(admin, approved.clipId, { feeMinor: "275" });
    expect(promotion.feeMinor).toBe(27500);
  });

  it("an artist paid in EUR is asked in EUR, at the EUR card's rate", async () => {
    const { admin, artist, approved } = await promotionSetup();
    await publishCard(t.db, admin, { currency: "EUR", promoClipMinor: "120.00" });
    await setPayoutCurrency(t.db, acting(admin), artist.id, "EUR");
    const { promotion } = await ask(admin, approved.clipId);
    expect(promotion).toMatchObject({ currency: "EUR", feeMinor: 12000 });
  });

  it("one open or accepted request per clip (409); a declined one can be asked again", async () => {
    const { admin, artist, approved } = await promotionSetup();
    const { promotion } = await ask(admin, approved.clipId);
    const before = await moneySnapshot(t.db);
    const error = await refusal(ask(admin, approved.clipId, { purpose: "Newsletter header" }));
    expect(error).toMatchObject({ status: 409, field: "clipId" });
    expect(await moneySnapshot(t.db)).toEqual(before);
    await declinePromotion(t.db, acting(artist), promotion.id, "I am showing it elsewhere first");
    const second = await ask(admin, approved.clipId, { purpose: "Newsletter header" });
    await acceptPromotion(t.db, acting(artist), second.promotion.id);
    expect((await refusal(ask(admin, approved.clipId))).status).toBe(409);
  });

  it("a resent ask (same request key) is the same request, with no second email", async () => {
    const { admin, approved } = await promotionSetup();
    const requestKey = crypto.randomUUID();
    const first = await ask(admin, approved.clipId, { requestKey });
    const again = await ask(admin, approved.clipId, { requestKey });
    expect(again.promotion.id).toBe(first.promotion.id);
    expect(again.emailIds).toEqual([]);
    expect(await t.db.select().from(promotions)).toHaveLength(1);
  });

  it("acceptance records the answer and earns the fee exactly once, however often it is sent", async () => {
    const { admin, artist, approved } = await promotionSetup();
    const { promotion } = await ask(admin, approved.clipId, { feeMinor: "200" });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => acceptPromotion(t.db, acting(artist), promotion.id)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected")
        expect(r.reason).toMatchObject({ name: "UserError", status: 409 });
    const [row] = await t.db.select().from(promotions).where(eq(promotions.id, promotion.id));
    expect(row!.state).toBe("accepted");
    expect(row!.answeredAt).toBeInstanceOf(Date);
    const earnings = await earningsFor(promotion.id);
    expect(earnings).toHaveLength(1);
    expect(earnings[0]).toMatchObject({
      userId: artist.id,
      amountMinor: 20000,
      currency: "USD",
      description: "Promotional use: Opening reel of the spring showcase",
    });
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(20000);
    expect(
      await t.db.select().from(auditLog).where(eq(auditLog.action, "money.promotion_accepted")),
    ).toHaveLength(1);
  });

  it("declining records the answer and the reason and earns nothing", async () => {
    const { admin, artist, approved } = await promotionSetup();
    const { promotion } = await ask(admin, approved.clipId);
    const declined = await declinePromotion(
      t.db,
      acting(artist),
      promotion.id,
      "Not for social media",
    );
    expect(declined).toMatchObject({ state: "declined", declineReason: "Not for social media" });
    expect(declined.answeredAt).toBeInstanceOf(Date);
    expect(await t.db.select().from(ledgerEntries)).toEqual([]);
    expect((await refusal(acceptPromotion(t.db, acting(artist), promotion.id))).status).toBe(409);
    expect(await t.db.select().from(ledgerEntries)).toEqual([]);
  });

  it("another artist can neither accept nor decline it (404, as if it did not exist)", async () => {
    const { admin, approved } = await promotionSetup();
    const other = await createUser(t.db, { displayName: "Jun Park" });
    const { promotion } = await ask(admin, approved.clipId);
    const before = await moneySnapshot(t.db);
    // One at a time: started together, a refusal could land before it is awaited (unhandled).
    for (const attempt of [
      () => acceptPromotion(t.db, acting(other), promotion.id),
      () => declinePromotion(t.db, acting(other), promotion.id, null),
    ]) {
      const error = await refusal(attempt());
      expect(error.status).toBe(404);
      expect(error.message).toBe("That request does not exist.");
    }
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("a withdrawn request can no longer be accepted", async () => {
    const { admin, artist, approved } = await promotionSetup();
    const { promotion } = await ask(admin, approved.clipId);
    expect((await withdrawPromotion(t.db, acting(admin), promotion.id)).state).toBe("withdrawn");
    const before = await moneySnapshot(t.db);
    expect((await refusal(acceptPromotion(t.db, acting(artist), promotion.id))).status).toBe(409);
    expect((await refusal(withdrawPromotion(t.db, acting(admin), promotion.id))).status).toBe(409);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("the database refuses an accepted promotion without its answer time", async () => {
    const { admin, approved } = await promotionSetup();
    const { promotion } = await ask(admin, approved.clipId);
    const error = await rejectionOf(
      t.db.update(promotions).set({ state: "accepted" }).where(eq(promotions.id, promotion.id)),
    );
    expect(databaseText(error)).toMatch(/promotions_accepted_has_answer/);
    const declined = await rejectionOf(
      t.db.update(promotions).set({ state: "declined" }).where(eq(promotions.id, promotion.id)),
    );
    expect(databaseText(declined)).toMatch(/promotions_accepted_has_answer/);
    const [row] = await t.db.select().from(promotions).where(eq(promotions.id, promotion.id));
    expect(row!.state).toBe("asked");
  });
});
