import { render } from "@react-email/render";
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { createElement } from "react";
import { emailOutbox, type EmailMessage } from "~db/schema";
import type { DbOrTx } from "../db";
import type { Mailer } from "./mailer";
import { fillSecrets, hasSecrets, seal, secretPlaceholder, unseal } from "./sealed";
import { secretPropsOf, templates, type TemplateName, type TemplateProps } from "./templates";

export const MAX_ATTEMPTS = 5;
/** How long one delivery attempt holds a message before another worker may try it. */
const LEASE_SECONDS = 120;

export async function renderEmail<T extends TemplateName>(template: T, props: TemplateProps[T]) {
  const entry = templates[template];
  const element = createElement(entry.component as never, props as never);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: entry.subject(props as never), html, text };
}

type Message<T extends TemplateName> = { to: string; template: T; props: TemplateProps[T] };

/**
 * Renders a template and records the message in the outbox. Call it inside the transaction that
 * causes the email; deliver with `deliverEmails` after that transaction commits, so no email is
 * ever sent for a change that rolled back. Templates with secret props go through
 * queueSecretEmail instead.
 */
export async function queueEmail<T extends TemplateName>(
  tx: DbOrTx,
  message: Message<T>,
): Promise<string> {
  if (secretPropsOf(message.template).length > 0)
    throw new Error(`The ${message.template} email carries a secret: use queueSecretEmail.`);
  return insertMessage(tx, message, null);
}

/**
 * queueEmail for a template with secret props (a reset link): the outbox keeps the message with a
 * placeholder where each secret goes, and the secrets sealed under the mailer's key until the one
 * delivery that needs them (sealed.ts).
 */
export async function queueSecretEmail<T extends TemplateName>(
  tx: DbOrTx,
  mailer: Pick<Mailer, "sealKey">,
  message: Message<T>,
): Promise<string> {
  if (!mailer.sealKey) throw new Error("This mailer has no key to seal secret links with.");
  const secrets: Record<string, string> = {};
  const props = { ...message.props } as Record<string, unknown>;
  for (const name of secretPropsOf(message.template)) {
    secrets[name] = String(props[name]);
    props[name] = secretPlaceholder(name);
  }
  return insertMessage(
    tx,
    { ...message, props: props as TemplateProps[T] },
    seal(mailer.sealKey, secrets),
  );
}

async function insertMessage<T extends TemplateName>(
  tx: DbOrTx,
  message: Message<T>,
  sealed: string | null,
) {
  const rendered = await renderEmail(message.template, message.props);
  const [row] = await tx
    .insert(emailOutbox)
    .values({ recipient: message.to, template: message.template, ...rendered, sealed })
    .returning({ id: emailOutbox.id });
  return row!.id;
}

function backoffSeconds(attempts: number) {
  return Math.min(30 * 2 ** (attempts - 1), 3600);
}

/** The message as its recipient gets it, or why it cannot be sent any more. */
function openForSending(mailer: Mailer, message: EmailMessage) {
  if (!hasSecrets(message.html) && !hasSecrets(message.text))
    return { ok: true as const, html: message.html, text: message.text };
  const values = message.sealed && mailer.sealKey ? unseal(mailer.sealKey, message.sealed) : null;
  if (!values)
    return {
      ok: false as const,
      error:
        "Its secret link can no longer be opened (SESSION_SECRET changed, or it was already sent). The recipient can ask for a new one.",
    };
  return {
    ok: true as const,
    html: fillSecrets(message.html, values, true),
    text: fillSecrets(message.text, values, false),
  };
}

/**
 * Tries to deliver queued messages: the given ones, or every one that is due. Each message is
 * leased first (its next attempt pushed forward) so two processes never send it twice at once,
 * and Resend receives the outbox id as its idempotency key, so a retry after a lost answer does
 * not send a duplicate either. A sealed secret is erased once the message is sent or has failed
 * for good.
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

  const finish = (
    id: string,
    outcome: Partial<typeof emailOutbox.$inferInsert> & { status: "sent" | "failed" },
  ) =>
    db
      .update(emailOutbox)
      .set({
        ...(outcome.status === "sent" ? { sentAt: sql`now()`, error: null } : {}),
        ...outcome,
        sealed: null,
        updatedAt: sql`now()`,
      })
      .where(eq(emailOutbox.id, id));

  let sent = 0;
  let failed = 0;
  for (const message of leased) {
    const opened = openForSending(mailer, message);
    if (!opened.ok) {
      await finish(message.id, { status: "failed", error: opened.error });
      failed++;
      continue;
    }
    if (!mailer.resend) {
      if (opened.html === message.html) {
        // Nothing secret: the outbox page is where it is read.
        await finish(message.id, { status: "sent", provider: "outbox" });
        sent++;
      } else if (mailer.printSecretMessage) {
        mailer.printSecretMessage(consoleDelivery(message, opened.text));
        await finish(message.id, { status: "sent", provider: "console" });
        sent++;
      } else {
        await finish(message.id, {
          status: "failed",
          provider: "outbox",
          error:
            "No email provider is configured, and a secret link is never shown in the outbox. Set RESEND_API_KEY so it reaches the recipient.",
        });
        failed++;
      }
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
          html: opened.html,
          text: opened.text,
        },
        { idempotencyKey: `outbox-${message.id}` },
      );
      if (result.error) error = `${result.error.name}: ${result.error.message}`;
      else providerId = result.data?.id ?? null;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    if (!error) {
      await finish(message.id, {
        status: "sent",
        provider: "resend",
        providerMessageId: providerId,
      });
      sent++;
    } else if (message.attempts >= MAX_ATTEMPTS) {
      await finish(message.id, { status: "failed", provider: "resend", error });
      failed++;
    } else {
      await db
        .update(emailOutbox)
        .set({
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

/** The one console copy of a message with a secret link (development and demo mode only). */
function consoleDelivery(message: EmailMessage, text: string) {
  const rule = "─".repeat(72);
  return [
    "",
    rule,
    `Email to ${message.recipient}: ${message.subject}`,
    "No email provider is configured. In demo and development mode a message with a secret link",
    "is shown here, once, instead of in the outbox:",
    "",
    text.trim(),
    rule,
    "",
  ].join("\n");
}
