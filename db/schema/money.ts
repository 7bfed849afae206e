import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import {
  CONTRIBUTION_KINDS,
  CONTRIBUTION_STATES,
  FEEDBACK_CATEGORIES,
  GRANT_STATES,
  LEDGER_KINDS,
  PAYOUT_STATES,
  PROMOTION_STATES,
} from "../../app/lib/money";
import { clips, generationJobs } from "./generation";
import { users } from "./users";

// Compensation (ADR 0012). Every amount is an integer in minor units beside its currency. The
// ledger is the only record of what is owed: append-only (a trigger refuses UPDATE and DELETE),
// and each insert moves a per-artist, per-currency balance whose CHECK makes a negative payable
// balance impossible, whatever the application does.

export const contributionKind = pgEnum("contribution_kind", CONTRIBUTION_KINDS);
export const feedbackCategory = pgEnum("feedback_category", FEEDBACK_CATEGORIES);
export const contributionState = pgEnum("contribution_state", CONTRIBUTION_STATES);
export const promotionState = pgEnum("promotion_state", PROMOTION_STATES);
export const grantState = pgEnum("grant_state", GRANT_STATES);
export const ledgerKind = pgEnum("ledger_kind", LEDGER_KINDS);
export const payoutState = pgEnum("payout_state", PAYOUT_STATES);

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const uuid = () =>
  text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID());

// The published rates. A version is never edited: a change is a new version from a date, and an
// item earns at the version in force on the item's own date.
export const rateCards = pgTable(
  "rate_cards",
  {
    id: uuid(),
    currency: text("currency").notNull(),
    effectiveFrom: date("effective_from", { mode: "string" }).notNull(),
    hourlyMinor: integer("hourly_minor").notNull(),
    feedbackReportMinor: integer("feedback_report_minor").notNull(),
    promoClipMinor: integer("promo_clip_minor").notNull(),
    stipendMonthlyMinor: integer("stipend_monthly_minor").notNull(),
    note: text("note"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("rate_cards_currency_from_unique").on(t.currency, t.effectiveFrom),
    check(
      "rate_cards_amounts_not_negative",
      sql`${t.hourlyMinor} >= 0 and ${t.feedbackReportMinor} >= 0 and ${t.promoClipMinor} >= 0 and ${t.stipendMonthlyMinor} >= 0`,
    ),
  ],
);

// The currency each artist is paid in; absent means the default (USD).
export const payoutAccounts = pgTable("payout_accounts", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  currency: text("currency").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

// Testing hours and feedback reports an artist logs; an admin approves (it earns) or rejects.
export const contributions = pgTable(
  "contributions",
  {
    id: uuid(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: contributionKind("kind").notNull(),
    occurredOn: date("occurred_on", { mode: "string" }).notNull(),
    // Hours: the session's length in minutes (quarter hours).
    minutes: integer("minutes"),
    // Feedback: the artist's own generation it is about (finished or not), and its category.
    generationId: text("generation_id").references(() => generationJobs.id, {
      onDelete: "set null",
    }),
    category: feedbackCategory("category"),
    // The report, or the session's notes.
    description: text("description").notNull(),
    state: contributionState("state").notNull().default("pending"),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    rejectReason: text("reject_reason"),
    // Fixed when approved: the rate card used and what it earned.
    rateCardId: text("rate_card_id").references(() => rateCards.id),
    amountMinor: integer("amount_minor"),
    currency: text("currency"),
    // The form's idempotency key: a double-clicked "Log" records one item.
    clientKey: text("client_key"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("contributions_client_key_unique").on(t.clientKey),
    index("contributions_user_idx").on(t.userId, t.createdAt, t.id),
    index("contributions_pending_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.state} = 'pending'`),
    check(
      "contributions_shape",
      sql`(${t.kind} = 'hours' and ${t.minutes} > 0 and ${t.category} is null) or (${t.kind} = 'feedback' and ${t.minutes} is null and ${t.category} is not null)`,
    ),
    check(
      "contributions_priced_when_approved",
      sql`${t.state} <> 'approved' or (${t.amountMinor} is not null and ${t.currency} is not null)`,
    ),
  ],
);

// The program asking to use an artist's approved clip in its own promotion. It is used only
// once the artist has accepted: an accepted row without its answer time cannot exist.
export const promotions = pgTable(
  "promotions",
  {
    id: uuid(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    clipId: text("clip_id")
      .notNull()
      .references(() => clips.id, { onDelete: "cascade" }),
    submissionId: text("submission_id").notNull(),
    purpose: text("purpose").notNull(),
    channels: text("channels").array().notNull(),
    feeMinor: integer("fee_minor").notNull(),
    currency: text("currency").notNull(),
    state: promotionState("state").notNull().default("asked"),
    askedBy: text("asked_by").references(() => users.id, { onDelete: "set null" }),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    declineReason: text("decline_reason"),
    requestKey: text("request_key"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("promotions_request_key_unique").on(t.requestKey),
    // One open ask or accepted use per clip.
    uniqueIndex("promotions_one_per_clip")
      .on(t.clipId)
      .where(sql`${t.state} in ('asked', 'accepted')`),
    index("promotions_user_idx").on(t.userId, t.createdAt),
    check(
      "promotions_accepted_has_answer",
      sql`${t.state} in ('asked', 'withdrawn') or ${t.answeredAt} is not null`,
    ),
    check("promotions_fee_positive", sql`${t.feeMinor} > 0`),
  ],
);

// Grants: awarded → approved (payable) → paid, or cancelled. Above the approval threshold a
// second admin approves; the CHECK makes "approved by the one who awarded it" impossible then.
export const grants = pgTable(
  "grants",
  {
    id: uuid(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    purpose: text("purpose").notNull(),
    state: grantState("state").notNull().default("awarded"),
    needsSecondApproval: boolean("needs_second_approval").notNull(),
    awardedBy: text("awarded_by").references(() => users.id, { onDelete: "set null" }),
    approvedBy: text("approved_by").references(() => users.id, { onDelete: "set null" }),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    cancelledBy: text("cancelled_by").references(() => users.id, { onDelete: "set null" }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    cancelReason: text("cancel_reason"),
    awardKey: text("award_key"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("grants_award_key_unique").on(t.awardKey),
    index("grants_user_idx").on(t.userId, t.createdAt),
    index("grants_awaiting_idx")
      .on(t.createdAt)
      .where(sql`${t.state} = 'awarded'`),
    check("grants_amount_positive", sql`${t.amountMinor} > 0`),
    check(
      "grants_second_approver",
      sql`not ${t.needsSecondApproval} or ${t.approvedBy} is null or ${t.approvedBy} <> ${t.awardedBy}`,
    ),
  ],
);

export const payoutBatches = pgTable(
  "payout_batches",
  {
    id: uuid(),
    currency: text("currency").notNull(),
    note: text("note"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    // The "Create batch" form's idempotency key.
    batchKey: text("batch_key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("payout_batches_key_unique").on(t.batchKey),
    index("payout_batches_created_idx").on(t.createdAt, t.id),
  ],
);

/**
 * The next batch of a currency is a draft every admin shares: everyone owed is in it unless an
 * admin left them out here ("untick"). Creating the batch empties the currency's exclusions.
 * Rows instead of a 10,000-checkbox form (ADR 0024).
 */
export const payoutDraftExclusions = pgTable(
  "payout_draft_exclusions",
  {
    currency: text("currency").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    excludedBy: text("excluded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.currency, t.userId] })],
);

export const payouts = pgTable(
  "payouts",
  {
    id: uuid(),
    batchId: text("batch_id")
      .notNull()
      .references(() => payoutBatches.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    currency: text("currency").notNull(),
    // The artist's whole balance: many items add up, so bigint like the balance itself.
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    state: payoutState("state").notNull().default("created"),
    // However often or concurrently it is asked for, one payout per key.
    idempotencyKey: text("idempotency_key").notNull(),
    // The artist's last ledger entry in this currency when the payout was made: a record only.
    // Which credits a payout carries (and so each item's status, and which grants its payment
    // pays) is read from the ledger itself by allocation.ts, because an older payout can fail
    // after a newer one was made.
    throughEntryId: bigint("through_entry_id", { mode: "number" }).notNull(),
    reference: text("reference"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    failureReason: text("failure_reason"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("payouts_idempotency_key_unique").on(t.idempotencyKey),
    uniqueIndex("payouts_batch_user_unique").on(t.batchId, t.userId),
    index("payouts_user_idx").on(t.userId, t.currency, t.createdAt),
    index("payouts_state_idx").on(t.state),
    // The dashboard's money by month.
    index("payouts_created_idx").on(t.createdAt),
    check("payouts_amount_positive", sql`${t.amountMinor} > 0`),
  ],
);

// The ledger. Signs: earnings and grants credit (+), payouts debit (−), a reversal negates one
// earlier entry. Each source can be credited once: the partial unique indexes below.
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    currency: text("currency").notNull(),
    kind: ledgerKind("kind").notNull(),
    // bigint: a payout debit (and its reversal) is a whole balance, many items added up.
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    // The day the item belongs to (the contribution's date, the grant's approval, the payout).
    occurredOn: date("occurred_on", { mode: "string" }).notNull(),
    description: text("description").notNull(),
    contributionId: text("contribution_id").references(() => contributions.id),
    promotionId: text("promotion_id").references(() => promotions.id),
    grantId: text("grant_id").references(() => grants.id),
    payoutId: text("payout_id").references(() => payouts.id),
    // "YYYY-MM" for a month's stipend.
    stipendMonth: text("stipend_month"),
    reversesEntryId: bigint("reverses_entry_id", { mode: "number" }),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    // Every column the statement's totals and the allocation of credits to payouts read: both
    // become index-only scans of the artist's entries (8 ms → 1.7 ms for 2,000 entries at scale,
    // whose rows lie one to a heap page). The ledger is append-only, so the visibility map holds.
    index("ledger_entries_user_idx").on(
      t.userId,
      t.currency,
      t.id,
      t.kind,
      t.amountMinor,
      t.occurredOn,
      t.payoutId,
      t.reversesEntryId,
    ),
    // The statement's keyset: an artist's entries in date order.
    index("ledger_entries_user_occurred_idx").on(t.userId, t.occurredOn, t.id),
    index("ledger_entries_occurred_idx").on(t.occurredOn, t.id),
    uniqueIndex("ledger_one_earning_per_contribution")
      .on(t.contributionId)
      .where(sql`${t.kind} = 'earning'`),
    uniqueIndex("ledger_one_earning_per_promotion")
      .on(t.promotionId)
      .where(sql`${t.kind} = 'earning'`),
    uniqueIndex("ledger_one_credit_per_grant")
      .on(t.grantId)
      .where(sql`${t.kind} = 'grant'`),
    uniqueIndex("ledger_one_debit_per_payout")
      .on(t.payoutId)
      .where(sql`${t.kind} = 'payout'`),
    // Per artist, whatever the currency: a change of payout currency mid-month pays no second one.
    uniqueIndex("ledger_one_stipend_per_month")
      .on(t.userId, t.stipendMonth)
      .where(sql`${t.stipendMonth} is not null`),
    uniqueIndex("ledger_one_reversal_per_entry").on(t.reversesEntryId),
    check(
      "ledger_entries_sign",
      sql`(${t.kind} in ('earning', 'grant') and ${t.amountMinor} > 0) or (${t.kind} = 'payout' and ${t.amountMinor} < 0) or (${t.kind} = 'reversal' and ${t.amountMinor} <> 0 and ${t.reversesEntryId} is not null)`,
    ),
  ],
);

// Maintained by a trigger on ledger_entries (migration 0007), never written by the application.
// Each batch's payouts counted and summed per state, kept by a trigger on payouts (migration
// 0010, hand-written at its end), so the admin overview and the batch list read a few rows per
// batch instead of aggregating every payout ever made (ADR 0015).
export const payoutBatchTotals = pgTable(
  "payout_batch_totals",
  {
    batchId: text("batch_id")
      .notNull()
      .references(() => payoutBatches.id),
    state: payoutState("state").notNull(),
    payouts: bigint("payouts", { mode: "number" }).notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.state] }),
    check("payout_batch_totals_not_negative", sql`${t.payouts} >= 0 and ${t.amountMinor} >= 0`),
  ],
);

export const ledgerBalances = pgTable(
  "ledger_balances",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    currency: text("currency").notNull(),
    balanceMinor: bigint("balance_minor", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.currency] }),
    check("ledger_balances_never_negative", sql`${t.balanceMinor} >= 0`),
    // The overview's balances, largest first, without sorting every artist's row.
    index("ledger_balances_owed_idx")
      .on(
        t.balanceMinor.desc().nullsFirst(),
        t.userId.desc().nullsFirst(),
        t.currency.desc().nullsFirst(),
      )
      .where(sql`${t.balanceMinor} > 0`),
  ],
);

export type RateCard = typeof rateCards.$inferSelect;
export type Contribution = typeof contributions.$inferSelect;
export type Promotion = typeof promotions.$inferSelect;
export type Grant = typeof grants.$inferSelect;
export type PayoutBatch = typeof payoutBatches.$inferSelect;
export type Payout = typeof payouts.$inferSelect;
export type LedgerEntry = typeof ledgerEntries.$inferSelect;
