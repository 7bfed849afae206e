ALTER TABLE "users" ADD COLUMN "time_zone" text;--> statement-breakpoint
CREATE INDEX "ledger_entries_user_occurred_idx" ON "ledger_entries" USING btree ("user_id","occurred_on","id");