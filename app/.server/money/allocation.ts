import type { LedgerKind, PayoutState } from "~/lib/money";

// Which payout carries which credit, read from the ledger alone (ADR 0012). A payout debit takes
// the whole balance, so it carries every credit still open at that point; the reversal of that
// debit (the payout failed) puts those credits back. A credit's status follows the payout that
// carries it now: never a comparison of entry ids, which goes wrong once an older payout fails
// after a newer one was made.

/** The few columns of a ledger entry the allocation reads. */
export type AllocationEntry = {
  id: number;
  userId: string;
  currency: string;
  kind: LedgerKind;
  payoutId: string | null;
  reversesEntryId: number | null;
};

export type Allocation = {
  /** Credit entry id → the payout carrying it now (absent: payable, or reversed before a payout). */
  ownerOf: Map<number, string>;
  /** Payout id → the credits it carries now, oldest first (reversed ones included). */
  carriedBy: Map<string, number[]>;
  /** Credits (earnings and grants) that were reversed. */
  reversed: Set<number>;
  /** Payout debits whose reversal returned them (failed payouts). */
  returned: Set<number>;
};

const isCredit = (kind: LedgerKind) => kind === "earning" || kind === "grant";

/**
 * Walks the entries in id order, separately per artist and currency: a credit joins the open
 * list; a payout debit carries every open credit and empties the list; the reversal of a payout
 * debit returns what that payout carried (less what was reversed since); the reversal of a credit
 * marks it reversed and takes it off the open list.
 */
export function allocateCredits(entries: readonly AllocationEntry[]): Allocation {
  const sorted = [...entries].sort((a, b) => a.id - b.id);
  const byId = new Map(sorted.map((e) => [e.id, e]));
  const open = new Map<string, number[]>();
  const ownerOf = new Map<number, string>();
  const carriedBy = new Map<string, number[]>();
  const reversed = new Set<number>();
  const returned = new Set<number>();
  const openOf = (e: AllocationEntry) => {
    const key = `${e.userId}\u0000${e.currency}`;
    let list = open.get(key);
    if (!list) open.set(key, (list = []));
    return list;
  };
  for (const entry of sorted) {
    if (isCredit(entry.kind)) {
      openOf(entry).push(entry.id);
    } else if (entry.kind === "payout") {
      if (!entry.payoutId) continue;
      const list = openOf(entry);
      const carried = list.splice(0, list.length);
      carriedBy.set(entry.payoutId, carried);
      for (const id of carried) ownerOf.set(id, entry.payoutId);
    } else if (entry.kind === "reversal" && entry.reversesEntryId !== null) {
      const original = byId.get(entry.reversesEntryId);
      if (!original) continue;
      if (original.kind === "payout" && original.payoutId) {
        returned.add(original.id);
        const carried = carriedBy.get(original.payoutId) ?? [];
        const list = openOf(original);
        for (const id of carried) {
          ownerOf.delete(id);
          if (!reversed.has(id)) list.push(id);
        }
        list.sort((a, b) => a - b);
        carriedBy.set(original.payoutId, []);
      } else if (isCredit(original.kind)) {
        reversed.add(original.id);
        const list = openOf(original);
        const at = list.indexOf(original.id);
        if (at >= 0) list.splice(at, 1);
      }
    }
  }
  return { ownerOf, carriedBy, reversed, returned };
}

export type CreditStatus = "payable" | "in_payout" | "sent" | "paid" | "reversed";

/** A credit's status: reversed; else that of the payout carrying it; else payable. */
export function creditStatus(
  allocation: Allocation,
  entryId: number,
  payoutState: (payoutId: string) => PayoutState | undefined,
): CreditStatus {
  if (allocation.reversed.has(entryId)) return "reversed";
  const owner = allocation.ownerOf.get(entryId);
  const state = owner ? payoutState(owner) : undefined;
  if (state === "created") return "in_payout";
  if (state === "sent" || state === "paid") return state;
  // No payout, or (never in a consistent ledger) one marked failed without its reversal.
  return "payable";
}

/** The credits a payout carries now and that were not reversed. */
export function creditsCarriedBy(allocation: Allocation, payoutId: string) {
  return (allocation.carriedBy.get(payoutId) ?? []).filter((id) => !allocation.reversed.has(id));
}
