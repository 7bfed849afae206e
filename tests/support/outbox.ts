import { desc, eq } from "drizzle-orm";
import type { Db } from "~/.server/db";
import { linksIn } from "~/.server/mail/outbox";
import { emailOutbox } from "~db/schema";

/** The newest message to `recipient` and the first link in it, as a person would click it. */
export async function lastEmailTo(db: Db, recipient: string) {
  const [message] = await db
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.recipient, recipient))
    .orderBy(desc(emailOutbox.createdAt))
    .limit(1);
  if (!message) throw new Error(`No email to ${recipient}`);
  const link = linksIn(message.html)[0];
  return { message, link, path: link ? new URL(link).pathname : undefined };
}
