ALTER TABLE "rate_limit_counters" ADD COLUMN "last_hit_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "sealed" text;--> statement-breakpoint
-- Reset links already in the outbox were readable by every admin: replace each with the
-- placeholder new messages carry (app/.server/mail/sealed.ts). Their tokens stay valid until they
-- expire within the hour, but nobody can read them here any more.
UPDATE "email_outbox"
SET "html" = regexp_replace("html", 'https?://[^"<>[:space:]]*/reset-password/[A-Za-z0-9_-]+', '[[secret:resetUrl]]', 'g'),
    "text" = regexp_replace("text", 'https?://[^"<>[:space:]]*/reset-password/[A-Za-z0-9_-]+', '[[secret:resetUrl]]', 'g')
WHERE "template" = 'password-reset';
