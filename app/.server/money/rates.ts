import { and, asc, desc, eq, lte } from "drizzle-orm";
import { z } from "zod";
import { CURRENCIES, DEFAULT_CURRENCY, parseMoneyInput, type Currency } from "~/lib/money";
import { payoutAccounts, rateCards, users, type RateCard } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db, DbOrTx } from "../db";
import { UserError } from "../errors";
import { isoDay, todayUtc } from "./dates";
import { moneyTransaction, violatesConstraint } from "./ledger";

// The published rate card: one series of versions per currency, each in force from its date until
// the next one. Versions are never edited, so an approved item's price can always be explained.

/**
 * The most any one amount typed into a form may be (1,000,000.00): every rate, fee, stipend and
 * grant. It keeps an item's price (at most 12 hours at the hourly rate) far inside an integer
 * column; the ledger and payouts are bigint, since a balance adds up many items.
 */
export const MAX_AMOUNT_MINOR = 100_000_000;

/** The same cap in the domain, for callers that did not come through a form. */
export function requireAmountCap(minor: number, field: string) {
  if (minor > MAX_AMOUNT_MINOR)
    throw new UserError("Enter an amount of at most 1,000,000.00.", 422, field);
}

export const moneyAmount = (label: string) =>
  z
    .string({ error: `Enter ${label}.` })
    .trim()
    .min(1, `Enter ${label}.`)
    .transform((v, ctx) => {
      const minor = parseMoneyInput(v);
      if (minor === null) {
        ctx.addIssue({ code: "custom", message: "Enter an amount like 25 or 25.50." });
        return z.NEVER;
      }
      if (minor > MAX_AMOUNT_MINOR) {
        ctx.addIssue({ code: "custom", message: "Enter an amount of at most 1,000,000.00." });
        return z.NEVER;
      }
      return minor;
    });

export const currencyField = z.enum(CURRENCIES, { error: "Choose a currency from the list." });

export const rateCardInput = z.object({
  currency: currencyField,
  effectiveFrom: isoDay,
  hourlyMinor: moneyAmount("the hourly rate"),
  feedbackReportMinor: moneyAmount("the rate per feedback report"),
  promoClipMinor: moneyAmount("the rate per promotional clip"),
  stipendMonthlyMinor: moneyAmount("the monthly stipend"),
  note: z.string().trim().max(500, "Use at most 500 characters.").optional(),
});
export type RateCardInput = z.infer<typeof rateCardInput>;

/** Publishes a new version. A date may be in the past: items not yet approved then use it. */
export async function publishRateCard(db: Db, admin: ActingUser, input: RateCardInput) {
  assertCan(admin, "money:manage");
  for (const field of [
    "hourlyMinor",
    "feedbackReportMinor",
    "promoClipMinor",
    "stipendMonthlyMinor",
  ] as const)
    requireAmountCap(input[field], field);
  try {
    return await moneyTransaction(db, async (tx) => {
      const [card] = await tx
        .insert(rateCards)
        .values({ ...input, note: input.note || null, createdBy: admin.id })
        .returning();
      await recordAudit(tx, auditActor(admin), {
        action: "money.rate_card_published",
        subjectType: "rate_card",
        subjectId: card!.id,
        data: { ...input },
      });
      return card!;
    });
  } catch (error) {
    if (violatesConstraint(error, "rate_cards_currency_from_unique"))
      throw new UserError(
        `A ${input.currency} rate card already takes effect on ${input.effectiveFrom}; choose another date.`,
        409,
        "effectiveFrom",
      );
    throw error;
  }
}

/** The version in force for `currency` on `day`, or null before the first one. */
export async function rateInForce(db: DbOrTx, currency: string, day: string) {
  const [card] = await db
    .select()
    .from(rateCards)
    .where(and(eq(rateCards.currency, currency), lte(rateCards.effectiveFrom, day)))
    .orderBy(desc(rateCards.effectiveFrom))
    .limit(1);
  return card ?? null;
}

/** Like rateInForce, but a missing card is the admin's situation to fix, said plainly. */
export async function requireRate(db: DbOrTx, currency: string, day: string): Promise<RateCard> {
  const card = await rateInForce(db, currency, day);
  if (!card)
    throw new UserError(
      `No ${currency} rate card is in force on ${day}. Publish one on the rate card page first.`,
      409,
    );
  return card;
}

export type RateCardSeries = {
  currency: string;
  current: RateCard | null;
  upcoming: RateCard[];
  past: RateCard[];
};

/** Every currency's card: the one in force today, those announced, and the history. */
export async function listRateCards(
  db: DbOrTx,
  user: SessionUser,
  today = todayUtc(),
): Promise<RateCardSeries[]> {
  if (user.role === "reviewer") throw new UserError("You do not have access to this page.", 403);
  const rows = await db
    .select()
    .from(rateCards)
    .orderBy(asc(rateCards.currency), desc(rateCards.effectiveFrom));
  const byCurrency = new Map<string, RateCardSeries>();
  for (const row of rows) {
    let series = byCurrency.get(row.currency);
    if (!series) {
      series = { currency: row.currency, current: null, upcoming: [], past: [] };
      byCurrency.set(row.currency, series);
    }
    if (row.effectiveFrom > today) series.upcoming.unshift(row);
    else if (!series.current) series.current = row;
    else series.past.push(row);
  }
  return [...byCurrency.values()];
}

/** The currency an artist is paid in (their payout account, or the default). */
export async function payoutCurrencyOf(db: DbOrTx, userId: string): Promise<Currency> {
  const [row] = await db
    .select({ currency: payoutAccounts.currency })
    .from(payoutAccounts)
    .where(eq(payoutAccounts.userId, userId));
  return (row?.currency as Currency | undefined) ?? DEFAULT_CURRENCY;
}

export async function setPayoutCurrency(
  db: Db,
  admin: ActingUser,
  userId: string,
  currency: Currency,
) {
  assertCan(admin, "money:manage");
  return moneyTransaction(db, async (tx) => {
    const [artist] = await tx
      .select({ id: users.id, role: users.role })
      .from(users)
      .where(eq(users.id, userId));
    if (!artist || artist.role !== "artist")
      throw new UserError("Only artists are paid.", 404, "currency");
    await tx
      .insert(payoutAccounts)
      .values({ userId, currency })
      .onConflictDoUpdate({
        target: payoutAccounts.userId,
        set: { currency, updatedAt: new Date() },
      });
    await recordAudit(tx, auditActor(admin), {
      action: "money.payout_currency_set",
      subjectType: "user",
      subjectId: userId,
      data: { currency },
    });
  });
}
