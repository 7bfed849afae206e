import { eq } from "drizzle-orm";
import { notificationPreferences, notifications, users } from "~db/schema";
import type { DbOrTx } from "../db";
import { queueEmail } from "../mail/send";
import type { TemplateName, TemplateProps } from "../mail/templates";
import { PREFERENCE_OF_KIND, preferenceJoin, wantsEmailOf } from "./preferences";

export type NotificationKind =
  | "submission_approved"
  | "submission_first_approval"
  | "submission_changes_requested"
  | "submission_rejected"
  | "review_comment"
  | "review_reply"
  | "review_thread_reply"
  | "rights_granted"
  | "rights_denied"
  | "rights_revoked"
  | "contribution_decided"
  | "grant_awarded"
  | "payout_sent"
  | "promotion_requested"
  | "clip_ready"
  | "clip_failed"
  | "quota_requested"
  | "quota_answered";

export type NotificationInput<T extends TemplateName> = {
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** An app path, e.g. /submissions/<id>. */
  link: string;
  /**
   * The email that goes with it. `url` in its props is filled from appUrl + link, and
   * `artistName` (for the templates that greet by name) from the recipient's account.
   */
  email: { template: T; props: Omit<TemplateProps[T], "url" | "artistName"> };
};

/**
 * Records an in-app notification and queues its email, in the caller's transaction: both exist
 * exactly when the change they report does. Returns the outbox id to deliver after commit, or
 * null when the recipient turned this type of email off (the in-app notification is still made).
 */
export async function notify<T extends TemplateName>(
  tx: DbOrTx,
  input: NotificationInput<T>,
  appUrl: string,
): Promise<string | null> {
  // The recipient and their choice for this type in one query.
  const [recipient] = await tx
    .select({
      email: users.email,
      displayName: users.displayName,
      wantsEmail: wantsEmailOf(PREFERENCE_OF_KIND[input.kind]),
    })
    .from(users)
    .leftJoin(notificationPreferences, preferenceJoin(users.id, PREFERENCE_OF_KIND[input.kind]))
    .where(eq(users.id, input.userId));
  if (!recipient) throw new Error(`notify: no user ${input.userId}`);
  await tx.insert(notifications).values({
    userId: input.userId,
    kind: input.kind,
    title: input.title,
    body: input.body,
    link: input.link,
  });
  if (!recipient.wantsEmail) return null;
  return queueEmail(tx, {
    to: recipient.email,
    template: input.email.template,
    props: {
      ...input.email.props,
      url: new URL(input.link, appUrl).toString(),
      // Every template gets it; those that do not greet by name ignore it.
      artistName: recipient.displayName || recipient.email,
    } as TemplateProps[T],
  });
}
