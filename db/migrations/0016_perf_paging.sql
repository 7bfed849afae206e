CREATE TABLE "payout_draft_exclusions" (
	"currency" text NOT NULL,
	"user_id" text NOT NULL,
	"excluded_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payout_draft_exclusions_currency_user_id_pk" PRIMARY KEY("currency","user_id")
);
--> statement-breakpoint
ALTER TABLE "payout_draft_exclusions" ADD CONSTRAINT "payout_draft_exclusions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_draft_exclusions" ADD CONSTRAINT "payout_draft_exclusions_excluded_by_users_id_fk" FOREIGN KEY ("excluded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_display_name_idx" ON "users" USING btree ("display_name","id");