import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { formatMoney, GRANT_MOVES } from "~/lib/money";
import { grants, ledgerEntries, users, type Grant } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db, Tx } from "../db";
import { UserError } from "../errors";
import { notify } from "../notifications/notify";
import type { MoneyOptions } from "./contributions";
import { todayUtc } from "./dates";
import {
  appendEntry,
  appendReversal,
  guardBalance,
  moneyTransaction,
  requireReason,
} from "./ledger";
import { currencyField, moneyAmount, payoutCurrencyOf, requireAmountCap } from "./rates";

// Grants: money awarded for a purpose rather than earned by the rate card. At or below the
// approval threshold the awarding admin's word suffices; above it a second admin must approve
// (and the database refuses an approval by the same person). Approved grants enter the ledger.

export type GrantOptions = MoneyOptions & { approvalThresholdMinor: number };

export const grantInput = z.object({
  userId: z.string({ error: "Choose an artist." }).min(1, "Choose an artist."),
  amountMinor: moneyAmount("the amount").refine((v) => v > 0, "Enter an amount above zero."),
  currency: currencyField,
  purpose: z
    .string({ error: "Say what the grant is for." })
    .trim()
    .min(3, "Say what the grant is for.")
    .max(500, "Use at most 500 characters."),
  awardKey: z.uuid().optional().catch(undefined),
});
export type GrantInput = z.infer<typeof grantInput>;

async function creditGrant(tx: Tx, grant: Grant, approvedBy: string) {
  await appendEntry(tx, {
    userId: grant.userId,
    currency: grant.currency,
    kind: "grant",
    amountMinor: grant.amountMinor,
    occurredOn: todayUtc(),
    description: `Grant: ${grant.purpose}`,
    grantId: grant.id,
    createdBy: approvedBy,
  });
}

async function tellArtist(tx: Tx, grant: Grant, appUrl: string) {
  const amount = formatMoney(grant.amountMinor, grant.currency);
  const waiting = grant.state === "awarded";
  return notify(
    tx,
    {
      userId: grant.userId,
      kind: "grant_awarded",
      title: waiting ? `Grant awarded: ${amount}` : `Grant approved: ${amount}`,
      body: waiting ? `${grant.purpose} — awaiting a second approval.` : grant.purpose,
      link: "/earnings",
      email: {
        template: "grant-awarded",
        props: { amount, purpose: grant.purpose, awaitingSecondApproval: waiting },
      },
    },
    appUrl,
  );
}

export async function awardGrant(
  db: Db,
  admin: ActingUser,
  input: GrantInput,
  options: GrantOptions,
) {
  assertCan(admin, "money:manage");
  return moneyTransaction(db, async (tx) => {
    const [artist] = await tx
      .select({ role: users.role, name: users.displayName, email: users.email })
      .from(users)
      .where(eq(users.id, input.userId));
    if (!artist || artist.role !== "artist")
      throw new UserError("Choose an artist from the list.", 422, "userId");
    requireAmountCap(input.amountMinor, "amountMinor");
    // A grant is paid with the artist's other money: in the one currency they are paid in.
    const paidIn = await payoutCurrencyOf(tx, input.userId);
    if (input.currency !== paidIn)
      throw new UserError(
        `${artist.name || artist.email} is paid in ${paidIn}; award the grant in ${paidIn}.`,
        422,
        "currency",
      );
    const needsSecondApproval = input.amountMinor > options.approvalThresholdMinor;
    const [grant] = await tx
      .insert(grants)
      .values({
        userId: input.userId,
        amountMinor: input.amountMinor,
        currency: input.currency,
        purpose: input.purpose,
        needsSecondApproval,
        state: needsSecondApproval ? "awarded" : "approved",
        awardedBy: admin.id,
        approvedBy: needsSecondApproval ? null : admin.id,
        approvedAt: needsSecondApproval ? null : new Date(),
        awardKey: input.awardKey ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!grant) {
      // The same form sent twice: answer with the grant it made.
      const [existing] = await tx.select().from(grants).where(eq(grants.awardKey, input.awardKey!));
      return { grant: existing!, emailIds: [] as string[] };
    }
    if (!needsSecondApproval) await creditGrant(tx, grant, admin.id);
    await recordAudit(tx, auditActor(admin), {
      action: "money.grant_awarded",
      subjectType: "grant",
      subjectId: grant.id,
      data: {
        userId: input.userId,
        amountMinor: input.amountMinor,
        currency: input.currency,
        needsSecondApproval,
      },
    });
    const emailId = await tellArtist(tx, grant, options.appUrl);
    return { grant, emailIds: emailId ? [emailId] : [] };
  });
}

async function lockGrant(tx: Tx, id: string) {
  const [grant] = await tx.select().from(grants).where(eq(grants.id, id)).for("update");
  if (!grant) throw new UserError("That grant does not exist.", 404);
  return grant;
}

export async function approveGrant(db: Db, admin: ActingUser, id: string, options: MoneyOptions) {
  assertCan(admin, "money:manage");
  return moneyTransaction(db, async (tx) => {
    const grant = await lockGrant(tx, id);
    const move = GRANT_MOVES.check(grant.state, "approved");
    if (!move.ok) throw new UserError(move.reason, 409);
    if (grant.needsSecondApproval && grant.awardedBy === admin.id)
      throw new UserError(
        "Grants above the approval threshold need a second admin: someone else must approve this one.",
        403,
      );
    const [approved] = await tx
      .update(grants)
      .set({ state: "approved", approvedBy: admin.id, approvedAt: sql`now()` })
      .where(eq(grants.id, id))
      .returning();
    await creditGrant(tx, approved!, admin.id);
    await recordAudit(tx, auditActor(admin), {
      action: "money.grant_approved",
      subjectType: "grant",
      subjectId: id,
      data: { amountMinor: grant.amountMinor, currency: grant.currency },
    });
    const emailId = await tellArtist(tx, approved!, options.appUrl);
    return { grant: approved!, emailIds: emailId ? [emailId] : [] };
  });
}

/**
 * Cancels a grant not yet paid. An approved grant is already in the ledger: cancelling it adds the
 * reversal, which the database refuses when the money has gone into a payout.
 */
export async function cancelGrant(db: Db, admin: ActingUser, id: string, reason: string) {
  assertCan(admin, "money:manage");
  requireReason(reason);
  return guardBalance(
    () =>
      moneyTransaction(db, async (tx) => {
        const grant = await lockGrant(tx, id);
        const move = GRANT_MOVES.check(grant.state, "cancelled");
        if (!move.ok) throw new UserError(move.reason, 409);
        if (grant.state === "approved") {
          const [credit] = await tx
            .select()
            .from(ledgerEntries)
            .where(and(eq(ledgerEntries.grantId, id), eq(ledgerEntries.kind, "grant")));
          // An admin may already have reversed the credit on the statement: then the money is
          // already taken back, and cancelling only records the grant's end.
          const [reversed] = credit
            ? await tx
                .select({ id: ledgerEntries.id })
                .from(ledgerEntries)
                .where(eq(ledgerEntries.reversesEntryId, credit.id))
            : [];
          if (credit && !reversed)
            await appendReversal(tx, credit, {
              description: `Grant cancelled: ${reason}`,
              createdBy: admin.id,
              occurredOn: todayUtc(),
            });
        }
        const [cancelled] = await tx
          .update(grants)
          .set({
            state: "cancelled",
            cancelledBy: admin.id,
            cancelledAt: sql`now()`,
            cancelReason: reason,
          })
          .where(eq(grants.id, id))
          .returning();
        await recordAudit(tx, auditActor(admin), {
          action: "money.grant_cancelled",
          subjectType: "grant",
          subjectId: id,
          data: { reason, wasApproved: grant.state === "approved" },
        });
        return cancelled!;
      }),
    "This grant is already in a payout. Mark that payout failed first, or leave the grant as it is.",
  );
}
