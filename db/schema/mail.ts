import { index, integer, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const emailStatus = pgEnum("email_status", ["queued", "sent", "failed"]);

export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    recipient: text("recipient").notNull(),
    template: text("template").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    status: emailStatus("status").notNull().default("queued"),
    // "resend" when a provider accepted it; "outbox" when no provider is configured and the
    // outbox page is where the message is read; "console" when a secret link was shown on the
    // server's console instead (development and demo mode without a provider).
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    error: text("error"),
    // Secret values of the message (a reset link), AES-GCM sealed under a key derived from
    // SESSION_SECRET; html and text hold placeholders instead. Erased once sent or failed.
    sealed: text("sealed"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("email_outbox_created_at_idx").on(t.createdAt, t.id),
    index("email_outbox_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

export type EmailMessage = typeof emailOutbox.$inferSelect;
