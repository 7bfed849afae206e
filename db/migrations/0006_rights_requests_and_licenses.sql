CREATE TYPE "public"."rights_request_state" AS ENUM('pending', 'granted', 'denied');--> statement-breakpoint
CREATE TABLE "licenses" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"request_id" text NOT NULL,
	"submission_id" text NOT NULL,
	"clip_id" text NOT NULL,
	"user_id" text NOT NULL,
	"platforms" text[] NOT NULL,
	"other_platform" text,
	"commercial" boolean NOT NULL,
	"worldwide" boolean NOT NULL,
	"countries" text[] NOT NULL,
	"term_start" date NOT NULL,
	"term_end" date,
	"credit_line" text NOT NULL,
	"master_allowed" boolean NOT NULL,
	"granted_by" text,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	"revoke_reason" text
);
--> statement-breakpoint
CREATE TABLE "rights_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"submission_id" text NOT NULL,
	"user_id" text NOT NULL,
	"platforms" text[] NOT NULL,
	"other_platform" text,
	"commercial" boolean NOT NULL,
	"worldwide" boolean NOT NULL,
	"countries" text[] NOT NULL,
	"term_start" date NOT NULL,
	"term_end" date,
	"credit_line" text NOT NULL,
	"master_needed" boolean NOT NULL,
	"master_reason" text,
	"state" "rights_request_state" DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"auto_granted" boolean DEFAULT false NOT NULL,
	"deny_reason" text,
	"request_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clips" ADD COLUMN "original_key" text;--> statement-breakpoint
ALTER TABLE "licenses" ADD CONSTRAINT "licenses_request_id_rights_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."rights_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "licenses" ADD CONSTRAINT "licenses_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "licenses" ADD CONSTRAINT "licenses_clip_id_clips_id_fk" FOREIGN KEY ("clip_id") REFERENCES "public"."clips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "licenses" ADD CONSTRAINT "licenses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "licenses" ADD CONSTRAINT "licenses_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "licenses" ADD CONSTRAINT "licenses_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_requests" ADD CONSTRAINT "rights_requests_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_requests" ADD CONSTRAINT "rights_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_requests" ADD CONSTRAINT "rights_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "licenses_code_unique" ON "licenses" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "licenses_request_unique" ON "licenses" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "licenses_user_idx" ON "licenses" USING btree ("user_id","granted_at");--> statement-breakpoint
CREATE INDEX "licenses_clip_idx" ON "licenses" USING btree ("clip_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rights_requests_one_open" ON "rights_requests" USING btree ("submission_id") WHERE "rights_requests"."state" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "rights_requests_request_key_unique" ON "rights_requests" USING btree ("request_key");--> statement-breakpoint
CREATE INDEX "rights_requests_queue_idx" ON "rights_requests" USING btree ("created_at","id") WHERE "rights_requests"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "rights_requests_user_idx" ON "rights_requests" USING btree ("user_id","created_at");