import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { formatMoney, PROMOTION_CHANNELS, PROMOTION_MOVES, type PromotionState } from "~/lib/money";
import { manyValues } from "~/lib/validation";
import { promotions, submissions, submissionVersions, type Promotion } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db, Tx } from "../db";
import { UserError } from "../errors";
import { notify } from "../notifications/notify";
import type { MoneyOptions } from "./contributions";
import { todayUtc } from "./dates";
import { appendEntry, moneyTransaction, violatesConstraint } from "./ledger";
import { moneyAmount, payoutCurrencyOf, requireAmountCap, requireRate } from "./rates";

// The program's own promotion uses an artist's clip only with the artist's recorded consent: an
// admin asks (purpose, channels, fee), the artist accepts or declines, and acceptance earns the fee.

export const promotionInput = z.object({
  clipId: z.string({ error: "Choose an approved clip." }).min(1, "Choose an approved clip."),
  purpose: z
    .string({ error: "Say how the clip would be used." })
    .trim()
    .min(3, "Say how the clip would be used.")
    .max(500, "Use at most 500 characters."),
  channels: manyValues(
    z.enum(PROMOTION_CHANNELS, { error: "Choose channels from the list." }),
  ).refine((v) => v.length > 0, "Choose at least one channel."),
  // Empty: the published rate per clip.
  feeMinor: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    moneyAmount("the fee").optional(),
  ),
  requestKey: z.uuid().optional().catch(undefined),
});
export type PromotionInput = z.infer<typeof promotionInput>;

/** The approved submission a clip belongs to (its current version), with the clip's owner. */
async function approvedSubmissionOf(tx: Tx, clipId: string) {
  const [row] = await tx
    .select({ id: submissions.id, userId: submissions.userId, title: submissions.title })
    .from(submissionVersions)
    .innerJoin(submissions, eq(submissions.id, submissionVersions.submissionId))
    .where(
      and(
        eq(submissionVersions.clipId, clipId),
        eq(submissionVersions.number, submissions.currentVersion),
        eq(submissions.state, "approved"),
      ),
    )
    .limit(1);
  return row ?? null;
}

export async function askPromotion(
  db: Db,
  admin: ActingUser,
  input: PromotionInput,
  options: MoneyOptions,
) {
  assertCan(admin, "money:manage");
  try {
    return await moneyTransaction(db, async (tx) => {
      if (input.requestKey) {
        const [existing] = await tx
          .select()
          .from(promotions)
          .where(eq(promotions.requestKey, input.requestKey));
        if (existing) return { promotion: existing, emailIds: [] as string[] };
      }
      const submission = await approvedSubmissionOf(tx, input.clipId);
      if (!submission)
        throw new UserError(
          "Only a clip in an approved submission can be asked for.",
          422,
          "clipId",
        );
      const currency = await payoutCurrencyOf(tx, submission.userId);
      const card = await requireRate(tx, currency, todayUtc(options.now));
      const feeMinor = input.feeMinor ?? card.promoClipMinor;
      requireAmountCap(feeMinor, "feeMinor");
      // The published rate is a floor: the card is a promise to every artist.
      if (feeMinor < card.promoClipMinor || feeMinor <= 0)
        throw new UserError(
          `The fee cannot be below the published rate of ${formatMoney(card.promoClipMinor, currency)}.`,
          422,
          "feeMinor",
        );
      const [promotion] = await tx
        .insert(promotions)
        .values({
          userId: submission.userId,
          clipId: input.clipId,
          submissionId: submission.id,
          purpose: input.purpose,
          channels: [...new Set(input.channels)],
          feeMinor,
          currency,
          askedBy: admin.id,
          requestKey: input.requestKey ?? null,
        })
        .returning();
      await recordAudit(tx, auditActor(admin), {
        action: "money.promotion_asked",
        subjectType: "promotion",
        subjectId: promotion!.id,
        data: { clipId: input.clipId, feeMinor, currency, channels: promotion!.channels },
      });
      const fee = formatMoney(feeMinor, currency);
      const emailId = await notify(
        tx,
        {
          userId: submission.userId,
          kind: "promotion_requested",
          title: `May the program use "${submission.title}"?`,
          body: `${input.purpose} — ${promotion!.channels.join(", ")} · ${fee}`,
          link: "/earnings#promotions",
          email: {
            template: "promotion-requested",
            props: {
              clipTitle: submission.title,
              purpose: input.purpose,
              channels: promotion!.channels.join(", "),
              fee,
            },
          },
        },
        options.appUrl,
      );
      return { promotion: promotion!, emailIds: emailId ? [emailId] : [] };
    });
  } catch (error) {
    // The same form sent twice at once: the other request made it; answer with that one.
    // (Which unique index reports the clash first is up to the database, so look either way.)
    if (
      input.requestKey &&
      (violatesConstraint(error, "promotions_request_key_unique") ||
        violatesConstraint(error, "promotions_one_per_clip"))
    ) {
      const [made] = await db
        .select()
        .from(promotions)
        .where(eq(promotions.requestKey, input.requestKey));
      if (made) return { promotion: made, emailIds: [] as string[] };
    }
    if (violatesConstraint(error, "promotions_one_per_clip"))
      throw new UserError("This clip already has an open or accepted request.", 409, "clipId");
    throw error;
  }
}

/** The request, locked, if `check` lets the caller at it and it may become `to` (PROMOTION_MOVES). */
async function lockFor(tx: Tx, id: string, to: PromotionState, check: (p: Promotion) => void) {
  const [promotion] = await tx.select().from(promotions).where(eq(promotions.id, id)).for("update");
  if (!promotion) throw new UserError("That request does not exist.", 404);
  check(promotion);
  const move = PROMOTION_MOVES.check(promotion.state, to);
  if (!move.ok) throw new UserError(move.reason, 409);
  return promotion;
}

function ownedBy(artist: ActingUser) {
  return (p: Promotion) => {
    if (p.userId !== artist.id) throw new UserError("That request does not exist.", 404);
  };
}

/** The artist's consent, recorded; it earns the fee at once. */
export async function acceptPromotion(db: Db, artist: ActingUser, id: string) {
  assertCan(artist, "money:earn");
  return moneyTransaction(db, async (tx) => {
    const promotion = await lockFor(tx, id, "accepted", ownedBy(artist));
    const [accepted] = await tx
      .update(promotions)
      .set({ state: "accepted", answeredAt: sql`now()` })
      .where(eq(promotions.id, id))
      .returning();
    await appendEntry(tx, {
      userId: artist.id,
      currency: promotion.currency,
      kind: "earning",
      amountMinor: promotion.feeMinor,
      occurredOn: todayUtc(),
      description: `Promotional use: ${promotion.purpose}`,
      promotionId: promotion.id,
      createdBy: artist.id,
    });
    await recordAudit(tx, auditActor(artist), {
      action: "money.promotion_accepted",
      subjectType: "promotion",
      subjectId: id,
      data: { feeMinor: promotion.feeMinor, currency: promotion.currency },
    });
    return accepted!;
  });
}

export async function declinePromotion(
  db: Db,
  artist: ActingUser,
  id: string,
  reason: string | null,
) {
  assertCan(artist, "money:earn");
  return moneyTransaction(db, async (tx) => {
    await lockFor(tx, id, "declined", ownedBy(artist));
    const [declined] = await tx
      .update(promotions)
      .set({ state: "declined", answeredAt: sql`now()`, declineReason: reason })
      .where(eq(promotions.id, id))
      .returning();
    await recordAudit(tx, auditActor(artist), {
      action: "money.promotion_declined",
      subjectType: "promotion",
      subjectId: id,
      data: { reason },
    });
    return declined!;
  });
}

/** An admin takes back a request the artist has not answered. */
export async function withdrawPromotion(db: Db, admin: ActingUser, id: string) {
  assertCan(admin, "money:manage");
  return moneyTransaction(db, async (tx) => {
    await lockFor(tx, id, "withdrawn", () => {});
    const [withdrawn] = await tx
      .update(promotions)
      .set({ state: "withdrawn" })
      .where(eq(promotions.id, id))
      .returning();
    await recordAudit(tx, auditActor(admin), {
      action: "money.promotion_withdrawn",
      subjectType: "promotion",
      subjectId: id,
    });
    return withdrawn!;
  });
}
