import { describe, expect, it } from "vitest";
import { awardGrant, grantInput } from "~/.server/money/grants";
import { createBatch, loadBatch, previewBatch, setDraftExclusion } from "~/.server/money/payouts";
import { loadMoneyOverview } from "~/.server/money/views";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import { approvedHours, MONEY_OPTIONS, publishCard, refusal } from "../../support/money";

// Everything a money page lists grows with the program, so each is paged: the payout preview and
// a batch's payouts in name order (a keyset on name and id), grants awaiting approval oldest
// first. Totals are always of the whole list, never of the page.

const t = useTestDatabase();

/** Five USD artists owed 20.00 to 100.00, named out of insertion order. */
async function fiveOwed() {
  const admin = await createUser(t.db, { role: "admin", displayName: "Morgan Finance" });
  await publishCard(t.db, admin);
  const names = ["Eve Ng", "Ana Díaz", "Cy Ford", "Bo Tran", "Dee Oduya"];
  const artists = [];
  for (const [i, displayName] of names.entries()) {
    const artist = await createUser(t.db, { displayName });
    await approvedHours(t.db, admin, artist, String(0.5 * (i + 1)), "2026-06-08");
    artists.push(artist);
  }
  const byName = [...artists].sort((a, b) => a.displayName.localeCompare(b.displayName, "en"));
  return { admin, artists, byName };
}

describe("the payout preview, paged", () => {
  it("walks every owed artist once in name order, with the whole batch's totals on each page", async () => {
    const { admin, byName } = await fiveOwed();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof previewBatch>> = await previewBatch(
        t.db,
        acting(admin),
        "USD",
        { after, limit: 2 },
      );
      expect(page).toMatchObject({ payees: 5, totalMinor: 30_000, excludedCount: 0 });
      expect(page.rows.length).toBeLessThanOrEqual(2);
      seen.push(...page.rows.map((r) => r.userId));
      after = page.next;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(byName.map((a) => a.id));
  });

  it("keeps an untick across pages and admins, and the batch pays what the totals said", async () => {
    const { admin, byName } = await fiveOwed();
    const other = await createUser(t.db, { role: "admin", displayName: "Sam Second" });
    // Bo (second in name order) is left out by one admin; the other admin's pages show it.
    const bo = byName[1]!;
    await setDraftExclusion(t.db, acting(admin), { currency: "USD", userId: bo.id }, true);
    const first = await previewBatch(t.db, acting(other), "USD", { limit: 2 });
    expect(first.rows.map((r) => [r.userId, r.excluded])).toEqual([
      [byName[0]!.id, false],
      [bo.id, true],
    ]);
    const second = await previewBatch(t.db, acting(other), "USD", { after: first.next, limit: 2 });
    expect(second.rows.every((r) => !r.excluded)).toBe(true);
    const boOwed = first.rows[1]!.balanceMinor;
    expect(second).toMatchObject({ payees: 4, totalMinor: 30_000 - boOwed, excludedCount: 1 });

    const { payouts } = await createBatch(t.db, acting(other), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      previewed: { payees: 4, totalMinor: 30_000 - boOwed, through: second.through },
    });
    expect(payouts.map((p) => p.userId).sort()).toEqual(
      byName
        .filter((a) => a.id !== bo.id)
        .map((a) => a.id)
        .sort(),
    );
    // The draft is spent: only Bo is owed now, and included.
    expect(await previewBatch(t.db, acting(admin), "USD")).toMatchObject({
      payees: 1,
      excludedCount: 0,
      rows: [{ userId: bo.id, excluded: false }],
    });
  });

  it("refuses a cursor it did not make with a 400", async () => {
    const { admin } = await fiveOwed();
    for (const after of [
      "not base64!",
      Buffer.from("{}").toString("base64url"),
      Buffer.from('["a"]').toString("base64url"),
      Buffer.from('["a", 1]').toString("base64url"),
      Buffer.from('["a", ""]').toString("base64url"),
      "x".repeat(800),
    ]) {
      const error = await refusal(previewBatch(t.db, acting(admin), "USD", { after }));
      expect(error, after).toMatchObject({ status: 400, field: "cursor" });
    }
  });
});

describe("a batch's payouts, paged", () => {
  it("walks every payout once in name order; the totals are the whole batch's", async () => {
    const { admin, byName } = await fiveOwed();
    const { batch } = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
    });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof loadBatch>> = await loadBatch(
        t.db,
        acting(admin),
        batch.id,
        { after, limit: 2 },
      );
      expect(page.batch).toMatchObject({ id: batch.id, currency: "USD" });
      expect(page.batch.createdAt).toBeInstanceOf(Date);
      expect(page.totals).toEqual({ count: 5, totalMinor: 30_000, toSend: 5, sent: 0 });
      for (const row of page.payouts) {
        expect(row.payout).toMatchObject({ batchId: batch.id, state: "created" });
        expect(row.payout.createdAt).toBeInstanceOf(Date);
      }
      seen.push(...page.payouts.map((p) => p.payout.userId));
      after = page.next;
    } while (after);
    expect(seen).toEqual(byName.map((a) => a.id));
    const bad = await refusal(loadBatch(t.db, acting(admin), batch.id, { after: "%%%" }));
    expect(bad).toMatchObject({ status: 400 });
    const missing = await refusal(loadBatch(t.db, acting(admin), crypto.randomUUID()));
    expect(missing).toMatchObject({ status: 404 });
  });
});

describe("grants awaiting a second approval, paged", () => {
  it("shows ten at a time, oldest first, with the count and totals of them all", async () => {
    const awarder = await createUser(t.db, { role: "admin", displayName: "Ada Awarder" });
    const artist = await createUser(t.db, { displayName: "Ari Artist" });
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { grant } = await awardGrant(
        t.db,
        acting(awarder),
        grantInput.parse({
          userId: artist.id,
          amountMinor: "1,000.00",
          currency: "USD",
          purpose: `Residency ${i}`,
        }),
        { ...MONEY_OPTIONS, approvalThresholdMinor: 50_000 },
      );
      made.push(grant.id);
    }
    const first = await loadMoneyOverview(t.db, acting(awarder));
    expect(first.awaitingGrants.map((g) => g.grant.id)).toEqual(made.slice(0, 10));
    expect(first.awaitingGrantsCount).toBe(12);
    const second = await loadMoneyOverview(t.db, acting(awarder), {
      grantsAfter: first.awaitingGrantsNext,
    });
    expect(second.awaitingGrants.map((g) => g.grant.id)).toEqual(made.slice(10));
    expect(second.awaitingGrantsNext).toBeNull();
    const bad = await refusal(loadMoneyOverview(t.db, acting(awarder), { grantsAfter: "nope" }));
    expect(bad).toMatchObject({ status: 400 });
  });
});
