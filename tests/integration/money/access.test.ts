import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ActingUser } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import {
  approveContribution,
  feedbackInput,
  fileFeedbackReport,
  logHours,
  rejectContribution,
} from "~/.server/money/contributions";
import { batchCsv, ledgerCsv } from "~/.server/money/exports";
import { approveGrant, awardGrant, cancelGrant, grantInput } from "~/.server/money/grants";
import { reverseEntry } from "~/.server/money/ledger";
import {
  createBatch,
  loadBatch,
  markBatch,
  markPayout,
  previewBatch,
} from "~/.server/money/payouts";
import {
  acceptPromotion,
  askPromotion,
  declinePromotion,
  promotionInput,
  withdrawPromotion,
} from "~/.server/money/promotions";
import { listRateCards, publishRateCard, setPayoutCurrency } from "~/.server/money/rates";
import { statementItems, statementTotals } from "~/.server/money/statement";
import { recordStipends } from "~/.server/money/stipends";
import {
  listGrants,
  listPromotions,
  loadEarnings,
  loadMoneyOverview,
  moneyFormChoices,
} from "~/.server/money/views";
import { ledgerEntries } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import { createFinishedClip } from "../../support/generation";
import {
  approvedClip,
  approvedHours,
  hoursForm,
  LOG_NOW,
  moneySnapshot,
  MONEY_OPTIONS,
  rateCard,
  publishCard,
} from "../../support/money";

const t = useTestDatabase();

const GRANT_OPTIONS = { ...MONEY_OPTIONS, approvalThresholdMinor: 50_000 };

/**
 * A program with money in every state: a pending contribution, an approved one, an awarded grant,
 * an asked promotion, a batch with a payout. Every id is real, so a missing check would succeed.
 */
async function program() {
  const admin = await createUser(t.db, { role: "admin", displayName: "Morgan Finance" });
  const artist = await createUser(t.db, { displayName: "Ines Okafor" });
  const other = await createUser(t.db, { displayName: "Jun Park" });
  const reviewer = await createUser(t.db, { role: "reviewer", displayName: "Rae Reviewer" });
  await publishCard(t.db, admin);
  await approvedHours(t.db, admin, artist, "2", "2026-06-10");
  await approvedHours(t.db, admin, other, "1", "2026-06-10");
  const { batch, payouts } = await createBatch(t.db, acting(admin), {
    currency: "USD",
    batchKey: crypto.randomUUID(),
  });
  const earning = await approvedHours(t.db, admin, artist, "3", "2026-06-11");
  const [entry] = await t.db
    .select()
    .from(ledgerEntries)
    .where(eq(ledgerEntries.contributionId, earning.id));
  const pending = await logHours(t.db, acting(artist), hoursForm("1", "2026-06-12"), LOG_NOW);
  const { grant } = await awardGrant(
    t.db,
    acting(admin),
    grantInput.parse({
      userId: artist.id,
      amountMinor: "900",
      currency: "USD",
      purpose: "Residency in Lisbon",
    }),
    GRANT_OPTIONS,
  );
  const clip = await approvedClip(t.db, artist);
  const { promotion } = await askPromotion(
    t.db,
    acting(admin),
    promotionInput.parse({
      clipId: clip.clipId,
      purpose: "Spring showcase reel",
      channels: ["Program website"],
    }),
    MONEY_OPTIONS,
  );
  const { clip: generation } = await createFinishedClip(t.db, artist);
  return {
    admin,
    artist,
    other,
    reviewer,
    ids: {
      batch: batch.id,
      payout: payouts[0]!.id,
      entry: entry!.id,
      pending: pending.id,
      grant: grant.id,
      promotion: promotion.id,
      clip: clip.clipId,
      generation: generation.id,
    },
  };
}

type Program = Awaited<ReturnType<typeof program>>;

/** Every money function that reads or writes money, called as `who`. */
function everyMoneyCall(p: Program, who: ActingUser) {
  const { ids } = p;
  const db = t.db;
  return {
    loadEarnings: () => loadEarnings(db, who, {}, LOG_NOW),
    loadMoneyOverview: () => loadMoneyOverview(db, who),
    moneyFormChoices: () => moneyFormChoices(db, who),
    listPromotions: () => listPromotions(db, who),
    listGrants: () => listGrants(db, who),
    statementTotals: () => statementTotals(db, who, p.artist.id),
    statementItems: () => statementItems(db, who, p.artist.id),
    previewBatch: () => previewBatch(db, who, "USD"),
    createBatch: () => createBatch(db, who, { currency: "USD", batchKey: crypto.randomUUID() }),
    markPayout: () =>
      markPayout(db, who, { id: ids.payout, batchId: ids.batch }, { to: "sent" }, MONEY_OPTIONS),
    markBatch: () => markBatch(db, who, ids.batch, "sent", MONEY_OPTIONS),
    loadBatch: () => loadBatch(db, who, ids.batch),
    batchCsv: () => batchCsv(db, who, ids.batch),
    ledgerCsv: () => ledgerCsv(db, who, { from: "2026-01-01", to: "2026-12-31" }),
    listRateCards: () => listRateCards(db, who),
    publishRateCard: () =>
      publishRateCard(db, who, rateCard({ effectiveFrom: "2026-09-01", hourlyMinor: "99.00" })),
    setPayoutCurrency: () => setPayoutCurrency(db, who, p.artist.id, "EUR"),
    logHours: () => logHours(db, who, hoursForm("1", "2026-06-13"), LOG_NOW),
    fileFeedbackReport: () =>
      fileFeedbackReport(
        db,
        who,
        feedbackInput.parse({
          generationId: ids.generation,
          category: "quality",
          description: "Faces drift between frames in long shots.",
        }),
        LOG_NOW,
      ),
    approveContribution: () => approveContribution(db, who, ids.pending, MONEY_OPTIONS),
    rejectContribution: () =>
      rejectContribution(db, who, ids.pending, "Not a testing session", MONEY_OPTIONS),
    awardGrant: () =>
      awardGrant(
        db,
        who,
        grantInput.parse({
          userId: p.artist.id,
          amountMinor: "50",
          currency: "USD",
          purpose: "Materials",
        }),
        GRANT_OPTIONS,
      ),
    approveGrant: () => approveGrant(db, who, ids.grant, MONEY_OPTIONS),
    cancelGrant: () => cancelGrant(db, who, ids.grant, "No longer needed"),
    askPromotion: () =>
      askPromotion(
        db,
        who,
        promotionInput.parse({ clipId: ids.clip, purpose: "Newsletter", channels: ["Newsletter"] }),
        MONEY_OPTIONS,
      ),
    acceptPromotion: () => acceptPromotion(db, who, ids.promotion),
    declinePromotion: () => declinePromotion(db, who, ids.promotion, "No thanks"),
    withdrawPromotion: () => withdrawPromotion(db, who, ids.promotion),
    reverseEntry: () => reverseEntry(db, who, { id: ids.entry, userId: p.artist.id }, "Duplicate"),
    recordStipends: () => recordStipends(db, who, "2026-06", LOG_NOW),
  } satisfies Record<string, () => Promise<unknown>>;
}

type CallName = keyof ReturnType<typeof everyMoneyCall>;

/** Runs each call and returns the names of those that were not refused with a 403. */
async function notForbidden(calls: Partial<Record<CallName, () => Promise<unknown>>>) {
  const allowed: string[] = [];
  for (const [name, call] of Object.entries(calls)) {
    try {
      await call!();
      allowed.push(`${name}: succeeded`);
    } catch (error) {
      if (!(error instanceof UserError) || error.status !== 403)
        allowed.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return allowed;
}

const ADMIN_ONLY: CallName[] = [
  "loadMoneyOverview",
  "moneyFormChoices",
  "listPromotions",
  "listGrants",
  "previewBatch",
  "createBatch",
  "markPayout",
  "markBatch",
  "loadBatch",
  "batchCsv",
  "ledgerCsv",
  "publishRateCard",
  "setPayoutCurrency",
  "approveContribution",
  "rejectContribution",
  "awardGrant",
  "approveGrant",
  "cancelGrant",
  "askPromotion",
  "withdrawPromotion",
  "reverseEntry",
  "recordStipends",
];

const ARTIST_ONLY: CallName[] = [
  "loadEarnings",
  "logHours",
  "fileFeedbackReport",
  "acceptPromotion",
  "declinePromotion",
];

describe("reviewers never see money", () => {
  it("every money function, read or write, refuses a reviewer with a 403 and writes nothing", async () => {
    const p = await program();
    const calls = everyMoneyCall(p, acting(p.reviewer));
    expect(Object.keys(calls)).toHaveLength(30);
    const before = await moneySnapshot(t.db);
    expect(await notForbidden(calls)).toEqual([]);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });
});

describe("artists see their own money only", () => {
  it("an artist reads their own statement, and another artist's is a 403", async () => {
    const p = await program();
    const mine = await statementTotals(t.db, acting(p.artist), p.artist.id);
    expect(mine.map((c) => c.currency)).toEqual(["USD"]);
    const { items } = await statementItems(t.db, acting(p.artist), p.artist.id);
    expect(items.length).toBeGreaterThan(0);
    for (const read of [
      () => statementTotals(t.db, acting(p.other), p.artist.id),
      () => statementItems(t.db, acting(p.other), p.artist.id),
    ])
      await expect(read()).rejects.toMatchObject({ name: "ForbiddenError", status: 403 });
  });

  it("an artist's earnings page holds only their own items", async () => {
    const p = await program();
    const page = await loadEarnings(t.db, acting(p.other), {}, LOG_NOW);
    expect(page.contributions.every((c) => c.contribution.userId === p.other.id)).toBe(true);
    expect(page.contributions).toHaveLength(1);
    expect(page.grants).toEqual([]);
    expect(page.promotions).toEqual([]);
    expect(page.generations).toEqual([]);
    expect(page.statement.items.map((i) => i.kind)).toEqual(["payout", "earning"]);
    expect(page.totals).toMatchObject([{ currency: "USD", earnedMinor: 4000, payableMinor: 0 }]);
  });

  it("an artist cannot call any admin function (403), and nothing is written", async () => {
    const p = await program();
    const calls = everyMoneyCall(p, acting(p.artist));
    const before = await moneySnapshot(t.db);
    expect(await notForbidden(Object.fromEntries(ADMIN_ONLY.map((n) => [n, calls[n]])))).toEqual(
      [],
    );
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("an admin runs the money but does not earn it: the artist's own actions refuse an admin", async () => {
    const p = await program();
    const calls = everyMoneyCall(p, acting(p.admin));
    const before = await moneySnapshot(t.db);
    expect(await notForbidden(Object.fromEntries(ARTIST_ONLY.map((n) => [n, calls[n]])))).toEqual(
      [],
    );
    expect(await moneySnapshot(t.db)).toEqual(before);
    // …and reads any artist's statement.
    expect(await statementTotals(t.db, acting(p.admin), p.artist.id)).toHaveLength(1);
  });
});
