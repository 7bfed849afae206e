import { and, count, desc, eq, type SQL } from "drizzle-orm";
import { emailOutbox } from "~db/schema";
import { assertCan, type ActingUser } from "../auth/guards";
import type { Db } from "../db";

export const OUTBOX_PAGE_SIZE = 20;

/** The links a message carries, so the outbox page can offer them without rendering its HTML. */
export function linksIn(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/href="([^"]+)"/g)) {
    const href = match[1]!.replace(/&amp;/g, "&");
    if (/^https?:\/\//.test(href)) found.add(href);
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
    db
      .select()
      .from(emailOutbox)
      .where(where)
      .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
      .limit(OUTBOX_PAGE_SIZE)
      .offset((filter.page - 1) * OUTBOX_PAGE_SIZE),
    db.select({ n: count() }).from(emailOutbox).where(where),
  ]);
  return {
    messages: rows.map(({ html, ...rest }) => ({ ...rest, links: linksIn(html) })),
    total: total?.n ?? 0,
  };
}
