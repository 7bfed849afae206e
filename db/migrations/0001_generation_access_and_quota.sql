CREATE TYPE "public"."generation_job_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'canceled');--> statement-breakpoint
CREATE TYPE "public"."quota_movement_kind" AS ENUM('reserve', 'commit', 'release');--> statement-breakpoint
CREATE TYPE "public"."resolution" AS ENUM('480p', '720p', '1080p');--> statement-breakpoint
CREATE TABLE "access_settings" (
	"user_id" text PRIMARY KEY NOT NULL,
	"monthly_quota_seconds" integer DEFAULT 300 NOT NULL,
	"max_duration_seconds" integer DEFAULT 10 NOT NULL,
	"max_resolution" "resolution" DEFAULT '720p' NOT NULL,
	"max_concurrent_jobs" integer DEFAULT 2 NOT NULL,
	"access_from" timestamp with time zone,
	"access_until" timestamp with time zone,
	"cohort" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "access_settings_quota_nonnegative" CHECK ("access_settings"."monthly_quota_seconds" >= 0),
	CONSTRAINT "access_settings_duration_positive" CHECK ("access_settings"."max_duration_seconds" > 0),
	CONSTRAINT "access_settings_concurrency_positive" CHECK ("access_settings"."max_concurrent_jobs" > 0),
	CONSTRAINT "access_settings_window_ordered" CHECK ("access_settings"."access_from" IS NULL OR "access_settings"."access_until" IS NULL OR "access_settings"."access_from" < "access_settings"."access_until")
);
--> statement-breakpoint
CREATE TABLE "generation_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"provider" text NOT NULL,
	"prompt" text NOT NULL,
	"duration_seconds" integer NOT NULL,
	"resolution" "resolution" NOT NULL,
	"aspect_ratio" text NOT NULL,
	"style" text NOT NULL,
	"seed" integer NOT NULL,
	"status" "generation_job_status" DEFAULT 'queued' NOT NULL,
	"progress" real DEFAULT 0 NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"provider_job_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "generation_jobs_progress_range" CHECK ("generation_jobs"."progress" >= 0 AND "generation_jobs"."progress" <= 1)
);
--> statement-breakpoint
CREATE TABLE "quota_movements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"job_id" text NOT NULL,
	"kind" "quota_movement_kind" NOT NULL,
	"seconds" integer NOT NULL,
	"month" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quota_movements_seconds_positive" CHECK ("quota_movements"."seconds" > 0)
);
--> statement-breakpoint
ALTER TABLE "access_settings" ADD CONSTRAINT "access_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_settings" ADD CONSTRAINT "access_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD CONSTRAINT "generation_jobs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_movements" ADD CONSTRAINT "quota_movements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_movements" ADD CONSTRAINT "quota_movements_job_id_generation_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."generation_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_settings_cohort_idx" ON "access_settings" USING btree ("cohort");--> statement-breakpoint
CREATE INDEX "generation_jobs_user_created_idx" ON "generation_jobs" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "generation_jobs_status_created_idx" ON "generation_jobs" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "quota_movements_job_kind_unique" ON "quota_movements" USING btree ("job_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "quota_movements_one_settlement" ON "quota_movements" USING btree ("job_id") WHERE "quota_movements"."kind" <> 'reserve';--> statement-breakpoint
CREATE INDEX "quota_movements_user_month_idx" ON "quota_movements" USING btree ("user_id","month");