CREATE TABLE "clips" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"video_key" text NOT NULL,
	"poster_key" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"duration_seconds" double precision NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"provenance" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_by" text
);
--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD COLUMN "boss_job_id" text;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD COLUMN "dispatched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "clips" ADD CONSTRAINT "clips_id_generation_jobs_id_fk" FOREIGN KEY ("id") REFERENCES "public"."generation_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clips" ADD CONSTRAINT "clips_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clips" ADD CONSTRAINT "clips_deleted_by_users_id_fk" FOREIGN KEY ("deleted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "clips_user_created_idx" ON "clips" USING btree ("user_id","created_at") WHERE "clips"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "generation_jobs_active_idx" ON "generation_jobs" USING btree ("provider","status","created_at") WHERE "generation_jobs"."status" IN ('queued', 'running');