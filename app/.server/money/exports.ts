import { and, asc, eq, gte, lte } from "drizzle-orm";
import { minorToDecimal } from "~/lib/money";
import { ledgerEntries, users } from "~db/schema";
import { assertCan, type ActingUser } from "../auth/guards";
import { toCsv } from "../csv";
import type { Db } from "../db";
import { loadBatch } from "./payouts";

// CSV for finance: one row per payout of a batch, or per ledger entry of a period. Amounts appear
// twice, as a decimal for people and in minor units for reconciliation scripts.

export { csvCell, toCsv } from "../csv";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const BATCH_CSV_HEADER = [
  "payout_id",
  "batch_id",
  "artist_id",
  "artist_name",
  "artist_email",
  "currency",
  "amount",
  "amount_minor",
  "state",
  "idempotency_key",
  "reference",
  "created_at",
  "sent_at",
  "paid_at",
  "failed_at",
  "failure_reason",
];

export async function batchCsv(db: Db, admin: ActingUser, batchId: string) {
  const { batch, payouts } = await loadBatch(db, admin, batchId);
  const rows = payouts.map(({ payout: p, name, email }) => [
    p.id,
    batch.id,
    p.userId,
    name,
    email,
    p.currency,
    minorToDecimal(p.amountMinor),
    p.amountMinor,
    p.state,
    p.idempotencyKey,
    p.reference,
    iso(p.createdAt),
    iso(p.sentAt),
    iso(p.paidAt),
    iso(p.failedAt),
    p.failureReason,
  ]);
  return {
    filename: `greenroom-payouts-${batch.createdAt.toISOString().slice(0, 10)}-${batch.id.slice(0, 8)}.csv`,
    body: toCsv(BATCH_CSV_HEADER, rows),
  };
}

export const LEDGER_CSV_HEADER = [
  "entry_id",
  "occurred_on",
  "recorded_at",
  "artist_id",
  "artist_name",
  "artist_email",
  "kind",
  "description",
  "currency",
  "amount",
  "amount_minor",
  "contribution_id",
  "grant_id",
  "promotion_id",
  "payout_id",
  "stipend_month",
  "reverses_entry_id",
];

/** Every entry whose day falls in [from, to], in ledger order. */
export async function ledgerCsv(db: Db, admin: ActingUser, period: { from: string; to: string }) {
  assertCan(admin, "money:manage");
  const entries = await db
    .select({ entry: ledgerEntries, name: users.displayName, email: users.email })
    .from(ledgerEntries)
    .innerJoin(users, eq(users.id, ledgerEntries.userId))
    .where(
      and(gte(ledgerEntries.occurredOn, period.from), lte(ledgerEntries.occurredOn, period.to)),
    )
    .orderBy(asc(ledgerEntries.occurredOn), asc(ledgerEntries.id));
  const rows = entries.map(({ entry: e, name, email }) => [
    e.id,
    e.occurredOn,
    iso(e.createdAt),
    e.userId,
    name,
    email,
    e.kind,
    e.description,
    e.currency,
    minorToDecimal(e.amountMinor),
    e.amountMinor,
    e.contributionId,
    e.grantId,
    e.promotionId,
    e.payoutId,
    e.stipendMonth,
    e.reversesEntryId,
  ]);
  return {
    filename: `greenroom-ledger-${period.from}-to-${period.to}.csv`,
    body: toCsv(LEDGER_CSV_HEADER, rows),
  };
}
