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

export const RACE_MESSAGE = "Someone else changed this at the same time; try again.";

/**
 * Two people acting on the same money at once: PostgreSQL may end one transaction with a deadlock
 * (40P01) or a serialization failure (40001), and a second reversal of one entry meets the unique
 * index. Those are the person's situation (try again, or it is done already), never a 500.
 */
export async function guardRaces<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = databaseError(error).code;
    if (code === "40P01" || code === "40001") throw new UserError(RACE_MESSAGE, 409);
    if (violatesConstraint(error, "ledger_one_reversal_per_entry"))
      throw new UserError("This entry was already reversed.", 409);
    throw error;
  }
}

/** Every money transaction: `db.transaction` with its races said plainly (guardRaces). */
export function moneyTransaction<T>(db: Db, run: (tx: Tx) => Promise<T>): Promise<T> {
  return guardRaces(() => db.transaction(run));
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
 * `entry.userId` is the artist whose statement the admin is on: another artist's entry is not found.
 */
export async function reverseEntry(
  db: Db,
  admin: ActingUser,
  entry: { id: number; userId: string },
  reason: string,
) {
  assertCan(admin, "money:manage");
  requireReason(reason);
  const entryId = entry.id;
  const notFound = () => new UserError("That ledger entry does not exist.", 404);
  return guardBalance(
    () =>
      moneyTransaction(db, async (tx) => {
        const [seen] = await tx
          .select({ userId: ledgerEntries.userId, grantId: ledgerEntries.grantId })
          .from(ledgerEntries)
          .where(eq(ledgerEntries.id, entryId));
        if (!seen || seen.userId !== entry.userId) throw notFound();
        // A grant's credit: lock the grant first, as cancelGrant does, so that a reversal and a
        // cancellation of the same grant wait for each other instead of deadlocking.
        if (seen.grantId)
          await tx
            .select({ id: grants.id })
            .from(grants)
            .where(eq(grants.id, seen.grantId))
            .for("update");
        const [original] = await tx
          .select()
          .from(ledgerEntries)
          .where(eq(ledgerEntries.id, entryId))
          .for("update");
        if (!original) throw notFound();
        if (original.kind !== "earning" && original.kind !== "grant")
          throw new UserError(
            "Only earnings and grants are reversed here; a payout is undone by marking it failed.",
            409,
          );
        const [already] = await tx
          .select({ id: ledgerEntries.id })
          .from(ledgerEntries)
          .where(eq(ledgerEntries.reversesEntryId, entryId));
        if (already) throw new UserError("This entry was already reversed.", 409);
        const reversal = await appendReversal(tx, original, {
          description: `Reversal: ${reason}`,
          createdBy: admin.id,
          occurredOn: new Date().toISOString().slice(0, 10),
        });
        // Taking a grant's money back ends the grant: it must not later read "paid".
        if (original.kind === "grant" && original.grantId)
          await tx
            .update(grants)
            .set({
              state: "cancelled",
              cancelledBy: admin.id,
              cancelledAt: sql`now()`,
              cancelReason: reason,
            })
            .where(and(eq(grants.id, original.grantId), eq(grants.state, "approved")));
        await recordAudit(tx, auditActor(admin), {
          action: "money.entry_reversed",
          subjectType: "ledger_entry",
          subjectId: String(entryId),
          data: { reason, amountMinor: original.amountMinor, currency: original.currency },
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
