CREATE TYPE "public"."contribution_kind" AS ENUM('hours', 'feedback');--> statement-breakpoint
CREATE TYPE "public"."contribution_state" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."feedback_category" AS ENUM('quality', 'safety', 'bug', 'idea');--> statement-breakpoint
CREATE TYPE "public"."grant_state" AS ENUM('awarded', 'approved', 'paid', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."ledger_kind" AS ENUM('earning', 'grant', 'payout', 'reversal');--> statement-breakpoint
CREATE TYPE "public"."payout_state" AS ENUM('created', 'sent', 'paid', 'failed');--> statement-breakpoint
CREATE TYPE "public"."promotion_state" AS ENUM('asked', 'accepted', 'declined', 'withdrawn');--> statement-breakpoint
CREATE TABLE "contributions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"kind" "contribution_kind" NOT NULL,
	"occurred_on" date NOT NULL,
	"minutes" integer,
	"generation_id" text,
	"category" "feedback_category",
	"description" text NOT NULL,
	"state" "contribution_state" DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"reject_reason" text,
	"rate_card_id" text,
	"amount_minor" integer,
	"currency" text,
	"client_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contributions_shape" CHECK (("contributions"."kind" = 'hours' and "contributions"."minutes" > 0 and "contributions"."category" is null) or ("contributions"."kind" = 'feedback' and "contributions"."minutes" is null and "contributions"."category" is not null)),
	CONSTRAINT "contributions_priced_when_approved" CHECK ("contributions"."state" <> 'approved' or ("contributions"."amount_minor" is not null and "contributions"."currency" is not null))
);
--> statement-breakpoint
CREATE TABLE "grants" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"amount_minor" integer NOT NULL,
	"currency" text NOT NULL,
	"purpose" text NOT NULL,
	"state" "grant_state" DEFAULT 'awarded' NOT NULL,
	"needs_second_approval" boolean NOT NULL,
	"awarded_by" text,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"cancelled_by" text,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"award_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grants_amount_positive" CHECK ("grants"."amount_minor" > 0),
	CONSTRAINT "grants_second_approver" CHECK (not "grants"."needs_second_approval" or "grants"."approved_by" is null or "grants"."approved_by" <> "grants"."awarded_by")
);
--> statement-breakpoint
CREATE TABLE "ledger_balances" (
	"user_id" text NOT NULL,
	"currency" text NOT NULL,
	"balance_minor" bigint NOT NULL,
	CONSTRAINT "ledger_balances_user_id_currency_pk" PRIMARY KEY("user_id","currency"),
	CONSTRAINT "ledger_balances_never_negative" CHECK ("ledger_balances"."balance_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"currency" text NOT NULL,
	"kind" "ledger_kind" NOT NULL,
	"amount_minor" bigint NOT NULL,
	"occurred_on" date NOT NULL,
	"description" text NOT NULL,
	"contribution_id" text,
	"promotion_id" text,
	"grant_id" text,
	"payout_id" text,
	"stipend_month" text,
	"reverses_entry_id" bigint,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_sign" CHECK (("ledger_entries"."kind" in ('earning', 'grant') and "ledger_entries"."amount_minor" > 0) or ("ledger_entries"."kind" = 'payout' and "ledger_entries"."amount_minor" < 0) or ("ledger_entries"."kind" = 'reversal' and "ledger_entries"."amount_minor" <> 0 and "ledger_entries"."reverses_entry_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "payout_accounts" (
	"user_id" text PRIMARY KEY NOT NULL,
	"currency" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payout_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"currency" text NOT NULL,
	"note" text,
	"created_by" text,
	"batch_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payouts" (
	"id" text PRIMARY KEY NOT NULL,
	"batch_id" text NOT NULL,
	"user_id" text NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"state" "payout_state" DEFAULT 'created' NOT NULL,
	"idempotency_key" text NOT NULL,
	"through_entry_id" bigint NOT NULL,
	"reference" text,
	"sent_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"failure_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payouts_amount_positive" CHECK ("payouts"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"clip_id" text NOT NULL,
	"submission_id" text NOT NULL,
	"purpose" text NOT NULL,
	"channels" text[] NOT NULL,
	"fee_minor" integer NOT NULL,
	"currency" text NOT NULL,
	"state" "promotion_state" DEFAULT 'asked' NOT NULL,
	"asked_by" text,
	"answered_at" timestamp with time zone,
	"decline_reason" text,
	"request_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promotions_accepted_has_answer" CHECK ("promotions"."state" in ('asked', 'withdrawn') or "promotions"."answered_at" is not null),
	CONSTRAINT "promotions_fee_positive" CHECK ("promotions"."fee_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "rate_cards" (
	"id" text PRIMARY KEY NOT NULL,
	"currency" text NOT NULL,
	"effective_from" date NOT NULL,
	"hourly_minor" integer NOT NULL,
	"feedback_report_minor" integer NOT NULL,
	"promo_clip_minor" integer NOT NULL,
	"stipend_monthly_minor" integer NOT NULL,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_cards_amounts_not_negative" CHECK ("rate_cards"."hourly_minor" >= 0 and "rate_cards"."feedback_report_minor" >= 0 and "rate_cards"."promo_clip_minor" >= 0 and "rate_cards"."stipend_monthly_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_generation_id_generation_jobs_id_fk" FOREIGN KEY ("generation_id") REFERENCES "public"."generation_jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_rate_card_id_rate_cards_id_fk" FOREIGN KEY ("rate_card_id") REFERENCES "public"."rate_cards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_awarded_by_users_id_fk" FOREIGN KEY ("awarded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_balances" ADD CONSTRAINT "ledger_balances_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_contribution_id_contributions_id_fk" FOREIGN KEY ("contribution_id") REFERENCES "public"."contributions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "public"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_accounts" ADD CONSTRAINT "payout_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_batches" ADD CONSTRAINT "payout_batches_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_batch_id_payout_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."payout_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_clip_id_clips_id_fk" FOREIGN KEY ("clip_id") REFERENCES "public"."clips"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_asked_by_users_id_fk" FOREIGN KEY ("asked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rate_cards" ADD CONSTRAINT "rate_cards_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contributions_client_key_unique" ON "contributions" USING btree ("client_key");--> statement-breakpoint
CREATE INDEX "contributions_user_idx" ON "contributions" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "contributions_pending_idx" ON "contributions" USING btree ("created_at","id") WHERE "contributions"."state" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "grants_award_key_unique" ON "grants" USING btree ("award_key");--> statement-breakpoint
CREATE INDEX "grants_user_idx" ON "grants" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "grants_awaiting_idx" ON "grants" USING btree ("created_at") WHERE "grants"."state" = 'awarded';--> statement-breakpoint
CREATE INDEX "ledger_entries_user_idx" ON "ledger_entries" USING btree ("user_id","currency","id");--> statement-breakpoint
CREATE INDEX "ledger_entries_occurred_idx" ON "ledger_entries" USING btree ("occurred_on","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_one_earning_per_contribution" ON "ledger_entries" USING btree ("contribution_id") WHERE "ledger_entries"."kind" = 'earning';--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_one_earning_per_promotion" ON "ledger_entries" USING btree ("promotion_id") WHERE "ledger_entries"."kind" = 'earning';--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_one_credit_per_grant" ON "ledger_entries" USING btree ("grant_id") WHERE "ledger_entries"."kind" = 'grant';--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_one_debit_per_payout" ON "ledger_entries" USING btree ("payout_id") WHERE "ledger_entries"."kind" = 'payout';--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_one_stipend_per_month" ON "ledger_entries" USING btree ("user_id","stipend_month") WHERE "ledger_entries"."stipend_month" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_one_reversal_per_entry" ON "ledger_entries" USING btree ("reverses_entry_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_batches_key_unique" ON "payout_batches" USING btree ("batch_key");--> statement-breakpoint
CREATE INDEX "payout_batches_created_idx" ON "payout_batches" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_idempotency_key_unique" ON "payouts" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_batch_user_unique" ON "payouts" USING btree ("batch_id","user_id");--> statement-breakpoint
CREATE INDEX "payouts_user_idx" ON "payouts" USING btree ("user_id","currency","created_at");--> statement-breakpoint
CREATE INDEX "payouts_state_idx" ON "payouts" USING btree ("state");--> statement-breakpoint
CREATE UNIQUE INDEX "promotions_request_key_unique" ON "promotions" USING btree ("request_key");--> statement-breakpoint
CREATE UNIQUE INDEX "promotions_one_per_clip" ON "promotions" USING btree ("clip_id") WHERE "promotions"."state" in ('asked', 'accepted');--> statement-breakpoint
CREATE INDEX "promotions_user_idx" ON "promotions" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "rate_cards_currency_from_unique" ON "rate_cards" USING btree ("currency","effective_from");--> statement-breakpoint
-- Hand-written (ADR 0012): the ledger is append-only, reversals must mirror the entry they undo,
-- and every insert moves the artist's balance, whose CHECK refuses to go below zero.
CREATE FUNCTION "ledger_entries_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are append-only: correct one with a reversal'
    USING ERRCODE = 'restrict_violation';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "ledger_entries_refuse_change"();
--> statement-breakpoint
CREATE FUNCTION "ledger_entries_check_reversal"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  original "ledger_entries"%ROWTYPE;
BEGIN
  IF NEW."kind" = 'reversal' THEN
    SELECT * INTO original FROM "ledger_entries" WHERE "id" = NEW."reverses_entry_id";
    IF NOT FOUND OR original."kind" = 'reversal' OR original."user_id" <> NEW."user_id"
       OR original."currency" <> NEW."currency" OR original."amount_minor" <> -NEW."amount_minor" THEN
      RAISE EXCEPTION 'a reversal must negate one earlier entry of the same artist and currency'
        USING ERRCODE = 'check_violation';
    END IF;
  ELSIF NEW."reverses_entry_id" IS NOT NULL THEN
    RAISE EXCEPTION 'only a reversal reverses an entry' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "ledger_entries_reversal_mirrors" BEFORE INSERT ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "ledger_entries_check_reversal"();
--> statement-breakpoint
CREATE FUNCTION "ledger_entries_move_balance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Open the balance at zero first, then move it: a CHECK is tested on the row an INSERT
  -- proposes, before ON CONFLICT could turn it into an update.
  INSERT INTO "ledger_balances" ("user_id", "currency", "balance_minor")
    VALUES (NEW."user_id", NEW."currency", 0)
    ON CONFLICT ("user_id", "currency") DO NOTHING;
  UPDATE "ledger_balances" SET "balance_minor" = "balance_minor" + NEW."amount_minor"
    WHERE "user_id" = NEW."user_id" AND "currency" = NEW."currency";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "ledger_entries_balance" AFTER INSERT ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "ledger_entries_move_balance"();
