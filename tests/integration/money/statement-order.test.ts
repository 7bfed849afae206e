import { describe, expect, it } from "vitest";
import { statementItems, type StatementItem } from "~/.server/money/statement";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import { approvedHours, joinedOn, ledgerSum, publishCard } from "../../support/money";

const t = useTestDatabase();

// The statement reads in date order, newest first, whatever order the items were approved in,
// and each item shows the balance after it, carried from page to page.
describe("the statement in date order with a running balance", () => {
  it("orders by date, carries the balance across keyset pages, and ends at the ledger's sum", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await createUser(t.db, { role: "artist" });
    await joinedOn(t.db, [artist]);
    await publishCard(t.db, admin);
    // Approved out of date order: the ledger's ids do not follow the dates.
    const days = [
      "2026-06-12",
      "2026-06-03",
      "2026-06-15",
      "2026-06-01",
      "2026-06-09",
      "2026-06-03",
      "2026-06-14",
    ];
    for (const [i, day] of days.entries())
      await approvedHours(t.db, admin, artist, String(i + 1), day);

    const items: StatementItem[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await statementItems(t.db, acting(artist), artist.id, { before, limit: 3 });
      items.push(...result.items);
      if (!result.nextBefore) break;
      before = result.nextBefore;
    }
    expect(items).toHaveLength(days.length);
    expect(items.map((i) => i.occurredOn)).toEqual([...days].sort().reverse());
    // Same day: the later entry first.
    const june3 = items.filter((i) => i.occurredOn === "2026-06-03");
    expect(june3[0]!.id).toBeGreaterThan(june3[1]!.id);
    // The newest item's balance is the whole ledger; each one below is the one above less its amount.
    expect(items[0]!.balanceMinor).toBe(await ledgerSum(t.db, artist.id, items[0]!.currency));
    for (let i = 1; i < items.length; i++)
      expect(items[i]!.balanceMinor).toBe(items[i - 1]!.balanceMinor - items[i - 1]!.amountMinor);
    // The oldest item's balance is its own amount.
    expect(items.at(-1)!.balanceMinor).toBe(items.at(-1)!.amountMinor);
  });

  it("a cursor that does not parse shows the first page", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await createUser(t.db, { role: "artist" });
    await joinedOn(t.db, [artist]);
    await publishCard(t.db, admin);
    await approvedHours(t.db, admin, artist, "2", "2026-06-10");
    const { items } = await statementItems(t.db, acting(artist), artist.id, {
      before: "2026-13-99.x",
    });
    expect(items).toHaveLength(1);
  });
});
