CREATE TABLE "generation_models" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"display_name" text NOT NULL,
	"capabilities" jsonb NOT NULL,
	"takes_image" boolean DEFAULT false NOT NULL,
	"cost_multiplier" double precision DEFAULT 1 NOT NULL,
	"cohorts" text[] DEFAULT '{}'::text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "generation_models_cost_range" CHECK ("generation_models"."cost_multiplier" > 0 AND "generation_models"."cost_multiplier" <= 100)
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"provider" text NOT NULL,
	"delivery_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_provider_delivery_id_pk" PRIMARY KEY("provider","delivery_id")
);
--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD COLUMN "model_id" text;--> statement-breakpoint
ALTER TABLE "generation_jobs" ADD COLUMN "reference_image_key" text;--> statement-breakpoint
ALTER TABLE "generation_models" ADD CONSTRAINT "generation_models_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "generation_models_one_default" ON "generation_models" USING btree ("is_default") WHERE "generation_models"."is_default";--> statement-breakpoint
CREATE INDEX "generation_jobs_provider_job_idx" ON "generation_jobs" USING btree ("provider","provider_job_id") WHERE "generation_jobs"."provider_job_id" IS NOT NULL;