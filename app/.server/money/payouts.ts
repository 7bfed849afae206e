import { and, asc, eq, gt, inArray, max, sql } from "drizzle-orm";
import { z } from "zod";
import {
  formatMoney,
  GRANT_MOVES,
  PAYOUT_MOVES,
  type Currency,
  type PayoutState,
} from "~/lib/money";
import {
  grants,
  ledgerBalances,
  ledgerEntries,
  payoutBatches,
  payouts,
  users,
  type Payout,
  type PayoutBatch,
} from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db, DbOrTx, Tx } from "../db";
import { UserError } from "../errors";
import { notify } from "../notifications/notify";
import type { MoneyOptions } from "./contributions";
import { todayUtc } from "./dates";
import { allocateCredits, creditsCarriedBy } from "./allocation";
import { appendEntry, appendReversal, guardBalance, moneyTransaction } from "./ledger";
import { currencyField } from "./rates";

// Payouts pay approved, unpaid balances. Creating one debits the balance at once (the money is
// spoken for); "paid" only records that it arrived; "failed" reverses the debit so the money is
// payable again. A batch's key and each payout's key are unique: a repeated or concurrent
// "Create batch" finds the batch the first one made (ADR 0012).

export const batchInput = z.object({
  currency: currencyField,
  batchKey: z.uuid({ error: "This form is out of date. Reload the page and try again." }),
  note: z.string().trim().max(500, "Use at most 500 characters.").optional(),
  // Empty: everyone with a balance.
  userIds: z.array(z.string().min(1)).optional(),
  // What the preview showed each artist would be paid: if a balance moved since, nothing is paid.
  expected: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type BatchInput = z.infer<typeof batchInput>;

export type BalanceRow = { userId: string; name: string; email: string; balanceMinor: number };

/** Who would be paid, and how much, if a batch were made now. */
export async function previewBatch(db: DbOrTx, admin: ActingUser, currency: Currency) {
  assertCan(admin, "money:manage");
  const rows = await db
    .select({
      userId: ledgerBalances.userId,
      name: users.displayName,
      email: users.email,
      balanceMinor: ledgerBalances.balanceMinor,
    })
    .from(ledgerBalances)
    .innerJoin(users, eq(users.id, ledgerBalances.userId))
    .where(and(eq(ledgerBalances.currency, currency), gt(ledgerBalances.balanceMinor, 0)))
    .orderBy(asc(users.displayName), asc(users.id));
  const totalMinor = rows.reduce((sum, r) => sum + r.balanceMinor, 0);
  return { currency, rows: rows satisfies BalanceRow[], totalMinor };
}

export function payoutKey(batchKey: string, userId: string) {
  return `${batchKey}:${userId}`;
}

export async function createBatch(db: Db, admin: ActingUser, input: BatchInput) {
  assertCan(admin, "money:manage");
  // A list given and empty is a choice of nobody, not of everybody.
  if (input.userIds && input.userIds.length === 0)
    throw new UserError("Tick at least one artist to pay.", 422, "userIds");
  return guardBalance(
    () =>
      moneyTransaction(db, async (tx) => {
        const [batch] = await tx
          .insert(payoutBatches)
          .values({
            currency: input.currency,
            note: input.note || null,
            createdBy: admin.id,
            batchKey: input.batchKey,
          })
          .onConflictDoNothing()
          .returning();
        if (!batch) {
          // The same request again, or at the same time: the first one's batch is the answer.
          const [existing] = await tx
            .select()
            .from(payoutBatches)
            .where(eq(payoutBatches.batchKey, input.batchKey));
          const made = await tx.select().from(payouts).where(eq(payouts.batchId, existing!.id));
          return { batch: existing!, payouts: made, created: false };
        }
        // Locking the balances makes a concurrent batch (another key) wait, then skip what this
        // one paid: its re-read sees a balance of zero.
        const owed = await tx
          .select({ userId: ledgerBalances.userId, balanceMinor: ledgerBalances.balanceMinor })
          .from(ledgerBalances)
          .where(
            and(
              eq(ledgerBalances.currency, input.currency),
              gt(ledgerBalances.balanceMinor, 0),
              input.userIds?.length ? inArray(ledgerBalances.userId, input.userIds) : undefined,
            ),
          )
          .orderBy(asc(ledgerBalances.userId))
          .for("update");
        if (input.expected) await refuseChangedAmounts(tx, input, owed);
        if (owed.length === 0)
          throw new UserError(
            `Nobody has an approved, unpaid ${input.currency} balance right now.`,
            409,
            "currency",
          );
        const made: Payout[] = [];
        for (const { userId, balanceMinor } of owed) {
          const [last] = await tx
            .select({ id: max(ledgerEntries.id) })
            .from(ledgerEntries)
            .where(
              and(eq(ledgerEntries.userId, userId), eq(ledgerEntries.currency, input.currency)),
            );
          const [payout] = await tx
            .insert(payouts)
            .values({
              batchId: batch.id,
              userId,
              currency: input.currency,
              amountMinor: balanceMinor,
              idempotencyKey: payoutKey(input.batchKey, userId),
              throughEntryId: last!.id!,
            })
            .returning();
          await appendEntry(tx, {
            userId,
            currency: input.currency,
            kind: "payout",
            amountMinor: -balanceMinor,
            occurredOn: todayUtc(),
            description: "Payout",
            payoutId: payout!.id,
            createdBy: admin.id,
          });
          made.push(payout!);
        }
        await recordAudit(tx, auditActor(admin), {
          action: "money.payout_batch_created",
          subjectType: "payout_batch",
          subjectId: batch.id,
          data: {
            currency: input.currency,
            payouts: made.length,
            totalMinor: made.reduce((s, p) => s + p.amountMinor, 0),
          },
        });
        return { batch, payouts: made, created: true };
      }),
    "A balance changed while the batch was made. Nothing was paid; try again.",
  );
}

/**
 * The admin approved the amounts the preview showed. Under the balance locks, each ticked artist's
 * balance must still be that amount; otherwise the batch is refused (409 on the form), naming each
 * change, and the reloaded preview shows the new totals.
 */
async function refuseChangedAmounts(
  tx: Tx,
  input: BatchInput,
  owed: { userId: string; balanceMinor: number }[],
) {
  const expected = input.expected ?? {};
  const now = new Map(owed.map((o) => [o.userId, o.balanceMinor]));
  const ids = [...new Set([...(input.userIds ?? Object.keys(expected)), ...now.keys()])];
  const changed = ids.filter((id) => (expected[id] ?? 0) !== (now.get(id) ?? 0));
  if (changed.length === 0) return;
  const names = await tx
    .select({ id: users.id, name: users.displayName, email: users.email })
    .from(users)
    .where(inArray(users.id, changed))
    .orderBy(asc(users.displayName), asc(users.id));
  const money = (minor: number) => formatMoney(minor, input.currency);
  const lines = names.map(
    (u) => `${u.name || u.email}: ${money(expected[u.id] ?? 0)} → ${money(now.get(u.id) ?? 0)}`,
  );
  throw new UserError(`${lines.join("; ")}; review the new totals.`, 409, "form");
}

export const markInput = z.discriminatedUnion("to", [
  z.object({
    to: z.literal("sent"),
    reference: z.string().trim().max(120, "Use at most 120 characters.").optional(),
  }),
  z.object({ to: z.literal("paid") }),
  z.object({
    to: z.literal("failed"),
    reason: z
      .string({ error: "Say why the payout failed." })
      .trim()
      .min(3, "Say why the payout failed.")
      .max(500, "Use at most 500 characters."),
  }),
]);
export type MarkInput = z.infer<typeof markInput>;

/** Which payout carries which credit now, for one artist and currency (allocation.ts). */
async function allocationOf(tx: Tx, userId: string, currency: string) {
  const entries = await tx
    .select({
      id: ledgerEntries.id,
      userId: ledgerEntries.userId,
      currency: ledgerEntries.currency,
      kind: ledgerEntries.kind,
      payoutId: ledgerEntries.payoutId,
      reversesEntryId: ledgerEntries.reversesEntryId,
      grantId: ledgerEntries.grantId,
    })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.userId, userId), eq(ledgerEntries.currency, currency)))
    .orderBy(asc(ledgerEntries.id));
  return { entries, allocation: allocateCredits(entries) };
}

async function applyMark(
  tx: Tx,
  admin: ActingUser,
  payout: Payout,
  input: MarkInput,
  appUrl: string,
): Promise<{ payout: Payout; emailId: string | null }> {
  const move = PAYOUT_MOVES.check(payout.state, input.to);
  if (!move.ok) throw new UserError(move.reason, 409);
  let emailId: string | null = null;
  const set: Partial<typeof payouts.$inferInsert> = { state: input.to };
  if (input.to === "sent") {
    set.sentAt = new Date();
    set.reference = input.reference || null;
  } else if (input.to === "paid") {
    set.paidAt = new Date();
    // The grants whose credit this payout carries are paid now.
    const { entries, allocation } = await allocationOf(tx, payout.userId, payout.currency);
    const carried = new Set(creditsCarriedBy(allocation, payout.id));
    const grantIds = entries
      .filter((e) => e.kind === "grant" && e.grantId && carried.has(e.id))
      .map((e) => e.grantId!);
    if (grantIds.length)
      await tx
        .update(grants)
        .set({ state: "paid", paidAt: sql`now()` })
        .where(and(inArray(grants.state, GRANT_MOVES.from("paid")), inArray(grants.id, grantIds)));
  } else {
    set.failedAt = new Date();
    set.failureReason = input.reason;
    const [debit] = await tx
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.payoutId, payout.id), eq(ledgerEntries.kind, "payout")));
    await appendReversal(tx, debit!, {
      description: `Payout failed: ${input.reason}`,
      createdBy: admin.id,
      occurredOn: todayUtc(),
    });
  }
  const [updated] = await tx.update(payouts).set(set).where(eq(payouts.id, payout.id)).returning();
  await recordAudit(tx, auditActor(admin), {
    action: `money.payout_${input.to}`,
    subjectType: "payout",
    subjectId: payout.id,
    data: { ...input, amountMinor: payout.amountMinor, currency: payout.currency },
  });
  if (input.to === "sent") {
    const amount = formatMoney(payout.amountMinor, payout.currency);
    emailId = await notify(
      tx,
      {
        userId: payout.userId,
        kind: "payout_sent",
        title: `Payout sent: ${amount}`,
        body: input.reference ? `Reference ${input.reference}` : "It is on its way.",
        link: "/earnings#statement",
        email: {
          template: "payout-sent",
          props: {
            amount,
            reference: input.reference || null,
            itemCount: creditsCarriedBy(
              (await allocationOf(tx, payout.userId, payout.currency)).allocation,
              payout.id,
            ).length,
          },
        },
      },
      appUrl,
    );
  }
  return { payout: updated!, emailId };
}

/**
 * Moves one payout. `target.batchId` is the batch whose page the admin is on: a payout of another
 * batch is not found there.
 */
export async function markPayout(
  db: Db,
  admin: ActingUser,
  target: { id: string; batchId: string },
  input: MarkInput,
  options: MoneyOptions,
) {
  assertCan(admin, "money:manage");
  return moneyTransaction(db, async (tx) => {
    const [payout] = await tx
      .select()
      .from(payouts)
      .where(and(eq(payouts.id, target.id), eq(payouts.batchId, target.batchId)))
      .for("update");
    if (!payout) throw new UserError("That payout does not exist.", 404);
    const { payout: updated, emailId } = await applyMark(tx, admin, payout, input, options.appUrl);
    return { payout: updated, emailIds: emailId ? [emailId] : [] };
  });
}

/** Marks every payout of a batch that can make the move; the others are left as they are. */
export async function markBatch(
  db: Db,
  admin: ActingUser,
  batchId: string,
  to: "sent" | "paid",
  options: MoneyOptions,
) {
  assertCan(admin, "money:manage");
  const from: PayoutState = to === "sent" ? "created" : "sent";
  return moneyTransaction(db, async (tx) => {
    const [batch] = await tx.select().from(payoutBatches).where(eq(payoutBatches.id, batchId));
    if (!batch) throw new UserError("That batch does not exist.", 404);
    const open = await tx
      .select()
      .from(payouts)
      .where(and(eq(payouts.batchId, batchId), eq(payouts.state, from)))
      .orderBy(asc(payouts.id))
      .for("update");
    if (open.length === 0)
      throw new UserError(`No payout in this batch is ${from}; nothing was changed.`, 409);
    const emailIds: string[] = [];
    for (const payout of open) {
      const { emailId } = await applyMark(tx, admin, payout, { to } as MarkInput, options.appUrl);
      if (emailId) emailIds.push(emailId);
    }
    return { count: open.length, emailIds };
  });
}

export async function loadBatch(db: DbOrTx, admin: ActingUser, batchId: string) {
  assertCan(admin, "money:manage");
  const [batch] = await db.select().from(payoutBatches).where(eq(payoutBatches.id, batchId));
  if (!batch) throw new UserError("That batch does not exist.", 404);
  const rows = await db
    .select({ payout: payouts, name: users.displayName, email: users.email })
    .from(payouts)
    .innerJoin(users, eq(users.id, payouts.userId))
    .where(eq(payouts.batchId, batchId))
    .orderBy(asc(users.displayName), asc(payouts.id));
  return { batch: batch satisfies PayoutBatch, payouts: rows };
}
