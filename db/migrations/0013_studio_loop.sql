CREATE TYPE "public"."quota_request_state" AS ENUM('open', 'granted', 'partly_granted', 'declined', 'withdrawn');--> statement-breakpoint
CREATE TABLE "cohorts" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"monthly_quota_seconds" integer NOT NULL,
	"max_duration_seconds" integer NOT NULL,
	"max_resolution" "resolution" NOT NULL,
	"max_concurrent_jobs" integer NOT NULL,
	"access_from" timestamp with time zone,
	"access_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cohorts_quota_nonnegative" CHECK ("cohorts"."monthly_quota_seconds" >= 0),
	CONSTRAINT "cohorts_duration_positive" CHECK ("cohorts"."max_duration_seconds" > 0),
	CONSTRAINT "cohorts_concurrency_positive" CHECK ("cohorts"."max_concurrent_jobs" > 0),
	CONSTRAINT "cohorts_window_ordered" CHECK ("cohorts"."access_from" IS NULL OR "cohorts"."access_until" IS NULL OR "cohorts"."access_from" < "cohorts"."access_until")
);
--> statement-breakpoint
CREATE TABLE "quota_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"requested_seconds" integer NOT NULL,
	"reason" text NOT NULL,
	"state" "quota_request_state" DEFAULT 'open' NOT NULL,
	"granted_seconds" integer,
	"note" text,
	"month" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quota_requests_requested_positive" CHECK ("quota_requests"."requested_seconds" > 0),
	CONSTRAINT "quota_requests_granted_range" CHECK ("quota_requests"."granted_seconds" IS NULL OR ("quota_requests"."granted_seconds" >= 0 AND "quota_requests"."granted_seconds" <= "quota_requests"."requested_seconds"))
);
--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "cohort_id" text;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD COLUMN "dismissed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cohorts" ADD CONSTRAINT "cohorts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_requests" ADD CONSTRAINT "quota_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_requests" ADD CONSTRAINT "quota_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cohorts_name_lower_unique" ON "cohorts" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "quota_requests_one_open" ON "quota_requests" USING btree ("user_id") WHERE "quota_requests"."state" = 'open';--> statement-breakpoint
CREATE INDEX "quota_requests_state_created_idx" ON "quota_requests" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "quota_requests_user_month_idx" ON "quota_requests" USING btree ("user_id","month");--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Live updates (ADR 0020): the database itself says when something an open studio or admin page
-- shows has changed, on the channel every web process LISTENs to (PGlite delivers it in-process).
-- The payload names only whose view changed and how, never the content: each process reads what
-- it sends from the database, as the person it sends it to.
CREATE OR REPLACE FUNCTION "greenroom_live_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payload json;
BEGIN
  IF TG_TABLE_NAME = 'generation_jobs' THEN
    -- "s": the job's status changed (or it is new), which moves everyone behind it in line;
    -- otherwise only its own artist's view changed (progress).
    payload := json_build_object('t', 'job', 'u', NEW."user_id", 'p', NEW."provider",
      's', TG_OP = 'INSERT' OR OLD."status" IS DISTINCT FROM NEW."status");
  ELSIF TG_TABLE_NAME = 'users' THEN
    payload := json_build_object('t', 'account', 'u', NEW."id");
  ELSIF TG_TABLE_NAME = 'sessions' THEN
    payload := json_build_object('t', 'account', 'u', OLD."user_id");
  ELSIF TG_TABLE_NAME = 'quota_requests' THEN
    payload := json_build_object('t', 'quota', 'u', NEW."user_id");
  ELSIF TG_TABLE_NAME = 'access_settings' THEN
    payload := json_build_object('t', 'quota', 'u', NEW."user_id");
  ELSE
    payload := json_build_object('t', 'notification', 'u', NEW."user_id");
  END IF;
  PERFORM pg_notify('greenroom_live', payload::text);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "generation_jobs_live_insert" AFTER INSERT ON "generation_jobs"
  FOR EACH ROW EXECUTE FUNCTION "greenroom_live_notify"();--> statement-breakpoint
-- A heartbeat that changes nothing the studio shows says nothing.
CREATE TRIGGER "generation_jobs_live_update" AFTER UPDATE ON "generation_jobs"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status"
    OR OLD."progress" IS DISTINCT FROM NEW."progress"
    OR OLD."dismissed_at" IS DISTINCT FROM NEW."dismissed_at")
  EXECUTE FUNCTION "greenroom_live_notify"();--> statement-breakpoint
CREATE TRIGGER "users_live" AFTER UPDATE OF "status" ON "users"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status") EXECUTE FUNCTION "greenroom_live_notify"();--> statement-breakpoint
CREATE TRIGGER "sessions_live" AFTER DELETE ON "sessions"
  FOR EACH ROW EXECUTE FUNCTION "greenroom_live_notify"();--> statement-breakpoint
CREATE TRIGGER "quota_requests_live" AFTER INSERT OR UPDATE ON "quota_requests"
  FOR EACH ROW EXECUTE FUNCTION "greenroom_live_notify"();--> statement-breakpoint
CREATE TRIGGER "access_settings_live" AFTER INSERT OR UPDATE ON "access_settings"
  FOR EACH ROW EXECUTE FUNCTION "greenroom_live_notify"();--> statement-breakpoint
CREATE TRIGGER "notifications_live" AFTER INSERT ON "notifications"
  FOR EACH ROW EXECUTE FUNCTION "greenroom_live_notify"();
