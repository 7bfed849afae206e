import { render } from "@react-email/render";
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { createElement } from "react";
import { emailOutbox } from "~db/schema";
import type { DbOrTx } from "../db";
import type { Mailer } from "./mailer";
import { templates, type TemplateName, type TemplateProps } from "./templates";

export const MAX_ATTEMPTS = 5;
/** How long one delivery attempt holds a message before another worker may try it. */
const LEASE_SECONDS = 120;

export async function renderEmail<T extends TemplateName>(template: T, props: TemplateProps[T]) {
  const entry = templates[template];
  const element = createElement(entry.component as never, props as never);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: entry.subject(props as never), html, text };
}

/**
 * Renders a template and records the message in the outbox. Call it inside the transaction that
 * causes the email; deliver with `deliverEmails` after that transaction commits, so no email is
 * ever sent for a change that rolled back.
 */
export async function queueEmail<T extends TemplateName>(
  tx: DbOrTx,
  message: { to: string; template: T; props: TemplateProps[T] },
): Promise<string> {
  const rendered = await renderEmail(message.template, message.props);
  const [row] = await tx
    .insert(emailOutbox)
    .values({ recipient: message.to, template: message.template, ...rendered })
    .returning({ id: emailOutbox.id });
  return row!.id;
}

function backoffSeconds(attempts: number) {
  return Math.min(30 * 2 ** (attempts - 1), 3600);
}

/**
 * Tries to deliver queued messages: the given ones, or every one that is due. Each message is
 * leased first (its next attempt pushed forward) so two processes never send it twice at once,
 * and Resend receives the outbox id as its idempotency key, so a retry after a lost answer does
 * not send a duplicate either.
 */
export async function deliverEmails(db: DbOrTx, mailer: Mailer, ids?: string[]) {
  if (ids && ids.length === 0) return { sent: 0, failed: 0 };
  const leased = await db
    .update(emailOutbox)
    .set({
      attempts: sql`${emailOutbox.attempts} + 1`,
      lastAttemptAt: sql`now()`,
      nextAttemptAt: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
      updatedAt: sql`now()`,
    })
    .where(
      inArray(
        emailOutbox.id,
        db
          .select({ id: emailOutbox.id })
          .from(emailOutbox)
          .where(
            and(
              eq(emailOutbox.status, "queued"),
              lte(emailOutbox.nextAttemptAt, sql`now()`),
              ids ? inArray(emailOutbox.id, ids) : undefined,
            ),
          )
          .orderBy(asc(emailOutbox.createdAt))
          .limit(50)
          .for("update", { skipLocked: true }),
      ),
    )
    .returning();

  let sent = 0;
  let failed = 0;
  for (const message of leased) {
    if (!mailer.resend) {
      await db
        .update(emailOutbox)
        .set({
          status: "sent",
          provider: "outbox",
          sentAt: sql`now()`,
          updatedAt: sql`now()`,
          error: null,
        })
        .where(eq(emailOutbox.id, message.id));
      sent++;
      continue;
    }
    let error: string | null = null;
    let providerId: string | null = null;
    try {
      const result = await mailer.resend.emails.send(
        {
          from: mailer.from,
          to: message.recipient,
          subject: message.subject,
          html: message.html,
          text: message.text,
        },
        { idempotencyKey: `outbox-${message.id}` },
      );
      if (result.error) error = `${result.error.name}: ${result.error.message}`;
      else providerId = result.data?.id ?? null;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    if (!error) {
      await db
        .update(emailOutbox)
        .set({
          status: "sent",
          provider: "resend",
          providerMessageId: providerId,
          sentAt: sql`now()`,
          error: null,
          updatedAt: sql`now()`,
        })
        .where(eq(emailOutbox.id, message.id));
      sent++;
    } else {
      const finalFailure = message.attempts >= MAX_ATTEMPTS;
      await db
        .update(emailOutbox)
        .set({
          status: finalFailure ? "failed" : "queued",
          provider: "resend",
          error,
          nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds(message.attempts)})`,
          updatedAt: sql`now()`,
        })
        .where(eq(emailOutbox.id, message.id));
      failed++;
    }
  }
  return { sent, failed };
}
