import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import {
  EMAIL_PREFERENCE_TYPES,
  EMAIL_PREFERENCES,
  emailByDefault,
  emailPreferenceTypesFor,
  type EmailPreferenceType,
} from "~/lib/notification-preferences";
import { manyValues } from "~/lib/validation";
import { notificationPreferences } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db, DbOrTx } from "../db";
import { UserError } from "../errors";
import type { NotificationKind } from "./notify";

// Which emails each person wants. The in-app notification is never affected: turning a type off
// only stops its email, so nothing is ever missed, just not mailed. Security emails (invites,
// password resets, suspension notices) are queued with queueEmail directly and never look here.

/**
 * The preference that governs each notification kind. A Record, so a new kind does not compile
 * until someone decides which choice covers it.
 */
export const PREFERENCE_OF_KIND: Record<NotificationKind, EmailPreferenceType> = {
  submission_approved: "review_decisions",
  submission_first_approval: "review_decisions",
  submission_changes_requested: "review_decisions",
  submission_rejected: "review_decisions",
  review_comment: "review_comments",
  // A reviewer answered in a thread on the artist's clip.
  review_reply: "review_comments",
  // The artist or another reviewer answered in a thread a reviewer is part of.
  review_thread_reply: "review_threads",
  rights_granted: "rights",
  rights_denied: "rights",
  rights_revoked: "rights",
  contribution_decided: "money",
  grant_awarded: "money",
  payout_sent: "money",
  promotion_requested: "promotion_requests",
  clip_ready: "clip_ready",
  clip_failed: "clip_failed",
  quota_requested: "quota_requests",
  quota_answered: "quota_answers",
};

/**
 * The join condition for a person's choice of `type`, for a LEFT JOIN next to the query that reads
 * the recipient: one round trip decides both who and whether.
 */
export function preferenceJoin(userId: AnyPgColumn, type: EmailPreferenceType): SQL {
  return and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.kind, type))!;
}

/** After a LEFT JOIN on preferenceJoin: no row means the email goes (the default). */
export const wantsEmail = sql<boolean>`coalesce(${notificationPreferences.email}, true)`;

/** wantsEmail for a type whose default may be off ("Clip ready" is: the studio already says so). */
export function wantsEmailOf(type: EmailPreferenceType) {
  return sql<boolean>`coalesce(${notificationPreferences.email}, ${sql.raw(emailByDefault(type) ? "true" : "false")})`;
}

export type EmailPreference = {
  type: EmailPreferenceType;
  label: string;
  description: string;
  email: boolean;
};

async function storedChoices(db: DbOrTx, userId: string, types: EmailPreferenceType[]) {
  if (types.length === 0) return new Map<string, boolean>();
  const rows = await db
    .select({ kind: notificationPreferences.kind, email: notificationPreferences.email })
    .from(notificationPreferences)
    .where(
      and(eq(notificationPreferences.userId, userId), inArray(notificationPreferences.kind, types)),
    );
  return new Map(rows.map((row) => [row.kind, row.email]));
}

/** The person's own choices, one per type that can reach their role. */
export async function emailPreferences(db: Db, user: SessionUser): Promise<EmailPreference[]> {
  assertCan(user, "notifications:view");
  const types = emailPreferenceTypesFor(user.role);
  const stored = await storedChoices(db, user.id, types);
  return types.map((type) => ({
    type,
    ...EMAIL_PREFERENCES[type],
    email: stored.get(type) ?? emailByDefault(type),
  }));
}

export const emailPreferencesInput = z.object({
  // Ticked boxes only: a type that is missing is one the person turned off.
  email: manyValues(
    z.enum(EMAIL_PREFERENCE_TYPES, { error: "Choose only the kinds of email listed here." }),
  ).check(z.maxLength(EMAIL_PREFERENCE_TYPES.length, "Choose each kind of email once.")),
});
export type EmailPreferencesInput = z.infer<typeof emailPreferencesInput>;

/**
 * Saves the person's choices: every type that can reach their role is set, on when it is in
 * `email`, off otherwise. Only their own: there is no way to name another account. Returns what
 * changed, which is also what the audit entry records.
 */
export async function saveEmailPreferences(db: Db, user: ActingUser, input: EmailPreferencesInput) {
  assertCan(user, "notifications:view");
  const types = emailPreferenceTypesFor(user.role);
  const chosen = new Set(input.email);
  for (const type of chosen) {
    // A type that cannot reach this role (an artist posting the reviewers' digest) is a forged or
    // stale form: refuse it rather than store a choice the page never offered.
    if (!types.includes(type))
      throw new UserError("Choose only the kinds of email listed here.", 422, "email");
  }
  return db.transaction(async (tx) => {
    const before = await storedChoices(tx, user.id, types);
    const changes: Partial<Record<EmailPreferenceType, boolean>> = {};
    for (const type of types) {
      const now = chosen.has(type);
      if ((before.get(type) ?? emailByDefault(type)) !== now) changes[type] = now;
    }
    if (types.length > 0) {
      await tx
        .insert(notificationPreferences)
        .values(types.map((type) => ({ userId: user.id, kind: type, email: chosen.has(type) })))
        .onConflictDoUpdate({
          target: [notificationPreferences.userId, notificationPreferences.kind],
          set: { email: sql`excluded.email`, updatedAt: sql`now()` },
          // updated_at says when the choice last changed, not when the form was last sent.
          setWhere: sql`${notificationPreferences.email} IS DISTINCT FROM excluded.email`,
        });
    }
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, auditActor(user), {
        action: "notifications.preferences_changed",
        subjectType: "user",
        subjectId: user.id,
        data: { email: changes },
      });
    }
    return { changes };
  });
}
