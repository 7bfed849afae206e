import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { expect } from "vitest";
import type { ActingUser } from "~/.server/auth/guards";
import type { Db } from "~/.server/db";
import { UserError } from "~/.server/errors";
import { approveContribution, hoursInput, logHours } from "~/.server/money/contributions";
import { publishRateCard, rateCardInput } from "~/.server/money/rates";
import { claimSubmission, decide, decisionInput } from "~/.server/review/reviewing";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { selectRows } from "~/.server/db";
import { DEFAULT_CHECKLIST } from "~/lib/review";
import {
  auditLog,
  contributions,
  emailOutbox,
  grants,
  ledgerBalances,
  ledgerEntries,
  notifications,
  payoutAccounts,
  payoutBatches,
  payouts,
  promotions,
  rateCards,
  submissions,
  users,
  type User,
} from "~db/schema";
import { acting, APP_URL, createUser } from "./factories";
import { createFinishedClip } from "./generation";

/** Options every money action that notifies takes. */
export const MONEY_OPTIONS = { appUrl: APP_URL } as const;

/** "Today" for logging hours, so the dates logged (June 2026) are always inside the window. */
export const LOG_NOW = new Date("2026-06-20T12:00:00Z");

/** A published rate card; amounts are typed as an admin types them ("40.00"). */
export function rateCard(overrides: Record<string, string> = {}) {
  return rateCardInput.parse({
    currency: "USD",
    effectiveFrom: "2026-01-01",
    hourlyMinor: "40.00",
    feedbackReportMinor: "25.00",
    promoClipMinor: "150.00",
    stipendMonthlyMinor: "200.00",
    ...overrides,
  });
}

export const publishCard = (db: Db, admin: User, overrides: Record<string, string> = {}) =>
  publishRateCard(db, acting(admin), rateCard(overrides));

/** The hours form as the artist fills it in. */
export function hoursForm(hours: string, occurredOn: string, extra: Record<string, string> = {}) {
  return hoursInput.parse({
    occurredOn,
    hours,
    notes: "Tested the storyboard editor on a slow connection.",
    ...extra,
  });
}

/**
 * Hours logged by the artist and approved by the admin: an earning in the ledger. Returns the
 * approved contribution.
 */
export async function approvedHours(
  db: Db,
  admin: User | ActingUser,
  artist: User,
  hours = "2",
  occurredOn = "2026-06-10",
) {
  const item = await logHours(db, acting(artist), hoursForm(hours, occurredOn), LOG_NOW);
  const actor = "ip" in admin ? admin : acting(admin);
  const { contribution } = await approveContribution(db, actor, item.id, MONEY_OPTIONS);
  return contribution;
}

/**
 * A real clip of `artist` in an approved submission, decided through review by a fresh reviewer
 * with every checklist item ticked.
 */
export async function approvedClip(db: Db, artist: User, title = "Harbour at first light") {
  const { clip } = await createFinishedClip(db, artist);
  const submission = await submitClip(
    db,
    acting(artist),
    submitInput.parse({
      clipId: clip.id,
      title,
      description: "Long lens, fog lifting off the water.",
      intendedUse: "portfolio",
      channels: ["YouTube"],
      agreeTerms: "on",
    }),
  );
  const reviewer = acting(await createUser(db, { role: "reviewer" }));
  await claimSubmission(db, reviewer, submission.id);
  const [current] = await db.select().from(submissions).where(eq(submissions.id, submission.id));
  await decide(
    db,
    reviewer,
    submission.id,
    decisionInput.parse({
      decision: "approve",
      checklist: [...DEFAULT_CHECKLIST],
      version: String(current!.currentVersion),
      state: current!.state,
    }),
    { checklist: [...DEFAULT_CHECKLIST], appUrl: APP_URL },
  );
  const [decided] = await db.select().from(submissions).where(eq(submissions.id, submission.id));
  expect(decided!.state).toBe("approved");
  return { clipId: clip.id, submissionId: submission.id };
}

/**
 * Backdates accounts: the tests run "now" in the past (LOG_NOW, June 2026), and a stipend only
 * goes to an account that existed before its month ended.
 */
export async function joinedOn(db: Db, people: { id: string }[], at = "2025-01-01T09:00:00Z") {
  await db
    .update(users)
    .set({ createdAt: new Date(at) })
    .where(
      inArray(
        users.id,
        people.map((p) => p.id),
      ),
    );
}

/** SUM(ledger_entries.amount_minor) for one artist and currency (0 when there is none). */
export async function ledgerSum(db: Db, userId: string, currency: string) {
  const [row] = await db
    .select({ sum: sql<string>`coalesce(sum(${ledgerEntries.amountMinor}), 0)::bigint::text` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.userId, userId), eq(ledgerEntries.currency, currency)));
  return Number(row!.sum);
}

/** The trigger-kept balance row's value, or null when the artist has none in that currency. */
export async function storedBalance(db: Db, userId: string, currency: string) {
  const [row] = await db
    .select({ balance: ledgerBalances.balanceMinor })
    .from(ledgerBalances)
    .where(and(eq(ledgerBalances.userId, userId), eq(ledgerBalances.currency, currency)));
  return row ? row.balance : null;
}

/** Every (user, currency) whose stored balance differs from the sum of its entries. */
export async function balanceMismatches(db: Db) {
  return selectRows<{ user_id: string; currency: string; stored: string; summed: string }>(
    db,
    sql`
    select coalesce(b.user_id, s.user_id) as user_id, coalesce(b.currency, s.currency) as currency,
      coalesce(b.balance_minor, 0)::text as stored, coalesce(s.summed, 0)::text as summed
    from ledger_balances b
    full join (
      select user_id, currency, sum(amount_minor)::bigint as summed
      from ledger_entries group by user_id, currency
    ) s on s.user_id = b.user_id and s.currency = b.currency
    where coalesce(b.balance_minor, 0) <> coalesce(s.summed, 0)`,
  );
}

/**
 * Everything money writes, to show that a refused action wrote none of it: the rows of the money
 * tables, and how many audit entries, emails and notifications exist.
 */
export async function moneySnapshot(db: Db) {
  const [c, g, p, b, po, l, bal, acc, rc, audit, emails, notes] = await Promise.all([
    db.select().from(contributions).orderBy(asc(contributions.id)),
    db.select().from(grants).orderBy(asc(grants.id)),
    db.select().from(promotions).orderBy(asc(promotions.id)),
    db.select().from(payoutBatches).orderBy(asc(payoutBatches.id)),
    db.select().from(payouts).orderBy(asc(payouts.id)),
    db.select().from(ledgerEntries).orderBy(asc(ledgerEntries.id)),
    db
      .select()
      .from(ledgerBalances)
      .orderBy(asc(ledgerBalances.userId), asc(ledgerBalances.currency)),
    db.select().from(payoutAccounts).orderBy(asc(payoutAccounts.userId)),
    db.select().from(rateCards).orderBy(asc(rateCards.id)),
    db.select({ n: sql<number>`count(*)::int` }).from(auditLog),
    db.select({ n: sql<number>`count(*)::int` }).from(emailOutbox),
    db.select({ n: sql<number>`count(*)::int` }).from(notifications),
  ]);
  return {
    contributions: c,
    grants: g,
    promotions: p,
    batches: b,
    payouts: po,
    ledger: l,
    balances: bal,
    accounts: acc,
    rateCards: rc,
    audit: audit[0]!.n,
    emails: emails[0]!.n,
    notifications: notes[0]!.n,
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function refusal(promise: Promise<unknown>): Promise<UserError> {
  let outcome: unknown;
  try {
    await promise;
  } catch (error) {
    outcome = error;
  }
  expect(outcome, "expected the action to be refused").toBeInstanceOf(UserError);
  return outcome as UserError;
}

/** The error a promise rejects with, whatever it is (undefined when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * Empties every table of the test database: the property tests reset once per generated run, so
 * runs never see each other's balances or batch keys.
 */
export async function emptyDatabase(db: Db) {
  const rows = await selectRows<{ tablename: string }>(
    db,
    sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
  );
  const tables = rows.map((r) => `"${r.tablename}"`).join(", ");
  await db.execute(sql.raw(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`));
}

/** Every message and constraint name in an error and its causes (drivers wrap differently). */
export function databaseText(error: unknown): string {
  const parts: string[] = [];
  let current = error as { message?: string; constraint?: string; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current.message) parts.push(current.message);
    if (current.constraint) parts.push(current.constraint);
    current = current.cause as typeof current;
  }
  return parts.join(" | ");
}

/**
 * One query's worth of `moneySnapshot`: a digest of every money table's rows and the number of
 * audit entries, emails and notifications. Equal digests: nothing was written.
 */
export async function moneyFingerprint(db: Db) {
  const digest = (table: string, order: string) =>
    `(select md5(coalesce(string_agg(x::text, '|' order by ${order}), '')) from ${table} x)`;
  const [row] = await selectRows<Record<string, string | number>>(
    db,
    sql.raw(`select
      ${digest("contributions", "x.id")} as contributions,
      ${digest("grants", "x.id")} as grants,
      ${digest("promotions", "x.id")} as promotions,
      ${digest("payout_batches", "x.id")} as batches,
      ${digest("payouts", "x.id")} as payouts,
      ${digest("ledger_entries", "x.id")} as ledger,
      ${digest("ledger_balances", "x.user_id, x.currency")} as balances,
      ${digest("payout_accounts", "x.user_id")} as accounts,
      (select count(*)::int from audit_log) as audit,
      (select count(*)::int from email_outbox) as emails,
      (select count(*)::int from notifications) as notifications`),
  );
  return row!;
}
