import { and, eq, sql } from "drizzle-orm";
import { formatMoney, DEFAULT_CURRENCY } from "~/lib/money";
import { ledgerEntries, payoutAccounts, users } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db } from "../db";
import { UserError } from "../errors";
import { todayUtc } from "./dates";
import { rateInForce } from "./rates";

// The monthly stipend of the rate card, credited to every active artist for a month that has
// begun. The ledger's unique (artist, month) index makes a second run a no-op, in any currency.

export async function recordStipends(db: Db, admin: ActingUser, month: string, now = new Date()) {
  assertCan(admin, "money:manage");
  const firstDay = `${month}-01`;
  if (firstDay > todayUtc(now))
    throw new UserError("Stipends are recorded once the month has begun.", 422, "month");
  return db.transaction(async (tx) => {
    const artists = await tx
      .select({
        id: users.id,
        currency: sql<string>`coalesce(${payoutAccounts.currency}, ${DEFAULT_CURRENCY})`,
      })
      .from(users)
      .leftJoin(payoutAccounts, eq(payoutAccounts.userId, users.id))
      .where(and(eq(users.role, "artist"), eq(users.status, "active")));
    let credited = 0;
    const cards = new Map<string, Awaited<ReturnType<typeof rateInForce>>>();
    for (const artist of artists) {
      if (!cards.has(artist.currency))
        cards.set(artist.currency, await rateInForce(tx, artist.currency, firstDay));
      const card = cards.get(artist.currency);
      if (!card || card.stipendMonthlyMinor <= 0) continue;
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
      data: { credited, artists: artists.length },
    });
    return { credited, artists: artists.length };
  });
}
