import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  clips,
  contributions,
  generationJobs,
  generationModels,
  grants,
  ledgerBalances,
  payoutBatches,
  payoutBatchTotals,
  promotions,
  rateCards,
  submissions,
  submissionVersions,
  users,
} from "~db/schema";
import { FEEDBACK_CATEGORIES, type FeedbackCategory } from "~/lib/money";
import { assertCan, type ActingUser } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import { selectRows, type Db } from "../db";
import { UserError } from "../errors";
import { COUNTS_BESIDE_A_LIVE_LIST, uncachedFigures, type FiguresCache } from "../figures-cache";
import { encodeTimeCursor, requireTimeCursor } from "../pagination";
import { priceOf } from "./contributions";
import { todayUtc } from "./dates";
import { listRateCards, payoutCurrencyOf } from "./rates";
import { statementItems, statementTotals } from "./statement";

// What /earnings and /admin/money show. Artists read only their own; reviewers never read money.

export const CONTRIBUTIONS_PAGE_SIZE = 20;

export async function loadEarnings(
  db: Db,
  artist: SessionUser,
  options: { itemsBefore?: string; contributionsAfter?: string | null } = {},
  now = new Date(),
) {
  assertCan(artist, "money:earn");
  const after = requireTimeCursor(options.contributionsAfter);
  const [
    rateCardSeries,
    currency,
    totals,
    statement,
    contributionRows,
    grantRows,
    promotionRows,
    generations,
  ] = await Promise.all([
    listRateCards(db, artist, todayUtc(now)),
    payoutCurrencyOf(db, artist.id),
    statementTotals(db, artist, artist.id),
    statementItems(db, artist, artist.id, { before: options.itemsBefore }),
    db
      .select({
        contribution: contributions,
        cursorAt: sql<string>`${contributions.createdAt}::text`,
        prompt: generationJobs.prompt,
      })
      .from(contributions)
      .leftJoin(generationJobs, eq(generationJobs.id, contributions.generationId))
      .where(
        and(
          eq(contributions.userId, artist.id),
          after
            ? sql`(${contributions.createdAt}, ${contributions.id}) < (${after.at}::timestamptz, ${after.id})`
            : undefined,
        ),
      )
      .orderBy(desc(contributions.createdAt), desc(contributions.id))
      .limit(CONTRIBUTIONS_PAGE_SIZE + 1),
    db
      .select()
      .from(grants)
      .where(eq(grants.userId, artist.id))
      .orderBy(desc(grants.createdAt))
      .limit(50),
    db
      .select({ promotion: promotions, title: submissions.title })
      .from(promotions)
      .innerJoin(submissions, eq(submissions.id, promotions.submissionId))
      .where(eq(promotions.userId, artist.id))
      .orderBy(desc(promotions.createdAt))
      .limit(50),
    // The generations a feedback report can be about: the artist's latest.
    db
      .select({
        id: generationJobs.id,
        prompt: generationJobs.prompt,
        createdAt: generationJobs.createdAt,
      })
      .from(generationJobs)
      .where(eq(generationJobs.userId, artist.id))
      .orderBy(desc(generationJobs.createdAt))
      .limit(100),
  ]);
  const page = contributionRows.slice(0, CONTRIBUTIONS_PAGE_SIZE);
  const last = page.at(-1);
  return {
    currency,
    // The artist's own currency first: it is the card that prices their work.
    rateCards: [...rateCardSeries].sort(
      (a, b) => Number(b.currency === currency) - Number(a.currency === currency),
    ),
    totals,
    statement,
    contributions: page.map(({ cursorAt: _, ...r }) => r),
    contributionsNext:
      contributionRows.length > CONTRIBUTIONS_PAGE_SIZE && last
        ? encodeTimeCursor(last.cursorAt, last.contribution.id)
        : null,
    grants: grantRows,
    promotions: promotionRows,
    generations,
  };
}

const artistUser = alias(users, "artist");

/**
 * The model a generation was made with, as admins know it: the catalog entry's name, else (a job
 * from before the catalog) the model its clip recorded, else its provider.
 */
const modelName = sql<
  string | null
>`coalesce(${generationModels.displayName}, ${clips.model}, ${generationJobs.provider})`;

export type FeedbackByModel = {
  modelId: string | null;
  model: string;
  /** Reports not rejected: pending and approved. */
  total: number;
  pending: number;
} & Record<FeedbackCategory, number>;

/**
 * Feedback reports per model of the generation they are about, counted by category (ADR 0022):
 * which model draws safety reports, which draws bugs. Rejected reports are not counted (an admin
 * found them not to be about the model); pending ones are, and are also counted apart.
 */
export async function feedbackReportsByModel(db: Db, admin: ActingUser) {
  assertCan(admin, "money:manage");
  const byCategory = FEEDBACK_CATEGORIES.map(
    (category) =>
      sql`count(*) filter (where c.category = ${category})::int AS ${sql.identifier(category)}`,
  );
  return selectRows<FeedbackByModel>(
    db,
    sql`SELECT j.model_id AS "modelId",
               coalesce(m.display_name, cl.model, j.provider, 'Generation deleted') AS model,
               count(*)::int AS total,
               count(*) filter (where c.state = 'pending')::int AS pending,
               ${sql.join(byCategory, sql`, `)}
        FROM contributions c
        LEFT JOIN generation_jobs j ON j.id = c.generation_id
        LEFT JOIN generation_models m ON m.id = j.model_id
        LEFT JOIN clips cl ON cl.id = j.id
        WHERE c.kind = 'feedback' AND c.state <> 'rejected'
        GROUP BY 1, 2
        ORDER BY 3 DESC, 2`,
  );
}
const awarder = alias(users, "awarder");

/** The admin overview: totals by state per currency, what waits for a decision, balances. */
export async function loadMoneyOverview(
  db: Db,
  admin: ActingUser,
  options: {
    balancesAfter?: string | null;
    pendingAfter?: string | null;
    grantsAfter?: string | null;
    figures?: FiguresCache;
  } = {},
) {
  assertCan(admin, "money:manage");
  const pendingAfter = requireTimeCursor(options.pendingAfter);
  const grantsAfter = requireTimeCursor(options.grantsAfter);
  const figures = options.figures ?? uncachedFigures;
  const [
    totalsByState,
    ledgerTotals,
    pendingRows,
    pendingCount,
    awaitingGrantRows,
    awaitingGrantTotals,
    askedPromotions,
    balances,
    batches,
    feedbackByModel,
  ] = await Promise.all([
    // Kept per batch by a trigger on payouts: a few rows per batch, however many payouts.
    db
      .select({
        currency: payoutBatches.currency,
        state: payoutBatchTotals.state,
        count: sql<number>`sum(${payoutBatchTotals.payouts})::int`,
        total: sql<string>`sum(${payoutBatchTotals.amountMinor})::bigint::text`,
      })
      .from(payoutBatchTotals)
      .innerJoin(payoutBatches, eq(payoutBatches.id, payoutBatchTotals.batchId))
      .groupBy(payoutBatches.currency, payoutBatchTotals.state),
    db
      .select({
        currency: ledgerBalances.currency,
        payable: sql<string>`sum(${ledgerBalances.balanceMinor})::bigint::text`,
        artists: sql<number>`count(*) filter (where ${ledgerBalances.balanceMinor} > 0)::int`,
      })
      .from(ledgerBalances)
      .groupBy(ledgerBalances.currency),
    db
      .select({
        contribution: contributions,
        cursorAt: sql<string>`${contributions.createdAt}::text`,
        artist: artistUser.displayName,
        artistEmail: artistUser.email,
        prompt: generationJobs.prompt,
        model: modelName,
        rate: rateCards,
      })
      .from(contributions)
      .innerJoin(artistUser, eq(artistUser.id, contributions.userId))
      .leftJoin(generationJobs, eq(generationJobs.id, contributions.generationId))
      .leftJoin(generationModels, eq(generationModels.id, generationJobs.modelId))
      .leftJoin(clips, eq(clips.id, generationJobs.id))
      // The card that would price it: the artist's currency, in force on the item's date.
      .leftJoin(
        rateCards,
        sql`${rateCards.id} = (select rc.id from ${rateCards} rc where rc.currency = coalesce((select pa.currency from payout_accounts pa where pa.user_id = ${contributions.userId}), 'USD') and rc.effective_from <= ${contributions.occurredOn} order by rc.effective_from desc limit 1)`,
      )
      .where(
        and(
          eq(contributions.state, "pending"),
          pendingAfter
            ? sql`(${contributions.createdAt}, ${contributions.id}) > (${pendingAfter.at}::timestamptz, ${pendingAfter.id})`
            : undefined,
        ),
      )
      .orderBy(asc(contributions.createdAt), asc(contributions.id))
      .limit(PENDING_PAGE_SIZE + 1),
    // How many wait in all: shared, and at most a few seconds old.
    figures.get(
      "money-pending-contributions",
      async () => {
        const [row] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(contributions)
          .where(eq(contributions.state, "pending"));
        return row?.n ?? 0;
      },
      COUNTS_BESIDE_A_LIVE_LIST,
    ),
    // Oldest first, a page at a time (grants_awaiting_idx), with the totals of them all beside.
    db
      .select({
        grant: grants,
        cursorAt: sql<string>`${grants.createdAt}::text`,
        artist: artistUser.displayName,
        awardedByName: awarder.displayName,
      })
      .from(grants)
      .innerJoin(artistUser, eq(artistUser.id, grants.userId))
      .leftJoin(awarder, eq(awarder.id, grants.awardedBy))
      .where(
        and(
          eq(grants.state, "awarded"),
          grantsAfter
            ? sql`(${grants.createdAt}, ${grants.id}) > (${grantsAfter.at}::timestamptz, ${grantsAfter.id})`
            : undefined,
        ),
      )
      .orderBy(asc(grants.createdAt), asc(grants.id))
      .limit(AWAITING_GRANTS_PAGE_SIZE + 1),
    db
      .select({
        currency: grants.currency,
        count: sql<number>`count(*)::int`,
        total: sql<string>`sum(${grants.amountMinor})::bigint::text`,
      })
      .from(grants)
      .where(eq(grants.state, "awarded"))
      .groupBy(grants.currency),
    db
      .select({
        count: sql<number>`count(*)::int`,
        currency: promotions.currency,
        total: sql<string>`sum(${promotions.feeMinor})::bigint::text`,
      })
      .from(promotions)
      .where(eq(promotions.state, "asked"))
      .groupBy(promotions.currency),
    listBalances(db, options.balancesAfter),
    listBatches(db, admin, { limit: 5 }),
    // A pass over every feedback report with its generation (1 s at scale): shared like the
    // dashboard's figures, a minute at most, and the page says when it was counted.
    figures.get("money-feedback-by-model", () => feedbackReportsByModel(db, admin)),
  ]);
  const currencies = [
    ...new Set([...totalsByState.map((p) => p.currency), ...ledgerTotals.map((l) => l.currency)]),
  ].sort();
  const totals = currencies.map((currency) => {
    const of = (state: string) => {
      const row = totalsByState.find((p) => p.currency === currency && p.state === state);
      return { count: row?.count ?? 0, minor: Number(row?.total ?? 0) };
    };
    const ledger = ledgerTotals.find((l) => l.currency === currency);
    return {
      currency,
      payableMinor: Number(ledger?.payable ?? 0),
      artistsOwed: ledger?.artists ?? 0,
      created: of("created"),
      sent: of("sent"),
      paid: of("paid"),
      failed: of("failed"),
      awaitingGrantsMinor: Number(
        awaitingGrantTotals.find((g) => g.currency === currency)?.total ?? 0,
      ),
    };
  });
  const awaitingPage = awaitingGrantRows.slice(0, AWAITING_GRANTS_PAGE_SIZE);
  const lastAwaiting = awaitingPage.at(-1);
  return {
    totals,
    pendingCount: pendingCount.value,
    pendingNext:
      pendingRows.length > PENDING_PAGE_SIZE
        ? encodeTimeCursor(
            pendingRows[PENDING_PAGE_SIZE - 1]!.cursorAt,
            pendingRows[PENDING_PAGE_SIZE - 1]!.contribution.id,
          )
        : null,
    pendingContributions: pendingRows.slice(0, PENDING_PAGE_SIZE).map(({ cursorAt: _, ...r }) => ({
      ...r,
      estimateMinor: r.rate ? priceOf(r.contribution, r.rate) : null,
      estimateCurrency: r.rate?.currency ?? null,
    })),
    awaitingGrants: awaitingPage.map(({ cursorAt: _, ...g }) => g),
    awaitingGrantsCount: awaitingGrantTotals.reduce((n, g) => n + g.count, 0),
    awaitingGrantsNext:
      awaitingGrantRows.length > AWAITING_GRANTS_PAGE_SIZE && lastAwaiting
        ? encodeTimeCursor(lastAwaiting.cursorAt, lastAwaiting.grant.id)
        : null,
    askedPromotions: askedPromotions.map((p) => ({ ...p, total: Number(p.total) })),
    balances,
    batches: batches.rows,
    feedbackByModel: feedbackByModel.value,
    feedbackByModelAt: feedbackByModel.computedAt.toISOString(),
  };
}

export const BALANCES_PAGE_SIZE = 25;
/** Grants awaiting a second approval, oldest first: each is a card with two forms. */
export const AWAITING_GRANTS_PAGE_SIZE = 10;
/** Contributions to decide, oldest first, a page at a time: each is a card with two forms. */
export const PENDING_PAGE_SIZE = 10;

/** Balances per artist and currency, largest first (keyset on balance, then user). */
async function listBalances(db: Db, after?: string | null) {
  const match = after ? /^(\d{1,15})_([\w-]{1,64})_([A-Z]{3})$/.exec(after) : null;
  const rows = await db
    .select({
      userId: ledgerBalances.userId,
      currency: ledgerBalances.currency,
      balanceMinor: ledgerBalances.balanceMinor,
      name: users.displayName,
      email: users.email,
    })
    .from(ledgerBalances)
    .innerJoin(users, eq(users.id, ledgerBalances.userId))
    .where(
      and(
        gt(ledgerBalances.balanceMinor, 0),
        match
          ? sql`(${ledgerBalances.balanceMinor}, ${ledgerBalances.userId}, ${ledgerBalances.currency}) < (${Number(match[1])}, ${match[2]}, ${match[3]})`
          : undefined,
      ),
    )
    .orderBy(
      desc(ledgerBalances.balanceMinor),
      desc(ledgerBalances.userId),
      desc(ledgerBalances.currency),
    )
    .limit(BALANCES_PAGE_SIZE + 1);
  const page = rows.slice(0, BALANCES_PAGE_SIZE);
  const last = page.at(-1);
  return {
    rows: page,
    next:
      rows.length > BALANCES_PAGE_SIZE && last
        ? `${last.balanceMinor}_${last.userId}_${last.currency}`
        : null,
  };
}

/** Artists an admin can award a grant to, and approved clips the program can ask for. */
export async function moneyFormChoices(db: Db, admin: ActingUser) {
  assertCan(admin, "money:manage");
  const [artists, approvedClips] = await Promise.all([
    db
      .select({ id: users.id, name: users.displayName, email: users.email })
      .from(users)
      .where(and(eq(users.role, "artist"), inArray(users.status, ["active", "invited"])))
      .orderBy(asc(users.displayName))
      .limit(500),
    db
      .select({
        clipId: submissionVersions.clipId,
        title: submissions.title,
        artist: users.displayName,
      })
      .from(submissions)
      .innerJoin(
        submissionVersions,
        and(
          eq(submissionVersions.submissionId, submissions.id),
          eq(submissionVersions.number, submissions.currentVersion),
        ),
      )
      .innerJoin(clips, eq(clips.id, submissionVersions.clipId))
      .innerJoin(users, eq(users.id, submissions.userId))
      .where(
        and(
          eq(submissions.state, "approved"),
          sql`not exists (select 1 from ${promotions} p where p.clip_id = ${submissionVersions.clipId} and p.state in ('asked', 'accepted'))`,
        ),
      )
      .orderBy(desc(submissions.decidedAt))
      .limit(200),
  ]);
  return { artists, approvedClips };
}

/** Every promotion request, newest first, for the admins' list. */
export async function listPromotions(db: Db, admin: ActingUser) {
  assertCan(admin, "money:manage");
  return db
    .select({ promotion: promotions, title: submissions.title, artist: users.displayName })
    .from(promotions)
    .innerJoin(submissions, eq(submissions.id, promotions.submissionId))
    .innerJoin(users, eq(users.id, promotions.userId))
    .orderBy(desc(promotions.createdAt))
    .limit(100);
}

/** Every grant, newest first. */
export async function listGrants(db: Db, admin: ActingUser) {
  assertCan(admin, "money:manage");
  return db
    .select({ grant: grants, artist: artistUser.displayName, awardedByName: awarder.displayName })
    .from(grants)
    .innerJoin(artistUser, eq(artistUser.id, grants.userId))
    .leftJoin(awarder, eq(awarder.id, grants.awardedBy))
    .orderBy(desc(grants.createdAt))
    .limit(100);
}

export const BATCHES_PAGE_SIZE = 20;

/** Payout batches newest first, with their counts and totals (keyset on created_at, id). */
export async function listBatches(
  db: Db,
  admin: ActingUser,
  options: { limit?: number; after?: string | null } = {},
) {
  assertCan(admin, "money:manage");
  const limit = options.limit ?? BATCHES_PAGE_SIZE;
  const after = requireTimeCursor(options.after);
  // Each batch's totals are a few rows kept by a trigger on payouts (payout_batch_totals), so
  // grouping them for every batch is cheap; grouping the payouts themselves was not.
  const rows = await db
    .select({
      batch: payoutBatches,
      cursorAt: sql<string>`${payoutBatches.createdAt}::text`,
      count: sql<number>`coalesce(sum(${payoutBatchTotals.payouts}), 0)::int`,
      total: sql<string>`coalesce(sum(${payoutBatchTotals.amountMinor}), 0)::bigint::text`,
      open: sql<number>`coalesce(sum(${payoutBatchTotals.payouts}) filter (where ${payoutBatchTotals.state} in ('created', 'sent')), 0)::int`,
      failed: sql<number>`coalesce(sum(${payoutBatchTotals.payouts}) filter (where ${payoutBatchTotals.state} = 'failed'), 0)::int`,
    })
    .from(payoutBatches)
    .leftJoin(payoutBatchTotals, eq(payoutBatchTotals.batchId, payoutBatches.id))
    .where(
      after
        ? sql`(${payoutBatches.createdAt}, ${payoutBatches.id}) < (${after.at}::timestamptz, ${after.id})`
        : undefined,
    )
    .groupBy(payoutBatches.id)
    .orderBy(desc(payoutBatches.createdAt), desc(payoutBatches.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(({ cursorAt: _, ...b }) => ({ ...b, total: Number(b.total) })),
    next: rows.length > limit && last ? encodeTimeCursor(last.cursorAt, last.batch.id) : null,
  };
}

/** One artist's statement for an admin: the same totals and items the artist sees. */
export async function loadArtistStatement(
  db: Db,
  admin: ActingUser,
  userId: string,
  options: { before?: string } = {},
) {
  assertCan(admin, "money:manage");
  const [artist] = await db
    .select({ id: users.id, name: users.displayName, email: users.email, role: users.role })
    .from(users)
    .where(eq(users.id, userId));
  if (!artist || artist.role !== "artist") throw new UserError("No such artist.", 404);
  const [totals, statement, currency] = await Promise.all([
    statementTotals(db, admin, userId),
    statementItems(db, admin, userId, { before: options.before }),
    payoutCurrencyOf(db, userId),
  ]);
  return { artist, totals, statement, currency };
}
