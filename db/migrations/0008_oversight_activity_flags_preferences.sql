CREATE TYPE "public"."anomaly_kind" AS ENUM('many_addresses', 'many_user_agents', 'volume_spike', 'many_sign_in_addresses');--> statement-breakpoint
CREATE TYPE "public"."anomaly_strength" AS ENUM('weak', 'strong');--> statement-breakpoint
CREATE TYPE "public"."anomaly_flag_state" AS ENUM('open', 'dismissed', 'actioned');--> statement-breakpoint
CREATE TABLE "account_activity" (
	"user_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"ip" text NOT NULL,
	"user_agent" text NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"sign_ins" integer DEFAULT 0 NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_activity_user_id_hour_ip_user_agent_pk" PRIMARY KEY("user_id","hour","ip","user_agent")
);
--> statement-breakpoint
CREATE TABLE "anomaly_flags" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"kind" "anomaly_kind" NOT NULL,
	"strength" "anomaly_strength" NOT NULL,
	"evidence" jsonb NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"state" "anomaly_flag_state" DEFAULT 'open' NOT NULL,
	"auto_suspended" boolean DEFAULT false NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"email" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_user_id_kind_pk" PRIMARY KEY("user_id","kind")
);
--> statement-breakpoint
ALTER TABLE "account_activity" ADD CONSTRAINT "account_activity_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anomaly_flags" ADD CONSTRAINT "anomaly_flags_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anomaly_flags" ADD CONSTRAINT "anomaly_flags_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_activity_hour_idx" ON "account_activity" USING btree ("hour");--> statement-breakpoint
CREATE UNIQUE INDEX "anomaly_flags_one_open" ON "anomaly_flags" USING btree ("user_id","kind") WHERE "anomaly_flags"."state" = 'open';--> statement-breakpoint
CREATE INDEX "anomaly_flags_state_created_idx" ON "anomaly_flags" USING btree ("state","created_at","id");