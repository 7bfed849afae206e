import { and, count, desc, eq, type SQL } from "drizzle-orm";
import { emailOutbox } from "~db/schema";
import { assertCan, type ActingUser } from "../auth/guards";
import type { Db } from "../db";
import { hasSecrets, redactSecrets } from "./sealed";

export const OUTBOX_PAGE_SIZE = 20;

/**
 * The links a message carries, so the outbox page can offer them without rendering its HTML.
 * A secret link is only a placeholder here (sealed.ts), and is never offered.
 */
export function linksIn(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/href="([^"]+)"/g)) {
    const href = match[1]!.replace(/&amp;/g, "&");
    if (/^https?:\/\//.test(href) && !hasSecrets(href)) found.add(href);
  }
  return [...found];
}

export async function listOutbox(
  db: Db,
  by: ActingUser,
  filter: { status?: "queued" | "sent" | "failed"; recipient?: string; page: number },
) {
  assertCan(by, "outbox:read");
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(emailOutbox.status, filter.status));
  if (filter.recipient) conditions.push(eq(emailOutbox.recipient, filter.recipient.toLowerCase()));
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    // Never the sealed secrets: the page gets what an admin may read.
    db
      .select({
        id: emailOutbox.id,
        recipient: emailOutbox.recipient,
        template: emailOutbox.template,
        subject: emailOutbox.subject,
        html: emailOutbox.html,
        text: emailOutbox.text,
        status: emailOutbox.status,
        provider: emailOutbox.provider,
        providerMessageId: emailOutbox.providerMessageId,
        error: emailOutbox.error,
        attempts: emailOutbox.attempts,
        createdAt: emailOutbox.createdAt,
        sentAt: emailOutbox.sentAt,
      })
      .from(emailOutbox)
      .where(where)
      .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
      .limit(OUTBOX_PAGE_SIZE)
      .offset((filter.page - 1) * OUTBOX_PAGE_SIZE),
    db.select({ n: count() }).from(emailOutbox).where(where),
  ]);
  return {
    messages: rows.map(({ html, text, ...rest }) => ({
      ...rest,
      text: redactSecrets(text),
      links: linksIn(html),
      secretWithheld: hasSecrets(text),
    })),
    total: total?.n ?? 0,
  };
}
