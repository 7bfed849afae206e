import { and, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import {
  FEEDBACK_CATEGORIES,
  formatMinutesAsHours,
  formatMoney,
  hoursEarning,
  MAX_SESSION_MINUTES,
  parseHoursInput,
  CONTRIBUTION_MOVES,
  type ContributionKind,
  type ContributionState,
} from "~/lib/money";
import { contributions, generationJobs, type Contribution } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db, Tx } from "../db";
import { UserError } from "../errors";
import { notify } from "../notifications/notify";
import { dayInWords, isoDay, todayUtc } from "./dates";
import { appendEntry, moneyTransaction, requireReason } from "./ledger";
import { payoutCurrencyOf, requireRate } from "./rates";

// What artists contribute besides clips: testing hours and feedback reports. Logged by the artist,
// approved (it earns at the rate in force on the item's date) or rejected with a reason by an admin.

export type MoneyOptions = { appUrl: string; now?: Date };

/** How far back an artist may log: a quarter is long enough to catch up, short enough to check. */
export const LOG_WINDOW_DAYS = 92;

const clientKey = z.uuid().optional().catch(undefined);

export const hoursInput = z.object({
  occurredOn: isoDay,
  hours: z
    .string({ error: "Enter the hours, like 1.5 or 1:30." })
    .trim()
    .transform((v, ctx) => {
      const minutes = parseHoursInput(v);
      if (minutes === null) {
        ctx.addIssue({
          code: "custom",
          message: "Enter the hours in quarter hours, like 1.5 or 1:30.",
        });
        return z.NEVER;
      }
      if (minutes > MAX_SESSION_MINUTES) {
        ctx.addIssue({ code: "custom", message: "Log at most 12 hours per session." });
        return z.NEVER;
      }
      return minutes;
    }),
  notes: z
    .string({ error: "Say what you tested." })
    .trim()
    .min(3, "Say what you tested, in a few words.")
    .max(2000, "Use at most 2,000 characters."),
  clientKey,
});
export type HoursInput = z.infer<typeof hoursInput>;

export const feedbackInput = z.object({
  generationId: z
    .string({ error: "Choose the generation it is about." })
    .min(1, "Choose the generation it is about."),
  category: z.enum(FEEDBACK_CATEGORIES, { error: "Choose quality, safety, bug or idea." }),
  description: z
    .string({ error: "Describe what you found." })
    .trim()
    .min(10, "Describe what you found in at least 10 characters.")
    .max(5000, "Use at most 5,000 characters."),
  clientKey,
});
export type FeedbackInput = z.infer<typeof feedbackInput>;

function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Inserts a contribution once per form key. A resent form returns the first one; a key already used
 * by someone else is refused rather than answered with their item.
 */
async function insertOnce(
  tx: Tx,
  artist: ActingUser,
  values: typeof contributions.$inferInsert,
): Promise<{ contribution: Contribution; created: boolean }> {
  const [row] = await tx.insert(contributions).values(values).onConflictDoNothing().returning();
  if (row) return { contribution: row, created: true };
  const [existing] = await tx
    .select()
    .from(contributions)
    .where(eq(contributions.clientKey, values.clientKey!));
  if (!existing || existing.userId !== artist.id)
    throw new UserError("This form was already used. Reload the page and try again.", 409);
  return { contribution: existing, created: false };
}

export async function logHours(db: Db, artist: ActingUser, input: HoursInput, now = new Date()) {
  assertCan(artist, "money:earn");
  const today = todayUtc(now);
  if (input.occurredOn > today)
    throw new UserError("Log a session once it has happened.", 422, "occurredOn");
  if (daysBetween(input.occurredOn, today) > LOG_WINDOW_DAYS)
    throw new UserError(
      `Sessions older than ${LOG_WINDOW_DAYS} days cannot be logged here; write to the program team.`,
      422,
      "occurredOn",
    );
  return moneyTransaction(db, async (tx) => {
    // A day has 24 hours: counted over what is logged and not rejected, under a per-artist lock
    // (transaction-scoped) so two tabs cannot both squeeze in.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`hours:${artist.id}`}))`);
    const [day] = await tx
      .select({ minutes: sql<number>`coalesce(sum(${contributions.minutes}), 0)::int` })
      .from(contributions)
      .where(
        and(
          eq(contributions.userId, artist.id),
          eq(contributions.kind, "hours"),
          eq(contributions.occurredOn, input.occurredOn),
          ne(contributions.state, "rejected"),
          // Not the row this same form may already have made (a resend); NULL keys count.
          input.clientKey
            ? sql`${contributions.clientKey} is distinct from ${input.clientKey}`
            : undefined,
        ),
      );
    if (day!.minutes + input.hours > 24 * 60)
      throw new UserError(
        `You already logged ${formatMinutesAsHours(day!.minutes)} on ${dayInWords(input.occurredOn)}; a day has 24.`,
        422,
        "hours",
      );
    const { contribution, created } = await insertOnce(tx, artist, {
      userId: artist.id,
      kind: "hours",
      occurredOn: input.occurredOn,
      minutes: input.hours,
      description: input.notes,
      clientKey: input.clientKey ?? null,
    });
    if (created)
      await recordAudit(tx, auditActor(artist), {
        action: "money.hours_logged",
        subjectType: "contribution",
        subjectId: contribution.id,
        data: { occurredOn: input.occurredOn, minutes: input.hours },
      });
    return contribution;
  });
}

export async function fileFeedbackReport(
  db: Db,
  artist: ActingUser,
  input: FeedbackInput,
  now = new Date(),
) {
  assertCan(artist, "money:earn");
  return moneyTransaction(db, async (tx) => {
    const [generation] = await tx
      .select({ userId: generationJobs.userId })
      .from(generationJobs)
      .where(eq(generationJobs.id, input.generationId));
    // Someone else's generation reads as missing: ids are not a way to learn what exists.
    if (!generation || generation.userId !== artist.id)
      throw new UserError("Choose one of your own generations.", 422, "generationId");
    const { contribution, created } = await insertOnce(tx, artist, {
      userId: artist.id,
      kind: "feedback",
      occurredOn: todayUtc(now),
      generationId: input.generationId,
      category: input.category,
      description: input.description,
      clientKey: input.clientKey ?? null,
    });
    if (created)
      await recordAudit(tx, auditActor(artist), {
        action: "money.feedback_filed",
        subjectType: "contribution",
        subjectId: contribution.id,
        data: { generationId: input.generationId, category: input.category },
      });
    return contribution;
  });
}

/** "2.5 hours of testing on 3 Nov 2026" / "Feedback report (bug) of 3 Nov 2026". */
export function contributionSummary(c: {
  kind: ContributionKind;
  minutes: number | null;
  category: string | null;
  occurredOn: string;
}) {
  return c.kind === "hours"
    ? `${formatMinutesAsHours(c.minutes ?? 0)} of testing on ${dayInWords(c.occurredOn)}`
    : `Feedback report (${c.category}) of ${dayInWords(c.occurredOn)}`;
}

/** The contribution, locked, if it may become `to` (CONTRIBUTION_MOVES); else why not. */
async function lockFor(tx: Tx, id: string, to: ContributionState) {
  const [row] = await tx.select().from(contributions).where(eq(contributions.id, id)).for("update");
  if (!row) throw new UserError("That contribution does not exist.", 404);
  const move = CONTRIBUTION_MOVES.check(row.state, to);
  if (!move.ok) throw new UserError(move.reason, 409);
  return row;
}

/** What an item earns under a card: hours at the hourly rate, a report at its flat rate. */
export function priceOf(
  c: { kind: ContributionKind; minutes: number | null },
  card: { hourlyMinor: number; feedbackReportMinor: number },
) {
  return c.kind === "hours"
    ? hoursEarning(c.minutes ?? 0, card.hourlyMinor)
    : card.feedbackReportMinor;
}

export async function approveContribution(
  db: Db,
  admin: ActingUser,
  id: string,
  options: MoneyOptions,
) {
  assertCan(admin, "money:manage");
  return moneyTransaction(db, async (tx) => {
    const item = await lockFor(tx, id, "approved");
    const currency = await payoutCurrencyOf(tx, item.userId);
    const card = await requireRate(tx, currency, item.occurredOn);
    const amountMinor = priceOf(item, card);
    const [approved] = await tx
      .update(contributions)
      .set({
        state: "approved",
        decidedBy: admin.id,
        decidedAt: sql`now()`,
        rateCardId: card.id,
        amountMinor,
        currency,
      })
      .where(eq(contributions.id, id))
      .returning();
    const summary = contributionSummary(item);
    // A zero rate earns nothing: the approval stands, and the ledger holds only real amounts.
    if (amountMinor > 0)
      await appendEntry(tx, {
        userId: item.userId,
        currency,
        kind: "earning",
        amountMinor,
        occurredOn: item.occurredOn,
        description: summary,
        contributionId: item.id,
        createdBy: admin.id,
      });
    await recordAudit(tx, auditActor(admin), {
      action: "money.contribution_approved",
      subjectType: "contribution",
      subjectId: id,
      data: { amountMinor, currency, rateCardId: card.id },
    });
    const emailId = await notify(
      tx,
      {
        userId: item.userId,
        kind: "contribution_decided",
        title: `Approved: ${summary}`,
        body: `It earns ${formatMoney(amountMinor, currency)}.`,
        link: "/earnings",
        email: {
          template: "contribution-decided",
          props: {
            summary,
            outcome: "approved",
            amount: formatMoney(amountMinor, currency),
            reason: null,
          },
        },
      },
      options.appUrl,
    );
    return { contribution: approved!, emailIds: emailId ? [emailId] : [] };
  });
}

export async function rejectContribution(
  db: Db,
  admin: ActingUser,
  id: string,
  reason: string,
  options: MoneyOptions,
) {
  assertCan(admin, "money:manage");
  requireReason(reason);
  return moneyTransaction(db, async (tx) => {
    const item = await lockFor(tx, id, "rejected");
    const [rejected] = await tx
      .update(contributions)
      .set({ state: "rejected", decidedBy: admin.id, decidedAt: sql`now()`, rejectReason: reason })
      .where(eq(contributions.id, id))
      .returning();
    await recordAudit(tx, auditActor(admin), {
      action: "money.contribution_rejected",
      subjectType: "contribution",
      subjectId: id,
      data: { reason },
    });
    const summary = contributionSummary(item);
    const emailId = await notify(
      tx,
      {
        userId: item.userId,
        kind: "contribution_decided",
        title: `Not approved: ${summary}`,
        body: reason,
        link: "/earnings",
        email: {
          template: "contribution-decided",
          props: { summary, outcome: "rejected", amount: null, reason },
        },
      },
      options.appUrl,
    );
    return { contribution: rejected!, emailIds: emailId ? [emailId] : [] };
  });
}
