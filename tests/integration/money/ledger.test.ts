import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { computedBalances, reverseEntry } from "~/.server/money/ledger";
import { createBatch, markPayout } from "~/.server/money/payouts";
import { setPayoutCurrency } from "~/.server/money/rates";
import { storedBalances } from "~/.server/money/statement";
import { auditLog, ledgerBalances, ledgerEntries, type User } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import {
  approvedHours,
  balanceMismatches,
  databaseText,
  ledgerSum,
  moneySnapshot,
  MONEY_OPTIONS,
  publishCard,
  refusal,
  rejectionOf,
  storedBalance,
} from "../../support/money";

const t = useTestDatabase();

async function setup() {
  const admin = await createUser(t.db, { role: "admin", displayName: "Morgan Finance" });
  const artist = await createUser(t.db, { role: "artist", displayName: "Ines Okafor" });
  await publishCard(t.db, admin);
  // 2 hours at 40.00: an earning of 80.00.
  await approvedHours(t.db, admin, artist, "2", "2026-06-10");
  const [earning] = await t.db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.userId, artist.id), eq(ledgerEntries.kind, "earning")));
  expect(earning!.amountMinor).toBe(8000);
  return { admin, artist, earning: earning! };
}

const entry = (artist: User, values: Partial<typeof ledgerEntries.$inferInsert>) => ({
  userId: artist.id,
  currency: "USD",
  kind: "earning" as const,
  amountMinor: 1000,
  occurredOn: "2026-06-10",
  description: "Inserted by hand",
  createdBy: null,
  ...values,
});

describe("the ledger is append-only", () => {
  it("the database refuses to UPDATE an entry, whatever column is changed", async () => {
    const { earning } = await setup();
    const error = await rejectionOf(
      t.db
        .update(ledgerEntries)
        .set({ amountMinor: 800_000 })
        .where(eq(ledgerEntries.id, earning.id)),
    );
    expect(databaseText(error)).toMatch(/append-only/);
    const harmless = await rejectionOf(
      t.db
        .update(ledgerEntries)
        .set({ description: "Reworded" })
        .where(eq(ledgerEntries.id, earning.id)),
    );
    expect(databaseText(harmless)).toMatch(/append-only/);
    const [row] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.id, earning.id));
    expect(row).toEqual(earning);
  });

  it("the database refuses to DELETE an entry, one row or all of them", async () => {
    const { artist, earning } = await setup();
    expect(
      databaseText(
        await rejectionOf(t.db.delete(ledgerEntries).where(eq(ledgerEntries.id, earning.id))),
      ),
    ).toMatch(/append-only/);
    expect(databaseText(await rejectionOf(t.db.delete(ledgerEntries)))).toMatch(/append-only/);
    expect(await t.db.select().from(ledgerEntries)).toEqual([earning]);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(8000);
  });
});

describe("a balance never goes below zero", () => {
  it("a payout entry larger than the balance is refused by the database itself", async () => {
    const { artist } = await setup();
    const error = await rejectionOf(
      t.db.insert(ledgerEntries).values(entry(artist, { kind: "payout", amountMinor: -8001 })),
    );
    expect(databaseText(error)).toMatch(/ledger_balances_never_negative/);
    expect(await ledgerSum(t.db, artist.id, "USD")).toBe(8000);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(8000);
    expect(await t.db.select().from(ledgerEntries)).toHaveLength(1);

    // Exactly the balance is allowed, and leaves zero.
    await t.db.insert(ledgerEntries).values(entry(artist, { kind: "payout", amountMinor: -8000 }));
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
    const again = await rejectionOf(
      t.db.insert(ledgerEntries).values(entry(artist, { kind: "payout", amountMinor: -1 })),
    );
    expect(databaseText(again)).toMatch(/ledger_balances_never_negative/);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
  });

  it("a payout in a currency the artist has never earned in is refused (no balance to open)", async () => {
    const { artist } = await setup();
    const error = await rejectionOf(
      t.db
        .insert(ledgerEntries)
        .values(entry(artist, { kind: "payout", currency: "EUR", amountMinor: -500 })),
    );
    expect(databaseText(error)).toMatch(/ledger_balances_never_negative/);
    expect(await storedBalance(t.db, artist.id, "EUR")).toBeNull();
  });

  it("the sign of each kind is checked: credits positive, payouts negative, no zero reversal", async () => {
    const { artist, earning } = await setup();
    const before = await moneySnapshot(t.db);
    for (const bad of [
      entry(artist, { kind: "earning", amountMinor: -100 }),
      entry(artist, { kind: "grant", amountMinor: 0 }),
      entry(artist, { kind: "payout", amountMinor: 100 }),
    ])
      expect(databaseText(await rejectionOf(t.db.insert(ledgerEntries).values(bad)))).toMatch(
        /ledger_entries_sign/,
      );
    // A zero "reversal" is refused too (the mirror trigger speaks first, the CHECK would after).
    expect(
      databaseText(
        await rejectionOf(
          t.db
            .insert(ledgerEntries)
            .values(
              entry(artist, { kind: "reversal", amountMinor: 0, reversesEntryId: earning.id }),
            ),
        ),
      ),
    ).toMatch(/ledger_entries_sign|a reversal must negate/);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });
});

describe("reversals", () => {
  it("a reversal that does not mirror its original is refused by the database", async () => {
    const { artist, earning } = await setup();
    const other = await createUser(t.db, { role: "artist", displayName: "Tomasz Wren" });
    const before = await moneySnapshot(t.db);
    const mismatched = [
      // Half the amount.
      entry(artist, { kind: "reversal", amountMinor: -4000, reversesEntryId: earning.id }),
      // The same sign as the original.
      entry(artist, { kind: "reversal", amountMinor: 8000, reversesEntryId: earning.id }),
      // Another artist's entry.
      entry(other, { kind: "reversal", amountMinor: -8000, reversesEntryId: earning.id }),
      // Another currency.
      entry(artist, {
        kind: "reversal",
        currency: "EUR",
        amountMinor: -8000,
        reversesEntryId: earning.id,
      }),
      // An entry that does not exist.
      entry(artist, { kind: "reversal", amountMinor: -8000, reversesEntryId: earning.id + 999 }),
    ];
    for (const bad of mismatched)
      expect(databaseText(await rejectionOf(t.db.insert(ledgerEntries).values(bad)))).toMatch(
        /a reversal must negate one earlier entry/,
      );
    // Only a reversal may point at another entry.
    expect(
      databaseText(
        await rejectionOf(
          t.db
            .insert(ledgerEntries)
            .values(
              entry(artist, { kind: "earning", amountMinor: 100, reversesEntryId: earning.id }),
            ),
        ),
      ),
    ).toMatch(/only a reversal reverses an entry/);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("a reversal of a reversal is refused: undo the mistake with a new credit instead", async () => {
    const { admin, artist, earning } = await setup();
    const reversal = await reverseEntry(t.db, acting(admin), earning, "Logged twice");
    const error = await rejectionOf(
      t.db
        .insert(ledgerEntries)
        .values(
          entry(artist, { kind: "reversal", amountMinor: -8000, reversesEntryId: reversal.id }),
        ),
    );
    expect(databaseText(error)).toMatch(/a reversal must negate one earlier entry/);
  });

  it("a second reversal of the same entry is refused by the database and by reverseEntry (409)", async () => {
    const { admin, artist, earning } = await setup();
    // Another earning, so the balance could cover a second reversal: only the index stops it.
    await approvedHours(t.db, admin, artist, "3", "2026-06-11");
    const mirror = entry(artist, {
      kind: "reversal",
      amountMinor: -8000,
      reversesEntryId: earning.id,
    });
    await t.db.insert(ledgerEntries).values(mirror);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(12000);
    const error = await rejectionOf(t.db.insert(ledgerEntries).values(mirror));
    expect(databaseText(error)).toMatch(/ledger_one_reversal_per_entry/);

    const before = await moneySnapshot(t.db);
    const refused = await refusal(reverseEntry(t.db, acting(admin), earning, "Again"));
    expect(refused.status).toBe(409);
    expect(refused.message).toMatch(/already reversed/);
    expect(await moneySnapshot(t.db)).toEqual(before);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(12000);
  });

  it("reverseEntry adds the mirror entry, moves the balance, is audited, and cannot itself be reversed", async () => {
    const { admin, artist, earning } = await setup();
    const reversal = await reverseEntry(t.db, acting(admin), earning, "Session was a duplicate");
    expect(reversal).toMatchObject({
      userId: artist.id,
      currency: "USD",
      kind: "reversal",
      amountMinor: -8000,
      reversesEntryId: earning.id,
      description: "Reversal: Session was a duplicate",
      createdBy: admin.id,
    });
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
    // A reversal is not reversed in turn.
    const again = await refusal(reverseEntry(t.db, acting(admin), reversal, "Undo the undo"));
    expect(again.status).toBe(409);
    expect(again.message).toMatch(/Only earnings and grants are reversed here/);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "money.entry_reversed"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: admin.id,
      subjectType: "ledger_entry",
      subjectId: String(earning.id),
      data: { reason: "Session was a duplicate", amountMinor: 8000, currency: "USD" },
    });
  });

  it("reverseEntry refuses a payout debit and an unknown entry, writing nothing", async () => {
    const { admin, earning } = await setup();
    const { payouts } = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
    });
    const [debit] = await t.db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.payoutId, payouts[0]!.id));
    const before = await moneySnapshot(t.db);
    const payoutRefusal = await refusal(reverseEntry(t.db, acting(admin), debit!, "Oops"));
    expect(payoutRefusal.status).toBe(409);
    expect(payoutRefusal.message).toMatch(/marking it failed/);
    expect(
      (
        await refusal(
          reverseEntry(t.db, acting(admin), { ...earning, id: earning.id + 500 }, "Typo"),
        )
      ).status,
    ).toBe(404);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("reverseEntry is scoped to the artist whose statement it is on: another artist's entry is a 404", async () => {
    const { admin, artist, earning } = await setup();
    const other = await createUser(t.db, { role: "artist", displayName: "Jun Park" });
    const before = await moneySnapshot(t.db);
    const error = await refusal(
      reverseEntry(t.db, acting(admin), { id: earning.id, userId: other.id }, "Wrong page"),
    );
    expect(error).toMatchObject({ status: 404, message: "That ledger entry does not exist." });
    expect(await moneySnapshot(t.db)).toEqual(before);
    await reverseEntry(t.db, acting(admin), { id: earning.id, userId: artist.id }, "Right page");
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
  });

  it("a reversal of money already in a payout is a 409 with advice, and writes nothing", async () => {
    const { admin, artist, earning } = await setup();
    await createBatch(t.db, acting(admin), { currency: "USD", batchKey: crypto.randomUUID() });
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
    const before = await moneySnapshot(t.db);
    const error = await refusal(reverseEntry(t.db, acting(admin), earning, "Not eligible"));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/Mark the payout failed first/);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });
});

describe("ledger_balances is the sum of the entries", () => {
  it("after earnings, reversals, payouts and a failed payout in two currencies", async () => {
    const { admin, artist, earning } = await setup();
    const other = await createUser(t.db, { role: "artist", displayName: "Sol Anand" });
    await publishCard(t.db, admin, { currency: "EUR", hourlyMinor: "35.00" });
    await setPayoutCurrency(t.db, acting(admin), other.id, "EUR");

    await approvedHours(t.db, admin, other, "1.5", "2026-06-12"); // 52.50 EUR
    await approvedHours(t.db, admin, artist, "0.75", "2026-06-12"); // 30.00 USD
    const usd = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
    });
    await markPayout(
      t.db,
      acting(admin),
      usd.payouts[0]!,
      { to: "failed", reason: "Bank returned it" },
      MONEY_OPTIONS,
    );
    await reverseEntry(t.db, acting(admin), earning, "Duplicate session");
    await approvedHours(t.db, admin, other, "4", "2026-06-13"); // 140.00 EUR
    await createBatch(t.db, acting(admin), { currency: "EUR", batchKey: crypto.randomUUID() });
    await approvedHours(t.db, admin, other, "0.25", "2026-06-14"); // 8.75 EUR

    expect(await balanceMismatches(t.db)).toEqual([]);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(3000);
    expect(await storedBalance(t.db, other.id, "EUR")).toBe(875);
    for (const user of [artist, other]) {
      const stored = (await storedBalances(t.db, user.id)).map((b) => ({
        currency: b.currency,
        balance: b.balanceMinor,
      }));
      expect(await computedBalances(t.db, user.id)).toEqual(stored);
    }
    // Nobody else has a balance row, and no row is negative.
    const rows = await t.db.select().from(ledgerBalances);
    expect(
      rows.map((r) => `${r.userId === artist.id ? "artist" : "other"}:${r.currency}`).sort(),
    ).toEqual(["artist:USD", "other:EUR"]);
    for (const row of rows) expect(row.balanceMinor).toBeGreaterThanOrEqual(0);
  });

  it("a refused entry leaves no trace in the balance, even inside a larger transaction", async () => {
    const { artist } = await setup();
    const error = await rejectionOf(
      t.db.transaction(async (tx) => {
        await tx.insert(ledgerEntries).values(entry(artist, { kind: "grant", amountMinor: 2000 }));
        await tx
          .insert(ledgerEntries)
          .values(entry(artist, { kind: "payout", amountMinor: -20000 }));
      }),
    );
    expect(databaseText(error)).toMatch(/ledger_balances_never_negative/);
    expect(await storedBalance(t.db, artist.id, "USD")).toBe(8000);
    expect(await ledgerSum(t.db, artist.id, "USD")).toBe(8000);
    expect(await balanceMismatches(t.db)).toEqual([]);
  });
});
