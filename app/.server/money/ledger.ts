import { and, asc, eq, sql } from "drizzle-orm";
import type { Currency, LedgerKind } from "~/lib/money";
import { grants, ledgerBalances, ledgerEntries, type LedgerEntry } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db, DbOrTx, Tx } from "../db";
import { UserError } from "../errors";

// The ledger is append-only and its balances are moved by the database (migration 0007): these
// helpers only ever insert, and they turn the database's refusals into messages a person reads.

export type NewEntry = {
  userId: string;
  currency: Currency | string;
  kind: LedgerKind;
  amountMinor: number;
  occurredOn: string;
  description: string;
  createdBy: string | null;
  contributionId?: string;
  promotionId?: string;
  grantId?: string;
  payoutId?: string;
  stipendMonth?: string;
  reversesEntryId?: number;
};

export async function appendEntry(tx: Tx, entry: NewEntry): Promise<LedgerEntry> {
  const [row] = await tx.insert(ledgerEntries).values(entry).returning();
  return row!;
}

/** Adds the entry that undoes `original` (same artist and currency, the opposite amount). */
export async function appendReversal(
  tx: Tx,
  original: LedgerEntry,
  input: { description: string; createdBy: string | null; occurredOn: string },
) {
  return appendEntry(tx, {
    userId: original.userId,
    currency: original.currency,
    kind: "reversal",
    amountMinor: -original.amountMinor,
    occurredOn: input.occurredOn,
    description: input.description,
    createdBy: input.createdBy,
    reversesEntryId: original.id,
  });
}

/** The database's own error, whether drizzle wrapped it or not. */
function databaseError(error: unknown): { code?: string; constraint?: string; message?: string } {
  let current = error as { cause?: unknown; code?: string; constraint?: string } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === "string" && /^[0-9A-Z]{5}$/.test(current.code))
      return current as { code?: string; constraint?: string; message?: string };
    current = current.cause as typeof current;
  }
  return {};
}

export function violatesConstraint(error: unknown, constraint: string) {
  const e = databaseError(error);
  return e.constraint === constraint || (e.message ?? "").includes(constraint);
}

/**
 * Runs a money change, translating the balance CHECK into the person's situation: whatever the
 * application checked first, the database has the last word on "never below zero".
 */
export async function guardBalance<T>(run: () => Promise<T>, message: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (violatesConstraint(error, "ledger_balances_never_negative"))
      throw new UserError(message, 409);
    throw error;
  }
}

/** The payable balance, read under a row lock so a payout and a reversal cannot both spend it. */
export async function lockBalance(tx: Tx, userId: string, currency: string) {
  const [row] = await tx
    .select({ balance: ledgerBalances.balanceMinor })
    .from(ledgerBalances)
    .where(and(eq(ledgerBalances.userId, userId), eq(ledgerBalances.currency, currency)))
    .for("update");
  return row?.balance ?? 0;
}

/** Balances computed from the entries themselves (the statement's source of truth). */
export async function computedBalances(db: DbOrTx, userId: string) {
  const rows = await db
    .select({
      currency: ledgerEntries.currency,
      balance: sql<string>`sum(${ledgerEntries.amountMinor})::bigint::text`,
    })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.userId, userId))
    .groupBy(ledgerEntries.currency)
    .orderBy(asc(ledgerEntries.currency));
  return rows.map((r) => ({ currency: r.currency, balance: Number(r.balance) }));
}

/**
 * An admin's correction: the entry that undoes an earning or grant, with the reason. The database
 * refuses it when the money is already spoken for (in a payout) and nothing newer covers it.
 */
export async function reverseEntry(db: Db, admin: ActingUser, entryId: number, reason: string) {
  assertCan(admin, "money:manage");
  requireReason(reason);
  return guardBalance(
    () =>
      db.transaction(async (tx) => {
        const [entry] = await tx
          .select()
          .from(ledgerEntries)
          .where(eq(ledgerEntries.id, entryId))
          .for("update");
        if (!entry) throw new UserError("That ledger entry does not exist.", 404);
        if (entry.kind !== "earning" && entry.kind !== "grant")
          throw new UserError(
            "Only earnings and grants are reversed here; a payout is undone by marking it failed.",
            409,
          );
        const [already] = await tx
          .select({ id: ledgerEntries.id })
          .from(ledgerEntries)
          .where(eq(ledgerEntries.reversesEntryId, entryId));
        if (already) throw new UserError("This entry was already reversed.", 409);
        const reversal = await appendReversal(tx, entry, {
          description: `Reversal: ${reason}`,
          createdBy: admin.id,
          occurredOn: new Date().toISOString().slice(0, 10),
        });
        // Taking a grant's money back ends the grant: it must not later read "paid".
        if (entry.kind === "grant" && entry.grantId)
          await tx
            .update(grants)
            .set({
              state: "cancelled",
              cancelledBy: admin.id,
              cancelledAt: sql`now()`,
              cancelReason: reason,
            })
            .where(and(eq(grants.id, entry.grantId), eq(grants.state, "approved")));
        await recordAudit(tx, auditActor(admin), {
          action: "money.entry_reversed",
          subjectType: "ledger_entry",
          subjectId: String(entryId),
          data: { reason, amountMinor: entry.amountMinor, currency: entry.currency },
        });
        return reversal;
      }),
    "This money is already in a payout and the balance cannot cover a reversal. Mark the payout failed first.",
  );
}

/** Domain functions never trust that a route checked: a correction always says why. */
export function requireReason(reason: string) {
  if (reason.trim().length < 3)
    throw new UserError("Give a reason of at least 3 characters.", 422, "reason");
}
