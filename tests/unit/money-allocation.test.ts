import { describe, expect, it } from "vitest";
import {
  allocateCredits,
  creditsCarriedBy,
  creditStatus,
  type AllocationEntry,
} from "~/.server/money/allocation";
import type { PayoutState } from "~/lib/money";

// The allocation of credits to payouts, on hand-written ledgers (the property test in
// tests/integration/money checks it against a model over random sequences on the database).

const ledger = (rows: [id: number, kind: string, ref?: string | number, currency?: string][]) =>
  rows.map(([id, kind, ref, currency]): AllocationEntry => ({
    id,
    userId: "ines",
    currency: currency ?? "USD",
    kind: kind as AllocationEntry["kind"],
    payoutId: kind === "payout" ? String(ref) : null,
    reversesEntryId: kind === "reversal" ? Number(ref) : null,
  }));

const statuses = (entries: AllocationEntry[], states: Record<string, PayoutState>) => {
  const allocation = allocateCredits(entries);
  return Object.fromEntries(
    entries
      .filter((e) => e.kind === "earning" || e.kind === "grant")
      .map((e) => [e.id, creditStatus(allocation, e.id, (id) => states[id])]),
  );
};

describe("allocateCredits", () => {
  it("an older payout failing after a newer one returns only its own credits", () => {
    // E1 in P1, E3 in P2, then P1 fails (its debit, entry 2, is reversed by entry 5).
    const entries = ledger([
      [1, "grant"],
      [2, "payout", "P1"],
      [3, "earning"],
      [4, "payout", "P2"],
      [5, "reversal", 2],
    ]);
    expect(statuses(entries, { P1: "failed", P2: "sent" })).toEqual({ 1: "payable", 3: "sent" });
    const allocation = allocateCredits(entries);
    expect(creditsCarriedBy(allocation, "P2")).toEqual([3]);
    expect(creditsCarriedBy(allocation, "P1")).toEqual([]);
    expect(allocation.returned).toEqual(new Set([2]));
    // The next payout carries E1 again.
    const more = [...entries, ...ledger([[6, "payout", "P3"]])];
    expect(statuses(more, { P1: "failed", P2: "paid", P3: "created" })).toEqual({
      1: "in_payout",
      3: "paid",
    });
  });

  it("a credit reversed while carried stays reversed, and does not come back when the payout fails", () => {
    const entries = ledger([
      [1, "earning"],
      [2, "earning"],
      [3, "payout", "P1"],
      [4, "earning"],
      [5, "reversal", 1],
      [6, "reversal", 3],
    ]);
    const allocation = allocateCredits(entries);
    expect(statuses(entries, { P1: "failed" })).toEqual({
      1: "reversed",
      2: "payable",
      4: "payable",
    });
    expect(allocation.reversed).toEqual(new Set([1]));
    // A credit reversed before any payout is never carried.
    const early = ledger([
      [1, "earning"],
      [2, "reversal", 1],
      [3, "earning"],
      [4, "payout", "P1"],
    ]);
    expect(creditsCarriedBy(allocateCredits(early), "P1")).toEqual([3]);
  });

  it("currencies (and artists) are allocated separately, whatever order the entries come in", () => {
    const entries = ledger([
      [4, "payout", "PE", "EUR"],
      [1, "earning", undefined, "USD"],
      [2, "earning", undefined, "EUR"],
      [3, "payout", "PU", "USD"],
      [5, "earning", undefined, "USD"],
    ]);
    expect(statuses(entries, { PU: "paid", PE: "created" })).toEqual({
      1: "paid",
      2: "in_payout",
      5: "payable",
    });
  });
});
