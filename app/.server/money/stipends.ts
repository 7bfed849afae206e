import { and, asc, eq, lt, sql } from "drizzle-orm";
import { formatMoney, DEFAULT_CURRENCY } from "~/lib/money";
import { ledgerEntries, payoutAccounts, users } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db } from "../db";
import { UserError } from "../errors";
import { monthOf, nextMonthStart, todayUtc } from "./dates";
import { moneyTransaction } from "./ledger";
import { rateInForce } from "./rates";

// The monthly stipend of the rate card, credited for a month that has begun to every active artist
// whose account existed before the month ended. The ledger's unique (artist, month) index makes a
// second run a no-op, in any currency.

/** How far back an admin may credit a forgotten month. */
export const STIPEND_MONTHS_BACK = 12;

/** "2026-11" → "2025-11" (12 months earlier). */
function monthsBefore(month: string, count: number) {
  const [year, m] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (m - 1) - count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

export async function recordStipends(db: Db, admin: ActingUser, month: string, now = new Date()) {
  assertCan(admin, "money:manage");
  const firstDay = `${month}-01`;
  const today = todayUtc(now);
  if (firstDay > today)
    throw new UserError("Stipends are recorded once the month has begun.", 422, "month");
  const oldest = monthsBefore(monthOf(today), STIPEND_MONTHS_BACK);
  if (month < oldest)
    throw new UserError(
      `Stipends go back at most ${STIPEND_MONTHS_BACK} months: choose ${oldest} or later.`,
      422,
      "month",
    );
  return moneyTransaction(db, async (tx) => {
    // In artist order, as createBatch locks balances: two runs at once wait, never deadlock.
    const artists = await tx
      .select({
        id: users.id,
        currency: sql<string>`coalesce(${payoutAccounts.currency}, ${DEFAULT_CURRENCY})`,
      })
      .from(users)
      .leftJoin(payoutAccounts, eq(payoutAccounts.userId, users.id))
      .where(
        and(
          eq(users.role, "artist"),
          eq(users.status, "active"),
          // Nobody is paid for a month that ended before they joined.
          lt(users.createdAt, sql`${nextMonthStart(month)}::timestamptz`),
        ),
      )
      .orderBy(asc(users.id));
    let credited = 0;
    let skipped = 0;
    const cards = new Map<string, Awaited<ReturnType<typeof rateInForce>>>();
    for (const artist of artists) {
      if (!cards.has(artist.currency))
        cards.set(artist.currency, await rateInForce(tx, artist.currency, firstDay));
      const card = cards.get(artist.currency);
      if (!card || card.stipendMonthlyMinor <= 0) {
        skipped++;
        continue;
      }
      const inserted = await tx
        .insert(ledgerEntries)
        .values({
          userId: artist.id,
          currency: artist.currency,
          kind: "earning",
          amountMinor: card.stipendMonthlyMinor,
          occurredOn: firstDay,
          description: `Stipend for ${month} (${formatMoney(card.stipendMonthlyMinor, artist.currency)})`,
          stipendMonth: month,
          createdBy: admin.id,
        })
        .onConflictDoNothing()
        .returning({ id: ledgerEntries.id });
      credited += inserted.length;
    }
    await recordAudit(tx, auditActor(admin), {
      action: "money.stipends_recorded",
      subjectType: "stipend",
      subjectId: month,
      data: { credited, skipped, artists: artists.length },
    });
    return { credited, skipped, artists: artists.length };
  });
}
