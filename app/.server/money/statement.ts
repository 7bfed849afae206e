import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { LedgerKind, PayoutState } from "~/lib/money";
import {
  contributions,
  grants,
  ledgerBalances,
  ledgerEntries,
  payouts,
  promotions,
  rateCards,
  type LedgerEntry,
} from "~db/schema";
import { ForbiddenError } from "../errors";
import type { SessionUser } from "../auth/session";
import { selectRows, type DbOrTx } from "../db";
import { allocateCredits, creditStatus, type AllocationEntry } from "./allocation";
import { priceOf } from "./contributions";
import { payoutCurrencyOf } from "./rates";

// An artist's statement, read straight from the ledger: what was earned, what is paid, what is on
// its way and what is still payable, per currency, item by item. It must equal the ledger to the
// cent, so its totals are sums over the same rows and nothing is estimated except "pending".

export type ItemStatus = "payable" | "in_payout" | "sent" | "paid" | "reversed" | "returned";

export type StatementItem = {
  id: number;
  kind: LedgerKind;
  currency: string;
  occurredOn: string;
  description: string;
  amountMinor: number;
  /** The balance in this currency after this item, in statement order. */
  balanceMinor: number;
  status: ItemStatus | null;
};

export type CurrencyStatement = {
  currency: string;
  /** Earnings and grants, less their reversals. */
  earnedMinor: number;
  /** Payouts marked paid. */
  paidMinor: number;
  /** Payouts made and not yet paid (created or sent). */
  inPayoutMinor: number;
  /** The payable balance: earned − paid − in payout, and exactly the ledger's sum. */
  payableMinor: number;
  /** Not yet in the ledger: awaiting approval or the artist's answer, at today's rates. */
  pendingMinor: number;
  pendingCount: number;
};

function assertMayRead(viewer: SessionUser, userId: string) {
  if (viewer.role === "admin") return;
  if (viewer.role === "artist" && viewer.id === userId) return;
  throw new ForbiddenError();
}

export async function statementTotals(
  db: DbOrTx,
  viewer: SessionUser,
  userId: string,
): Promise<CurrencyStatement[]> {
  assertMayRead(viewer, userId);
  // Three independent reads, in parallel: one pass over the artist's entries (a reversal counts
  // with the kind it reverses), their payouts by state, and what is on its way in.
  const [sums, paid, pending] = await Promise.all([
    selectRows<{ currency: string; earned: string; net: string }>(
      db,
      sql`
    select e.currency,
      coalesce(sum(e.amount_minor) filter (
        where e.kind in ('earning', 'grant') or (e.kind = 'reversal' and o.kind in ('earning', 'grant'))
      ), 0)::bigint::text as earned,
      coalesce(sum(e.amount_minor), 0)::bigint::text as net
    from ${ledgerEntries} e
    left join ${ledgerEntries} o on o.id = e.reverses_entry_id
    where e.user_id = ${userId}
    group by e.currency`,
    ),
    db
      .select({
        currency: payouts.currency,
        state: payouts.state,
        total: sql<string>`sum(${payouts.amountMinor})::bigint::text`,
      })
      .from(payouts)
      .where(and(eq(payouts.userId, userId), inArray(payouts.state, ["created", "sent", "paid"])))
      .groupBy(payouts.currency, payouts.state),
    pendingFor(db, userId),
  ]);
  const currencies = new Set([
    ...sums.map((r) => r.currency),
    ...paid.map((r) => r.currency),
    ...pending.keys(),
  ]);
  return [...currencies].sort().map((currency) => {
    const row = sums.find((r) => r.currency === currency);
    const payoutSum = (states: PayoutState[]) =>
      paid
        .filter((p) => p.currency === currency && states.includes(p.state))
        .reduce((s, p) => s + Number(p.total), 0);
    return {
      currency,
      earnedMinor: Number(row?.earned ?? 0),
      paidMinor: payoutSum(["paid"]),
      inPayoutMinor: payoutSum(["created", "sent"]),
      payableMinor: Number(row?.net ?? 0),
      pendingMinor: pending.get(currency)?.minor ?? 0,
      pendingCount: pending.get(currency)?.count ?? 0,
    };
  });
}

/**
 * What is on its way into the ledger: contributions awaiting approval (priced at the card in
 * force on their date, when there is one), grants awaiting a second approval, promotion fees
 * awaiting the artist's answer.
 */
async function pendingFor(db: DbOrTx, userId: string) {
  const out = new Map<string, { minor: number; count: number }>();
  const add = (currency: string, minor: number) => {
    const cur = out.get(currency) ?? { minor: 0, count: 0 };
    out.set(currency, { minor: cur.minor + minor, count: cur.count + 1 });
  };
  const currency = await payoutCurrencyOf(db, userId);
  const [waiting, awarded, asked] = await Promise.all([
    db
      .select({
        kind: contributions.kind,
        minutes: contributions.minutes,
        hourlyMinor: rateCards.hourlyMinor,
        feedbackReportMinor: rateCards.feedbackReportMinor,
      })
      .from(contributions)
      .leftJoin(
        rateCards,
        sql`${rateCards.id} = (select rc.id from ${rateCards} rc where rc.currency = ${currency} and rc.effective_from <= ${contributions.occurredOn} order by rc.effective_from desc limit 1)`,
      )
      .where(and(eq(contributions.userId, userId), eq(contributions.state, "pending"))),
    db
      .select({ currency: grants.currency, amount: grants.amountMinor })
      .from(grants)
      .where(and(eq(grants.userId, userId), eq(grants.state, "awarded"))),
    db
      .select({ currency: promotions.currency, amount: promotions.feeMinor })
      .from(promotions)
      .where(and(eq(promotions.userId, userId), eq(promotions.state, "asked"))),
  ]);
  for (const c of waiting)
    add(
      currency,
      c.hourlyMinor === null
        ? 0
        : priceOf(c, { hourlyMinor: c.hourlyMinor, feedbackReportMinor: c.feedbackReportMinor! }),
    );
  for (const g of awarded) add(g.currency, g.amount);
  for (const p of asked) add(p.currency, p.amount);
  return out;
}

export const STATEMENT_PAGE_SIZE = 25;

/** A statement page's keyset position: the date and id of the last item shown ("2026-11-03.42"). */
export function encodeStatementCursor(item: { occurredOn: string; id: number }) {
  return `${item.occurredOn}.${item.id}`;
}

export function decodeStatementCursor(cursor: string | null | undefined) {
  const match = /^(\d{4}-\d{2}-\d{2})\.(\d{1,15})$/.exec(cursor ?? "");
  if (!match || Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`))) return undefined;
  return { occurredOn: match[1]!, id: Number(match[2]) };
}

/**
 * The statement's items in date order, newest first (ties by entry id), paged by keyset on
 * (date, id), each with the running balance of its currency after it. Each credit's status comes
 * from the allocation of credits to payouts (allocation.ts), which reads every entry of the
 * artist: their few small columns, whatever page is shown; the running balances come from the same
 * read, so a page deep in the statement carries the balance of everything before it. Only the
 * page's rows are read in full.
 */
export async function statementItems(
  db: DbOrTx,
  viewer: SessionUser,
  userId: string,
  options: { before?: string; limit?: number } = {},
): Promise<{ items: StatementItem[]; nextBefore: string | null }> {
  assertMayRead(viewer, userId);
  const limit = options.limit ?? STATEMENT_PAGE_SIZE;
  const after = decodeStatementCursor(options.before);
  const [all, rows, artistPayouts] = await Promise.all([
    // Every entry, a few columns (an index-only scan), as the driver gives them: mapping 2,000
    // rows through the query builder cost more CPU than the rest of the page's reads together.
    selectRows<AllocationEntry & { amountMinor: number; occurredOn: string }>(
      db,
      sql`select id::float8 as "id", user_id as "userId", currency, kind::text as "kind",
            payout_id as "payoutId", reverses_entry_id::float8 as "reversesEntryId",
            amount_minor::float8 as "amountMinor", occurred_on::text as "occurredOn"
          from ${ledgerEntries} where user_id = ${userId} order by id`,
    ),
    db
      .select()
      .from(ledgerEntries)
      .where(
        and(
          eq(ledgerEntries.userId, userId),
          after
            ? sql`(${ledgerEntries.occurredOn}, ${ledgerEntries.id}) < (${after.occurredOn}::date, ${after.id})`
            : undefined,
        ),
      )
      .orderBy(desc(ledgerEntries.occurredOn), desc(ledgerEntries.id))
      .limit(limit + 1),
    db
      .select({ id: payouts.id, state: payouts.state })
      .from(payouts)
      .where(eq(payouts.userId, userId)),
  ]);
  const page = rows.slice(0, limit);
  const allocation = allocateCredits(all);
  const balanceAfter = runningBalances(all);
  const payoutState = new Map(artistPayouts.map((p) => [p.id, p.state]));
  const items = page.map((entry: LedgerEntry): StatementItem => {
    let status: ItemStatus | null = null;
    if (entry.kind === "earning" || entry.kind === "grant")
      status = creditStatus(allocation, entry.id, (id) => payoutState.get(id));
    else if (entry.kind === "payout" && entry.payoutId) {
      const state = payoutState.get(entry.payoutId);
      status = allocation.returned.has(entry.id)
        ? "returned"
        : state === "paid"
          ? "paid"
          : state === "sent"
            ? "sent"
            : "in_payout";
    }
    return {
      id: entry.id,
      kind: entry.kind,
      currency: entry.currency,
      occurredOn: entry.occurredOn,
      description: entry.description,
      amountMinor: entry.amountMinor,
      balanceMinor: balanceAfter.get(entry.id) ?? 0,
      status,
    };
  });
  const last = page.at(-1);
  return {
    items,
    nextBefore: rows.length > limit && last ? encodeStatementCursor(last) : null,
  };
}

/** Each entry's currency balance after it, in statement order (date, then id). */
export function runningBalances(
  entries: readonly { id: number; currency: string; amountMinor: number; occurredOn: string }[],
) {
  const ordered = [...entries].sort((a, b) =>
    a.occurredOn === b.occurredOn ? a.id - b.id : a.occurredOn < b.occurredOn ? -1 : 1,
  );
  const totals = new Map<string, number>();
  const after = new Map<number, number>();
  for (const e of ordered) {
    const total = (totals.get(e.currency) ?? 0) + e.amountMinor;
    totals.set(e.currency, total);
    after.set(e.id, total);
  }
  return after;
}

/** The database's own balance rows (kept by the trigger), for checks and the admin overview. */
export async function storedBalances(db: DbOrTx, userId: string) {
  return db
    .select({ currency: ledgerBalances.currency, balanceMinor: ledgerBalances.balanceMinor })
    .from(ledgerBalances)
    .where(eq(ledgerBalances.userId, userId))
    .orderBy(asc(ledgerBalances.currency));
}
