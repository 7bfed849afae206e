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
  payoutDraftExclusions,
  payouts,
  users,
  type Payout,
  type PayoutBatch,
} from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import { selectRows, type Db, type DbOrTx, type Tx } from "../db";
import { UserError } from "../errors";
import { notify } from "../notifications/notify";
import { encodeNameCursor, requireNameCursor } from "../pagination";
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
  // The paged preview's promise instead (everyone owed but those left out of the draft): how many
  // would be paid, how much in all, and the newest ledger entry it had seen. If the count or the
  // total moved since, nothing is paid.
  previewed: z
    .object({
      payees: z.coerce.number().int().nonnegative(),
      totalMinor: z.coerce.number().int().nonnegative(),
      through: z.coerce.number().int().nonnegative(),
    })
    .optional(),
});
export type BatchInput = z.infer<typeof batchInput>;

export type BalanceRow = {
  userId: string;
  name: string;
  email: string;
  balanceMinor: number;
  /** Left out of the next batch by an admin ("unticked"). */
  excluded: boolean;
};

export const PREVIEW_PAGE_SIZE = 25;
const BAD_PREVIEW_CURSOR = "That page of the preview does not exist. Start again from the first.";

/**
 * Who the next batch in a currency would pay (everyone owed, less those left out of the draft),
 * a page at a time in name order, with the totals of the whole batch: one round trip.
 */
export async function previewBatch(
  db: DbOrTx,
  admin: ActingUser,
  currency: Currency,
  options: { after?: string | null; limit?: number } = {},
) {
  assertCan(admin, "money:manage");
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? PREVIEW_PAGE_SIZE), 1), 200);
  const after = requireNameCursor(options.after, BAD_PREVIEW_CURSOR);
  const [row] = await selectRows<{
    totals: { payees: number; total: string; excluded: number };
    page: {
      userId: string;
      name: string;
      email: string;
      balanceMinor: string;
      excluded: boolean;
    }[];
    through: string | null;
  }>(
    db,
    // The totals are everyone owed less those left out (a few rows): one plain aggregate over
    // the currency's balances, where a join to the exclusions cost three times as much.
    sql`WITH owed AS (
          SELECT count(*) AS n, coalesce(sum(balance_minor), 0) AS total FROM ledger_balances
          WHERE currency = ${currency} AND balance_minor > 0
        ), left_out AS (
          SELECT count(*) AS n, coalesce(sum(b.balance_minor), 0) AS total
          FROM payout_draft_exclusions x
          JOIN ledger_balances b ON b.user_id = x.user_id AND b.currency = x.currency
          WHERE x.currency = ${currency} AND b.balance_minor > 0
        )
        SELECT
          (SELECT json_build_object('payees', owed.n - left_out.n,
              'total', (owed.total - left_out.total)::text, 'excluded', left_out.n)
           FROM owed, left_out) AS totals,
          (SELECT coalesce(json_agg(p), '[]'::json) FROM (
             SELECT u.id AS "userId", u.display_name AS name, u.email,
               b.balance_minor::text AS "balanceMinor", x.user_id IS NOT NULL AS excluded
             FROM users u
             JOIN ledger_balances b ON b.user_id = u.id AND b.currency = ${currency}
               AND b.balance_minor > 0
             LEFT JOIN payout_draft_exclusions x ON x.currency = b.currency AND x.user_id = u.id
             ${after ? sql`WHERE (u.display_name, u.id) > (${after.name}, ${after.id})` : sql``}
             ORDER BY u.display_name, u.id
             LIMIT ${limit + 1}
           ) p) AS page,
          (SELECT max(id) FROM ledger_entries)::text AS through`,
  );
  const page = row!.page.slice(0, limit);
  const last = page.at(-1);
  return {
    currency,
    rows: page.map((r) => ({ ...r, balanceMinor: Number(r.balanceMinor) })) satisfies BalanceRow[],
    next: row!.page.length > limit && last ? encodeNameCursor(last.name, last.userId) : null,
    payees: Number(row!.totals.payees),
    totalMinor: Number(row!.totals.total),
    excludedCount: Number(row!.totals.excluded),
    through: Number(row!.through ?? 0),
  };
}

export const draftArtistInput = z.object({
  currency: currencyField,
  userId: z.string().trim().min(1, "Choose an artist.").max(64, "Choose an artist."),
});

/**
 * Leaves an artist out of the next batch in a currency ("untick"), or puts them back. Stored on
 * the currency's draft, so every admin sees the same next batch; the batch empties it.
 */
export async function setDraftExclusion(
  db: Db,
  admin: ActingUser,
  input: z.infer<typeof draftArtistInput>,
  excluded: boolean,
) {
  assertCan(admin, "money:manage");
  return db.transaction(async (tx) => {
    const [artist] = await tx
      .select({ id: users.id, name: users.displayName, email: users.email, role: users.role })
      .from(users)
      .where(eq(users.id, input.userId));
    if (!artist || artist.role !== "artist")
      throw new UserError("That artist does not exist.", 404, "userId");
    if (excluded)
      await tx
        .insert(payoutDraftExclusions)
        .values({ currency: input.currency, userId: artist.id, excludedBy: admin.id })
        .onConflictDoNothing();
    else
      await tx
        .delete(payoutDraftExclusions)
        .where(
          and(
            eq(payoutDraftExclusions.currency, input.currency),
            eq(payoutDraftExclusions.userId, artist.id),
          ),
        );
    await recordAudit(tx, auditActor(admin), {
      action: excluded ? "money.payout_draft_excluded" : "money.payout_draft_included",
      subjectType: "user",
      subjectId: artist.id,
      data: { currency: input.currency },
    });
    return { name: artist.name || artist.email };
  });
}

/** Puts everyone left out of the next batch in a currency back in. */
export async function clearDraftExclusions(db: Db, admin: ActingUser, currency: Currency) {
  assertCan(admin, "money:manage");
  return db.transaction(async (tx) => {
    const cleared = await tx
      .delete(payoutDraftExclusions)
      .where(eq(payoutDraftExclusions.currency, currency))
      .returning({ userId: payoutDraftExclusions.userId });
    if (cleared.length)
      await recordAudit(tx, auditActor(admin), {
        action: "money.payout_draft_cleared",
        subjectType: "payout_draft",
        subjectId: currency,
        data: { currency, included: cleared.length },
      });
    return { count: cleared.length };
  });
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
        // Without a list: everyone owed, less those an admin left out of the draft.
        const owed = await tx
          .select({ userId: ledgerBalances.userId, balanceMinor: ledgerBalances.balanceMinor })
          .from(ledgerBalances)
          .where(
            and(
              eq(ledgerBalances.currency, input.currency),
              gt(ledgerBalances.balanceMinor, 0),
              input.userIds?.length
                ? inArray(ledgerBalances.userId, input.userIds)
                : sql`NOT EXISTS (SELECT 1 FROM payout_draft_exclusions x
                       WHERE x.currency = ${ledgerBalances.currency}
                         AND x.user_id = ${ledgerBalances.userId})`,
            ),
          )
          .orderBy(asc(ledgerBalances.userId))
          .for("update");
        if (input.expected) await refuseChangedAmounts(tx, input, owed);
        if (input.previewed) await refuseChangedPreview(tx, input, owed);
        if (owed.length === 0 && !input.userIds?.length) {
          const [left] = await tx
            .select({ n: sql<number>`count(*)::int` })
            .from(payoutDraftExclusions)
            .innerJoin(
              ledgerBalances,
              and(
                eq(ledgerBalances.userId, payoutDraftExclusions.userId),
                eq(ledgerBalances.currency, payoutDraftExclusions.currency),
              ),
            )
            .where(
              and(
                eq(payoutDraftExclusions.currency, input.currency),
                gt(ledgerBalances.balanceMinor, 0),
              ),
            );
          if (left && left.n > 0)
            throw new UserError(
              `Everyone owed in ${input.currency} is left out of this batch. Put someone back to pay them.`,
              409,
              "form",
            );
        }
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
        // The draft is spent: the next batch starts with everyone owed again.
        await tx
          .delete(payoutDraftExclusions)
          .where(eq(payoutDraftExclusions.currency, input.currency));
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

/**
 * The paged preview promised a number of payees and a total. Under the balance locks they must
 * still be those; otherwise the batch is refused (409), naming up to five artists whose balance
 * moved since the preview, and the reloaded preview shows the new totals.
 */
async function refuseChangedPreview(
  tx: Tx,
  input: BatchInput,
  owed: { userId: string; balanceMinor: number }[],
) {
  const previewed = input.previewed!;
  const total = owed.reduce((sum, o) => sum + o.balanceMinor, 0);
  if (owed.length === previewed.payees && total === previewed.totalMinor) return;
  const money = (minor: number) => formatMoney(minor, input.currency);
  const moved = await selectRows<{ name: string }>(
    tx,
    sql`SELECT coalesce(nullif(u.display_name, ''), u.email) AS name FROM users u
        WHERE u.id IN (SELECT e.user_id FROM ledger_entries e
                       WHERE e.id > ${previewed.through} AND e.currency = ${input.currency})
        ORDER BY u.display_name, u.id LIMIT 6`,
  );
  const who = moved.length
    ? ` Changed since: ${moved
        .slice(0, 5)
        .map((m) => m.name)
        .join(", ")}${moved.length > 5 ? " and others" : ""}.`
    : "";
  throw new UserError(
    `The preview showed ${previewed.payees} artist${previewed.payees === 1 ? "" : "s"} and ` +
      `${money(previewed.totalMinor)}; it is now ${owed.length} and ${money(total)}.${who} ` +
      `Review the new totals.`,
    409,
    "form",
  );
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

export const BATCH_PAGE_SIZE = 25;
const BAD_BATCH_CURSOR = "That page of the batch does not exist. Start again from the first.";

/**
 * One batch, its totals (kept by a trigger, whatever its size) and a page of its payouts in name
 * order: one round trip.
 */
export async function loadBatch(
  db: DbOrTx,
  admin: ActingUser,
  batchId: string,
  options: { after?: string | null; limit?: number } = {},
) {
  assertCan(admin, "money:manage");
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? BATCH_PAGE_SIZE), 1), 200);
  const after = requireNameCursor(options.after, BAD_BATCH_CURSOR);
  const [row] = await selectRows<{
    batch: Record<string, unknown> | null;
    totals: { state: PayoutState; payouts: number; amountMinor: number }[];
    page: {
      payout: Record<string, unknown>;
      name: string;
      email: string;
    }[];
  }>(
    db,
    sql`SELECT
          (SELECT row_to_json(b) FROM payout_batches b WHERE b.id = ${batchId}) AS batch,
          (SELECT coalesce(json_agg(json_build_object('state', t.state, 'payouts', t.payouts,
                    'amountMinor', t.amount_minor)), '[]'::json)
           FROM payout_batch_totals t WHERE t.batch_id = ${batchId}) AS totals,
          (SELECT coalesce(json_agg(p), '[]'::json) FROM (
             SELECT row_to_json(o) AS payout, u.display_name AS name, u.email
             FROM users u JOIN payouts o ON o.user_id = u.id AND o.batch_id = ${batchId}
             ${after ? sql`WHERE (u.display_name, u.id) > (${after.name}, ${after.id})` : sql``}
             ORDER BY u.display_name, u.id
             LIMIT ${limit + 1}
           ) p) AS page`,
  );
  if (!row?.batch) throw new UserError("That batch does not exist.", 404);
  const page = row.page.slice(0, limit).map((r) => ({
    payout: payoutFromJson(r.payout),
    name: r.name,
    email: r.email,
  }));
  const last = page.at(-1);
  const count = (states: PayoutState[]) =>
    row.totals.filter((t) => states.includes(t.state)).reduce((n, t) => n + Number(t.payouts), 0);
  return {
    batch: batchFromJson(row.batch),
    payouts: page,
    next: row.page.length > limit && last ? encodeNameCursor(last.name, last.payout.userId) : null,
    totals: {
      count: count(["created", "sent", "paid", "failed"]),
      totalMinor: row.totals.reduce((n, t) => n + Number(t.amountMinor), 0),
      toSend: count(["created"]),
      sent: count(["sent"]),
    },
  };
}

const dateOrNull = (value: unknown) => (value == null ? null : new Date(value as string));

/** A payout_batches row as row_to_json gives it (snake_case, dates as text). */
function batchFromJson(b: Record<string, unknown>): PayoutBatch {
  return {
    id: b.id as string,
    currency: b.currency as string,
    note: (b.note as string | null) ?? null,
    createdBy: (b.created_by as string | null) ?? null,
    batchKey: b.batch_key as string,
    createdAt: new Date(b.created_at as string),
  };
}

/** A payouts row as row_to_json gives it. */
function payoutFromJson(p: Record<string, unknown>): Payout {
  return {
    id: p.id as string,
    batchId: p.batch_id as string,
    userId: p.user_id as string,
    currency: p.currency as string,
    amountMinor: Number(p.amount_minor),
    state: p.state as PayoutState,
    idempotencyKey: p.idempotency_key as string,
    throughEntryId: Number(p.through_entry_id),
    reference: (p.reference as string | null) ?? null,
    sentAt: dateOrNull(p.sent_at),
    paidAt: dateOrNull(p.paid_at),
    failedAt: dateOrNull(p.failed_at),
    failureReason: (p.failure_reason as string | null) ?? null,
    createdAt: new Date(p.created_at as string),
  };
}
